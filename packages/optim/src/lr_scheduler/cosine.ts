import { type Args, ValueError, declare, parseArgs } from '@flambeau/tensor';
import type { Optimizer } from '../optimizer.js';
import { type EpochArgs, LRScheduler } from './scheduler.js';

const WARM_RESTARTS_STEP = declare('lr_scheduler.CosineAnnealingWarmRestarts.step', 'step(float? epoch=None)');

const COSINE = declare('lr_scheduler.CosineAnnealingLR', 'CosineAnnealingLR(Any optimizer, int TMax, float etaMin=0, int lastEpoch=-1)');
// T_0 and T_mult typed `float`: PyTorch checks them for integers itself, with a ValueError.
const WARM_RESTARTS = declare('lr_scheduler.CosineAnnealingWarmRestarts', 'CosineAnnealingWarmRestarts(Any optimizer, float T0, float TMult=1, float etaMin=0, int lastEpoch=-1)');

/**
 * Cosine annealing from the initial lr to `etaMin` over `TMax` epochs, PyTorch's
 * `CosineAnnealingLR` in its recursive form (so it composes with other schedulers and keeps
 * PyTorch's behaviour past `TMax`).
 *
 * @example
 * const sched = new lrScheduler.CosineAnnealingLR(opt, 100, { etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  static override readonly __name__: string = 'CosineAnnealingLR';
  TMax: number;
  etaMin: number;
  constructor(optimizer: Optimizer<object>, ...rest: Args<[TMax: number, etaMin: number, lastEpoch: number], { TMax?: number; etaMin?: number; lastEpoch?: number }>) {
    const { TMax, etaMin, lastEpoch } = parseArgs(COSINE, [optimizer, ...rest]);
    super(optimizer, lastEpoch);
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { TMax, etaMin, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / TMax))) / 2);
    }
    if ((e - 1 - TMax) % (2 * TMax) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / TMax)) / (1 + Math.cos((Math.PI * (e - 1)) / TMax))) * (g.lr - etaMin) + etaMin,
    );
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }
}

/**
 * Cosine annealing with warm restarts every `T0·TMult^k` epochs, PyTorch's `CosineAnnealingWarmRestarts`.
 * `step(epoch)` accepts fractional epochs (for per-batch stepping).
 *
 * @example
 * const sched = new lrScheduler.CosineAnnealingWarmRestarts(opt, 10, { TMult: 2 });
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  static override readonly __name__: string = 'CosineAnnealingWarmRestarts';
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  TCur: number;
  constructor(optimizer: Optimizer<object>, ...rest: Args<[T0: number, TMult: number, etaMin: number, lastEpoch: number], { T0?: number; TMult?: number; etaMin?: number; lastEpoch?: number }>) {
    const { T0, TMult, etaMin, lastEpoch } = parseArgs(WARM_RESTARTS, [optimizer, ...rest]);
    if (T0 <= 0 || !Number.isInteger(T0)) throw new ValueError(`Expected positive integer T_0, but got ${T0}`);
    if (TMult < 1 || !Number.isInteger(TMult)) throw new ValueError(`Expected integer T_mult >= 1, but got ${TMult}`);
    super(optimizer, lastEpoch);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
    this.TCur = lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2);
  }
  override step(...args: EpochArgs): void {
    this.stepCount++;
    let e = (parseArgs(WARM_RESTARTS_STEP, args).epoch as number | null) ?? undefined;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.Ti) {
        this.TCur = this.TCur - this.Ti;
        this.Ti = this.Ti * this.TMult;
      }
    } else {
      if (e < 0) throw new ValueError(`Expected non-negative epoch, but got ${e}`);
      if (e >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = e % this.T0;
        } else {
          const n = Math.trunc(Math.log((e / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = e - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    const lrs = this.getLr();
    this.groups.forEach((g, i) => {
      g.lr = lrs[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }
}
