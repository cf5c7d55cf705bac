import type { Optimizer } from '../optimizer.js';
import { type Args, declare, parseArgs } from '@flambeau/tensor';
import { checkArg } from '../check_args.js';
import { LRScheduler } from './scheduler.js';

const STEP = declare('lr_scheduler.StepLR', 'StepLR(Any optimizer, int stepSize, float gamma=0.1, int lastEpoch=-1)');
const MULTI_STEP = declare('lr_scheduler.MultiStepLR', 'MultiStepLR(Any optimizer, int[] milestones, float gamma=0.1, int lastEpoch=-1)');
const EXPONENTIAL = declare('lr_scheduler.ExponentialLR', 'ExponentialLR(Any optimizer, float gamma, int lastEpoch=-1)');

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
  constructor(optimizer: Optimizer<object>, ...rest: Args<[stepSize: number, gamma: number, lastEpoch: number], { stepSize?: number; gamma?: number; lastEpoch?: number }>) {
    const { stepSize, gamma, lastEpoch } = parseArgs(STEP, [optimizer, ...rest]);
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
  constructor(optimizer: Optimizer<object>, ...rest: Args<[milestones: readonly number[], gamma: number, lastEpoch: number], { milestones?: readonly number[]; gamma?: number; lastEpoch?: number }>) {
    const { milestones, gamma, lastEpoch } = parseArgs(MULTI_STEP, [optimizer, ...rest]) as { milestones: number[]; gamma: number; lastEpoch: number };
    // `int[]` takes one int for dims; milestones must be a list.
    checkArg('MultiStepLR', 'milestones', milestones, 'number[]');
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
  constructor(optimizer: Optimizer<object>, ...rest: Args<[gamma: number, lastEpoch: number], { gamma?: number; lastEpoch?: number }>) {
    const { gamma, lastEpoch } = parseArgs(EXPONENTIAL, [optimizer, ...rest]);
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
