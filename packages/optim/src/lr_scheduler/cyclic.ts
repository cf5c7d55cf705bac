import { type Args, ValueError, declare, parseArgs } from '@flambeau/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkOptimizer, groupsOf, perGroup } from './scheduler.js';

const CYCLIC = declare('lr_scheduler.CyclicLR', 'CyclicLR(Any optimizer, float[] baseLr, float[] maxLr, float stepSizeUp=2000, float? stepSizeDown=None, str mode="triangular", float gamma=1.0, Callable? scaleFn=None, str scaleMode="cycle", bool cycleMomentum=True, float[] baseMomentum=0.8, float[] maxMomentum=0.9, int lastEpoch=-1)');
// The step counts typed `float`: PyTorch checks them for positive integers itself, with a ValueError.
const ONE_CYCLE = declare('lr_scheduler.OneCycleLR', 'OneCycleLR(Any optimizer, float[] maxLr, float? totalSteps=None, float? epochs=None, float? stepsPerEpoch=None, float pctStart=0.3, str annealStrategy="cos", bool cycleMomentum=True, float[] baseMomentum=0.85, float[] maxMomentum=0.95, float divFactor=25.0, float finalDivFactor=10000.0, bool threePhase=False, int lastEpoch=-1)');

export interface CyclicLROptions {
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

/**
 * Cyclical learning rate between `baseLr` and `maxLr` (and momentum in the opposite phase),
 * PyTorch's `CyclicLR`; step it after every batch.
 *
 * @example
 * const sched = new lrScheduler.CyclicLR(opt, 0.01, 0.1, { stepSizeUp: 2000 });
 */
export class CyclicLR extends LRScheduler {
  static override readonly __name__: string = 'CyclicLR';
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  readonly scaleFnCustom: ((x: number) => number) | null;
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];

  constructor(
    optimizer: Optimizer<object>,
    baseLr: number | number[],
    maxLr: number | number[],
    ...rest: Args<[stepSizeUp: number, stepSizeDown: number | null, mode: CyclicLROptions['mode'], gamma: number, scaleFn: CyclicLROptions['scaleFn'], scaleMode: CyclicLROptions['scaleMode'], cycleMomentum: boolean, baseMomentum: number | number[], maxMomentum: number | number[], lastEpoch: number], CyclicLROptions>
  ) {
    checkOptimizer('CyclicLR', optimizer);
    const { stepSizeUp, stepSizeDown, mode, gamma, scaleFn, scaleMode, cycleMomentum, baseMomentum, maxMomentum, lastEpoch } = parseArgs(CYCLIC, [optimizer, baseLr, maxLr, ...rest]);
    const baseLrs = perGroup('base_lr', optimizer, baseLr);
    const groups = groupsOf(optimizer);
    if (lastEpoch === -1) baseLrs.forEach((lr, i) => { groups[i].lr = lr; });
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && scaleFn === null) throw new ValueError('mode is invalid and scale_fn is None');
    let momentums: { base: number[]; max: number[] } | null = null;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      const base = perGroup('base_momentum', optimizer, baseMomentum);
      if (lastEpoch === -1) base.forEach((m, i) => { groups[i].momentum = m; });
      momentums = { base: groups.map((g) => g.momentum as number), max: perGroup('max_momentum', optimizer, maxMomentum) };
    }
    super(optimizer, lastEpoch);
    this.maxLrs = perGroup('max_lr', optimizer, maxLr);
    const down = stepSizeDown ?? stepSizeUp;
    this.totalSize = stepSizeUp + down;
    this.stepRatio = stepSizeUp / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.scaleFnCustom = scaleFn;
    this.scaleMode = scaleFn !== null ? scaleMode : mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = cycleMomentum;
    if (momentums) {
      this.baseMomentums = momentums.base;
      this.maxMomentums = momentums.max;
    }
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  private scale(x: number): number {
    if (this.scaleFnCustom) return this.scaleFnCustom(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scale(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scaleFactor * s);
    if (this.cycleMomentum) {
      this.groups.forEach((g, i) => {
        g.momentum = this.maxMomentums[i] - (this.maxMomentums[i] - this.baseMomentums[i]) * scaleFactor * s;
      });
    }
    return lrs;
  }
}

export interface OneCycleLROptions {
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase { endStep: number; startLr: string; endLr: string; startMomentum: string; endMomentum: string }

/**
 * The 1cycle policy, PyTorch's `OneCycleLR`: warm up to `maxLr`, then anneal far below the
 * initial lr, cycling momentum (or Adam's beta1) inversely. Step it after every batch.
 *
 * @example
 * const sched = new lrScheduler.OneCycleLR(opt, 0.1, { epochs: 10, stepsPerEpoch: 100 });
 */
export class OneCycleLR extends LRScheduler {
  static override readonly __name__: string = 'OneCycleLR';
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1 = false;

  constructor(
    optimizer: Optimizer<object>,
    maxLr: number | number[],
    ...rest: Args<[totalSteps: number | null, epochs: number | null, stepsPerEpoch: number | null, pctStart: number, annealStrategy: 'cos' | 'linear', cycleMomentum: boolean, baseMomentum: number | number[], maxMomentum: number | number[], divFactor: number, finalDivFactor: number, threePhase: boolean, lastEpoch: number], OneCycleLROptions>
  ) {
    checkOptimizer('OneCycleLR', optimizer);
    const { totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch } = parseArgs(ONE_CYCLE, [optimizer, maxLr, ...rest]);
    let total: number;
    if (totalSteps === null && epochs === null && stepsPerEpoch === null) {
      throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (totalSteps !== null) {
      if (totalSteps <= 0 || !Number.isInteger(totalSteps)) throw new ValueError(`Expected positive integer total_steps, but got ${totalSteps}`);
      total = totalSteps;
    } else {
      if (epochs === null || epochs <= 0 || !Number.isInteger(epochs)) throw new ValueError(`Expected positive integer epochs, but got ${epochs}`);
      if (stepsPerEpoch === null || stepsPerEpoch <= 0 || !Number.isInteger(stepsPerEpoch)) throw new ValueError(`Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
      total = epochs * stepsPerEpoch;
    }
    const phases: Phase[] = threePhase
      ? [
        { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    if (pctStart < 0 || pctStart > 1) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    const groups = groupsOf(optimizer);
    const maxLrs = perGroup('max_lr', optimizer, maxLr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    let useBeta1 = false;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      useBeta1 = 'betas' in optimizer.defaults;
      const maxM = perGroup('max_momentum', optimizer, maxMomentum);
      const baseM = perGroup('base_momentum', optimizer, baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.phases = phases;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i];
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (ph.endStep - startStep);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
            if (this.useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
            else g.momentum = m;
          }
          break;
        }
        startStep = ph.endStep;
      }
      return lr;
    });
  }
}
