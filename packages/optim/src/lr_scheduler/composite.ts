import { type Args, DTypeError, ValueError, declare, parseArgs } from '@flambeau/tensor';
import type { Optimizer } from '../optimizer.js';
import { checkArg, describeValue } from '../check_args.js';
import { LRScheduler, SchedulerBase, type SchedulerStateDict, checkOptimizer, groupsOf, plainState } from './scheduler.js';

const SEQUENTIAL_STEP = declare('lr_scheduler.SequentialLR.step', 'step()');
const CHAINED_STEP = declare('lr_scheduler.ChainedScheduler.step', 'step()');

const SEQUENTIAL = declare('lr_scheduler.SequentialLR', 'SequentialLR(Any optimizer, Any[] schedulers, int[] milestones, int lastEpoch=-1)');
const CHAINED = declare('lr_scheduler.ChainedScheduler', 'ChainedScheduler(Any[] schedulers)');

function bisectRight(xs: readonly number[], x: number): number {
  let i = 0;
  while (i < xs.length && xs[i] <= x) i++;
  return i;
}

/** The schedulers a composite runs must be epoch schedulers (`LRScheduler`s), at least one. */
function checkSchedulers(where: string, schedulers: unknown): void {
  if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
    throw new DTypeError(`${where}: argument 'schedulers' must be a non-empty array of LRScheduler, but got ${describeValue(schedulers)}`);
  }
}

/** A scheduler made of others: its state dict nests theirs under `schedulers`. */
abstract class CompositeScheduler extends SchedulerBase {
  static override readonly __name__: string = 'CompositeScheduler';
  abstract readonly schedulers: LRScheduler[];

  override stateDict(): SchedulerStateDict {
    return { ...plainState(this), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    const { schedulers, ...rest } = sd;
    Object.assign(this, structuredClone(rest));
    (schedulers as SchedulerStateDict[]).forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}

/**
 * Runs `schedulers[i]` between `milestones[i-1]` and `milestones[i]`, PyTorch's `SequentialLR`;
 * each scheduler restarts from epoch 0 when its turn comes.
 *
 * @example
 * const warm = new lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new lrScheduler.ExponentialLR(opt, 0.9);
 * const sched = new lrScheduler.SequentialLR(opt, [warm, decay], [5]);
 */
export class SequentialLR extends CompositeScheduler {
  static override readonly __name__: string = 'SequentialLR';
  readonly optimizer: Optimizer<object>;
  readonly schedulers: LRScheduler[];
  milestones: number[];
  lastEpoch: number;
  protected lastLr: number[];

  constructor(optimizer: Optimizer<object>, schedulers: LRScheduler[], milestones: number[], ...rest: Args<[lastEpoch: number], { lastEpoch?: number }>) {
    super();
    const { lastEpoch } = parseArgs(SEQUENTIAL, [optimizer, schedulers, milestones, ...rest]);
    checkOptimizer('SequentialLR', optimizer);
    checkSchedulers('SequentialLR', schedulers);
    checkArg('SequentialLR', 'milestones', milestones, 'number[]');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new ValueError(`Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`);
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    }
    this.optimizer = optimizer;
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    for (const g of groupsOf(optimizer)) g.lr = g.initialLr as number;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].step();
    // PyTorch's `_initial_step` also resets the step counter of the first scheduler.
    (schedulers[0] as unknown as { stepCount: number }).stepCount = 1;
    this.lastLr = schedulers[0].getLastLr();
  }

  step(...args: []): void {
    parseArgs(SEQUENTIAL_STEP, args);
    this.lastEpoch++;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }}

/**
 * Steps several schedulers together so their factors multiply, PyTorch's `ChainedScheduler`.
 *
 * @example
 * const sched = new lrScheduler.ChainedScheduler([new lrScheduler.ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new lrScheduler.ExponentialLR(opt, 0.9)]);
 */
export class ChainedScheduler extends CompositeScheduler {
  static override readonly __name__: string = 'ChainedScheduler';
  readonly optimizer: Optimizer<object>;
  readonly schedulers: LRScheduler[];
  protected lastLr: number[];

  constructor(...args: [schedulers: LRScheduler[]] | [{ schedulers: LRScheduler[] }]) {
    super();
    const { schedulers } = parseArgs(CHAINED, args) as { schedulers: LRScheduler[] };
    checkSchedulers('ChainedScheduler', schedulers);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new ValueError(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    });
    this.schedulers = [...schedulers];
    this.optimizer = schedulers[0].optimizer;
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  step(...args: []): void {
    parseArgs(CHAINED_STEP, args);
    for (const s of this.schedulers) s.step();
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }}
