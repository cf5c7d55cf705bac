/**
 * @flambeau/nn — PyTorch's `torch.nn`: `Module`, `Parameter`, containers, layers, losses, and the
 * `functional` (alias `F`), `init` and `utils` namespaces.
 *
 * @example
 * import * as nn from '@flambeau/nn';
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * console.log(String(net));
 */
export * from './parameter.js';
export * from './module.js';
export * as functional from './functional/index.js';
export * as F from './functional/index.js';
export * as init from './init.js';
export * from './layers/linear.js';
