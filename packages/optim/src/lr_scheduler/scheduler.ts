import { type Args, DTypeError, ValueError, className, declare, parseArgs } from '@flambeau/tensor';
import { checkArg, describeValue } from '../check_args.js';
import { Optimizer } from '../optimizer.js';

const STEP = declare('lr_scheduler.LRScheduler.step', 'step(float? epoch=None)');
/** `step(epoch=None)`'s argument, positional or `{ epoch }`. */
export type EpochArgs = Args<[epoch: number | null], { epoch?: number | null }>;

/** A parameter group as schedulers see it: `lr` plus whatever keys they add (`initialLr`, …). */
export type SchedGroup = Record<string, unknown> & { lr: number };
/** What `stateDict()` returns: the scheduler's own fields, without the optimizer or functions. */
export type SchedulerStateDict = Record<string, unknown>;

/** PyTorch's `TypeError: X is not an Optimizer`, with the scheduler's name. */
export function checkOptimizer(where: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) throw new DTypeError(`${where}: ${describeValue(optimizer)} is not an Optimizer`);
}

export function groupsOf(optimizer: Optimizer<object>): SchedGroup[] {
  return optimizer.paramGroups as unknown as SchedGroup[];
}

/** One value per group: a list is checked for length, a single value is repeated. */
export function perGroup<T>(name: string, optimizer: Optimizer<object>, value: T | readonly T[]): T[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== n) throw new ValueError(`expected ${n} values for ${name}, got ${value.length}`);
    return [...value];
  }
  return new Array<T>(n).fill(value as T);
}

/** Fields that are not state: the optimizer, functions, and nested schedulers saved separately. */
const NOT_STATE = new Set(['optimizer', 'lrLambdas', 'schedulers', 'scaleFnCustom']);

/** Copies the plain fields of a scheduler for `stateDict`. */
export function plainState(obj: object): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [k, v] of Object.entries(obj)) {
    if (NOT_STATE.has(k) || typeof v === 'function') continue;
    out[k] = structuredClone(v);
  }
  return out;
}

/**
 * What every scheduler shares: `getLastLr()` and a state dict made of its plain fields.
 * `lastLr` is declared by each subclass so that it keeps its place among the saved fields.
 */
export abstract class SchedulerBase {
  /** The class name printed and used in errors, kept through bundling (see `className`). */
  static readonly __name__: string = 'SchedulerBase';
  protected abstract lastLr: number[];

  /** `scheduler.get_last_lr()`: the learning rates set by the last `step`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return plainState(this);
  }

  loadStateDict(sd: SchedulerStateDict): void {
    Object.assign(this, structuredClone(sd));
  }
}

/**
 * Base of the epoch-driven schedulers, PyTorch's `torch.optim.lr_scheduler._LRScheduler`.
 *
 * The constructor records `initialLr` in every group and takes the first step (epoch 0).
 * `step()` advances `lastEpoch` and writes `getLr()` into the groups; `step(epoch)` jumps to an
 * epoch using the closed form where the scheduler has one.
 */
export abstract class LRScheduler extends SchedulerBase {
  static override readonly __name__: string = 'LRScheduler';
  readonly optimizer: Optimizer<object>;
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer<object>, lastEpoch = -1) {
    super();
    checkOptimizer(className(new.target), optimizer);
    checkArg(className(new.target), 'lastEpoch', lastEpoch, 'number');
    this.optimizer = optimizer;
    const groups = groupsOf(optimizer);
    if (lastEpoch === -1) {
      for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) throw new ValueError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Runs the first step; subclasses call it at the end of their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  protected get groups(): SchedGroup[] {
    return groupsOf(this.optimizer);
  }

  /** The learning rates for `lastEpoch`, computed from the current ones (chainable form). */
  protected abstract getLr(): number[];
  /** The learning rates for `lastEpoch` from `baseLrs` alone, where a closed form exists. */
  protected closedFormLr?(): number[];

  /** `scheduler.step()`: advance one epoch; `step(epoch)` is PyTorch's deprecated explicit-epoch form. */
  step(...args: EpochArgs): void {
    const epoch = (parseArgs(STEP, args).epoch as number | null) ?? undefined;
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }
}
