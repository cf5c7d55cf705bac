/** `torch.nn.functional`: the function forms of the layers and losses. */
export * from './padding.js';
export * from './linear.js';
export * from './activation.js';
export * from './dropout.js';
export * from './loss.js';
export * from './embedding.js';
export * from './conv.js';
export * from './pooling.js';
export * from './normalization.js';
export * from './interpolate.js';
export * from './attention.js';
