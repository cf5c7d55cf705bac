import { ValueError, className } from '@flambeau/tensor';
import type { Optimizer } from '../optimizer.js';
import { checkArg, checkOptions } from '../check_args.js';
import { LRScheduler } from './scheduler.js';

type LrLambda = (epoch: number) => number;

function lambdas(optimizer: Optimizer<object>, fn: LrLambda | LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(fn)) return new Array<LrLambda>(n).fill(fn);
  if (fn.length !== n) throw new ValueError(`Expected ${n} lr_lambdas, but got ${fn.length}`);
  return [...fn];
}

/** The schedulers driven by user functions of the epoch, one per group. */
abstract class LambdaScheduler extends LRScheduler {
  static override readonly __name__: string = 'LambdaScheduler';
  readonly lrLambdas: LrLambda[];
  constructor(optimizer: Optimizer<object>, lrLambda: LrLambda | LrLambda[], opts: { lastEpoch?: number } = {}) {
    checkArg(className(new.target), 'lrLambda', lrLambda, 'function|function[]');
    checkOptions(className(new.target), opts, { lastEpoch: 'number' });
    const { lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch);
    this.lrLambdas = lambdas(optimizer, lrLambda);
    this.initialStep();
  }
}

/**
 * `lr = initialLr · lrLambda(epoch)`, PyTorch's `LambdaLR` (one function, or one per group).
 * The functions are not part of `stateDict()`.
 *
 * @example
 * const sched = new lrScheduler.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 */
export class LambdaLR extends LambdaScheduler {
  static override readonly __name__: string = 'LambdaLR';
  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }
}

/**
 * Multiplies the current lr by `lrLambda(epoch)` every epoch after the first, PyTorch's `MultiplicativeLR`.
 *
 * @example
 * const sched = new lrScheduler.MultiplicativeLR(opt, () => 0.95);
 */
export class MultiplicativeLR extends LambdaScheduler {
  static override readonly __name__: string = 'MultiplicativeLR';
  protected getLr(): number[] {
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }
}
