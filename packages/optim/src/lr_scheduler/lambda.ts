import { type Args, type Declaration, ValueError, className, declare, parseArgs } from '@flambeau/tensor';
import type { Optimizer } from '../optimizer.js';
import { checkArg } from '../check_args.js';
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
  /** The subclass's PyTorch declaration (`LambdaLR(optimizer, lr_lambda, last_epoch=-1, verbose=False)`). */
  protected static declaration: Declaration;
  constructor(optimizer: Optimizer<object>, lrLambda: LrLambda | LrLambda[], ...rest: Args<[lastEpoch: number], { lastEpoch?: number }>) {
    const { lastEpoch } = parseArgs((new.target as unknown as { declaration: Declaration }).declaration, [optimizer, lrLambda, ...rest]);
    checkArg(className(new.target), 'lrLambda', lrLambda, 'function|function[]');
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
  protected static override declaration = declare('lr_scheduler.LambdaLR', 'LambdaLR(Any optimizer, Any lrLambda, int lastEpoch=-1)');
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
  protected static override declaration = declare('lr_scheduler.MultiplicativeLR', 'MultiplicativeLR(Any optimizer, Any lrLambda, int lastEpoch=-1)');
  protected getLr(): number[] {
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }
}
