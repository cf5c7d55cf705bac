import { type Args, type Tensor, ValueError, declare, parseArgs } from '@flambeau/tensor';
import type { Optimizer } from '../optimizer.js';
import { SchedulerBase, checkOptimizer, groupsOf, perGroup } from './scheduler.js';

const PLATEAU_STEP = declare('lr_scheduler.ReduceLROnPlateau.step', 'step(Tensor|Scalar metrics, int? epoch=None)');

const PLATEAU = declare('lr_scheduler.ReduceLROnPlateau', 'ReduceLROnPlateau(Any optimizer, str mode="min", float factor=0.1, int patience=10, float threshold=0.0001, str thresholdMode="rel", int cooldown=0, float[] minLr=0, float eps=1e-08)');

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/**
 * Multiplies the lr by `factor` when a metric stops improving for `patience` epochs,
 * PyTorch's `ReduceLROnPlateau`. `step(metric)` takes the metric as a number or 0-dim tensor.
 *
 * @example
 * const sched = new lrScheduler.ReduceLROnPlateau(opt, { patience: 5 });
 * sched.step(valLoss);
 */
export class ReduceLROnPlateau extends SchedulerBase {
  static override readonly __name__: string = 'ReduceLROnPlateau';
  readonly optimizer: Optimizer<object>;
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best: number;
  numBadEpochs = 0;
  eps: number;
  lastEpoch = 0;
  protected lastLr: number[];

  constructor(
    optimizer: Optimizer<object>,
    ...rest: Args<[mode: 'min' | 'max', factor: number, patience: number, threshold: number, thresholdMode: 'rel' | 'abs', cooldown: number, minLr: number | number[], eps: number], ReduceLROnPlateauOptions>
  ) {
    super();
    checkOptimizer('ReduceLROnPlateau', optimizer);
    const { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps } = parseArgs(PLATEAU, [optimizer, ...rest]);
    if (factor >= 1) throw new ValueError('Factor should be < 1.0.');
    if (mode !== 'min' && mode !== 'max') throw new ValueError(`mode ${String(mode)} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new ValueError(`threshold mode ${String(thresholdMode)} is unknown!`);
    this.optimizer = optimizer;
    this.factor = factor;
    if (Array.isArray(minLr) && minLr.length !== optimizer.paramGroups.length) {
      throw new ValueError(`expected ${optimizer.paramGroups.length} min_lrs, got ${minLr.length}`);
    }
    this.minLrs = perGroup('min_lr', optimizer, minLr);
    this.patience = patience;
    this.cooldown = cooldown;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.eps = eps;
    this.best = this.modeWorse;
    this.lastLr = groupsOf(optimizer).map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /**
   * `step(metrics, epoch=None)`: records this epoch's metric (reads a tensor metric back) and
   * lowers the lr when it has plateaued; `epoch` is PyTorch's deprecated explicit-epoch form.
   */
  step(metrics: number | Tensor, ...rest: Args<[epoch: number | null], { epoch?: number | null }>): void {
    const { epoch } = parseArgs(PLATEAU_STEP, [metrics, ...rest]) as { epoch: number | null };
    const current = typeof metrics === 'number' ? metrics : metrics.itemSync();
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  private reduceLr(): void {
    groupsOf(this.optimizer).forEach((g, i) => {
      const old = g.lr;
      const next = Math.max(old * this.factor, this.minLrs[i]);
      if (old - next > this.eps) g.lr = next;
    });
  }
}
