import { type Args, ValueError, declare, parseArgs } from '@flambeau/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

const CONSTANT = declare('lr_scheduler.ConstantLR', 'ConstantLR(Any optimizer, float factor=0.3333333333333333, int totalIters=5, int lastEpoch=-1)');
const LINEAR = declare('lr_scheduler.LinearLR', 'LinearLR(Any optimizer, float startFactor=0.3333333333333333, float endFactor=1.0, int totalIters=5, int lastEpoch=-1)');

/**
 * Scales the lr by `factor` until epoch `totalIters`, PyTorch's `ConstantLR`.
 *
 * @example
 * const sched = new lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  static override readonly __name__: string = 'ConstantLR';
  factor: number;
  totalIters: number;
  constructor(optimizer: Optimizer<object>, ...rest: Args<[factor: number, totalIters: number, lastEpoch: number], { factor?: number; totalIters?: number; lastEpoch?: number }>) {
    const { factor, totalIters, lastEpoch } = parseArgs(CONSTANT, [optimizer, ...rest]);
    if (factor > 1 || factor < 0) throw new ValueError('Constant multiplicative factor expected to be between 0 and 1.');
    super(optimizer, lastEpoch);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

/**
 * Scales the lr linearly from `startFactor` to `endFactor` over `totalIters` epochs, PyTorch's `LinearLR`.
 *
 * @example
 * const sched = new lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearLR extends LRScheduler {
  static override readonly __name__: string = 'LinearLR';
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(
    optimizer: Optimizer<object>,
    ...rest: Args<[startFactor: number, endFactor: number, totalIters: number, lastEpoch: number], { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number }>
  ) {
    const { startFactor, endFactor, totalIters, lastEpoch } = parseArgs(LINEAR, [optimizer, ...rest]);
    if (startFactor > 1 || startFactor < 0) throw new ValueError('Starting multiplicative factor expected to be between 0 and 1.');
    if (endFactor > 1 || endFactor < 0) throw new ValueError('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
