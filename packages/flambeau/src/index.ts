/**
 * Flambeau — PyTorch for TypeScript. The umbrella package re-exports the pieces so a ported
 * script reads like PyTorch:
 *
 * @example
 * import { torch, nn, optim, data, type Tensor } from 'flambeau';
 * torch.manualSeed(0);
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
 *
 * @module flambeau
 */
export * as torch from './torch.js';
export * as autograd from '@flambeau/autograd';
export * as nn from '@flambeau/nn';
export * as optim from '@flambeau/optim';
export * as data from '@flambeau/data';
export type { Tensor, DType, Device } from '@flambeau/tensor';
