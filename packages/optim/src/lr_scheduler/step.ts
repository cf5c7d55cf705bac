import type { Optimizer } from '../optimizer.js';
import { checkArg, checkOptions } from '../check_args.js';
import { LRScheduler } from './scheduler.js';

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs, PyTorch's `StepLR`.
 *
 * @example
 * const sched = new lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  static override readonly __name__: string = 'StepLR';
  stepSize: number;
  gamma: number;
  constructor(optimizer: Optimizer<object>, stepSize: number, opts: { gamma?: number; lastEpoch?: number } = {}) {
    checkArg('StepLR', 'stepSize', stepSize, 'number');
    checkOptions('StepLR', opts, { gamma: 'number', lastEpoch: 'number' });
    const { gamma = 0.1, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone (a repeated milestone counts twice), PyTorch's `MultiStepLR`.
 *
 * @example
 * const sched = new lrScheduler.MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  static override readonly __name__: string = 'MultiStepLR';
  milestones: number[];
  gamma: number;
  constructor(optimizer: Optimizer<object>, milestones: readonly number[], opts: { gamma?: number; lastEpoch?: number } = {}) {
    checkArg('MultiStepLR', 'milestones', milestones, 'number[]');
    checkOptions('MultiStepLR', opts, { gamma: 'number', lastEpoch: 'number' });
    const { gamma = 0.1, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

/**
 * Multiplies the lr by `gamma` every epoch, PyTorch's `ExponentialLR`.
 *
 * @example
 * const sched = new lrScheduler.ExponentialLR(opt, 0.9);
 */
export class ExponentialLR extends LRScheduler {
  static override readonly __name__: string = 'ExponentialLR';
  gamma: number;
  constructor(optimizer: Optimizer<object>, gamma: number, opts: { lastEpoch?: number } = {}) {
    checkArg('ExponentialLR', 'gamma', gamma, 'number');
    checkOptions('ExponentialLR', opts, { lastEpoch: 'number' });
    const { lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
