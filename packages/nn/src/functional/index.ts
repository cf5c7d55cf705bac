/** `torch.nn.functional`: the function forms of the layers and losses. */
export { pad, oneHot } from '@flambeau/tensor';
export * from './linear.js';
