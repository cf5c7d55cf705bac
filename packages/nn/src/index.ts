/**
 * `@flambeau/nn` — PyTorch's `torch.nn`: `Module`, `Parameter`, containers, layers, losses, and the
 * `functional` (alias `F`), `init` and `utils` namespaces.
 *
 * @example
 * import * as nn from '@flambeau/nn';
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * console.log(String(net));
 *
 * @module @flambeau/nn
 */
export * from './parameter.js';
export * from './module.js';
export * from './repr.js';
export * as functional from './functional/index.js';
export * as F from './functional/index.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
export * from './serialization.js';
export * from './layers/container.js';
export * from './layers/parameter_container.js';
export * from './layers/linear.js';
export * from './layers/flatten.js';
export * from './layers/embedding.js';
export * from './layers/dropout.js';
export * from './layers/activation.js';
export * from './layers/loss.js';
export { Conv1d, Conv2d, ConvNd, ConvTranspose2d } from './layers/conv.js';
export type { ConvNdOptions, ConvTransposeNdOptions, PaddingMode } from './layers/conv.js';
export * from './layers/pooling.js';
export * from './layers/normalization.js';
export * from './layers/dropout2d.js';
export * from './layers/upsampling.js';
export * from './layers/rnn.js';
export * from './layers/activation_attention.js';
export * from './layers/transformer.js';
