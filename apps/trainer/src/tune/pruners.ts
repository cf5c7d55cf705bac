/**
 * Pruners (Optuna's `MedianPruner` and `SuccessiveHalvingPruner`): after each epoch a running
 * trial reports its test accuracy; the pruner says whether to stop it. Accuracy is maximized.
 */
import type { Trial } from './storage.js';

export interface Pruner {
  /** True when `trial`, having reported `value` at `step`, should stop. */
  shouldPrune(trial: Trial, step: number, value: number, all: Trial[]): boolean;
}

export class NopPruner implements Pruner {
  shouldPrune(): boolean { return false; }
}

/**
 * Prunes when the value is below the median of the completed trials' values at the same step,
 * once `startupTrials` trials have completed and after `warmupSteps` steps.
 */
export class MedianPruner implements Pruner {
  constructor(private readonly startupTrials = 1, private readonly warmupSteps = 0) {}
  shouldPrune(trial: Trial, step: number, value: number, all: Trial[]): boolean {
    if (step <= this.warmupSteps) return false;
    const done = all.filter((t) => t.state === 'COMPLETE' && t.id !== trial.id);
    if (done.length < this.startupTrials) return false;
    const at = done.map((t) => t.intermediate.get(step)).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    if (at.length === 0) return false;
    const m = at.length % 2 ? at[(at.length - 1) / 2] : (at[at.length / 2 - 1] + at[at.length / 2]) / 2;
    return value < m;
  }
}

/**
 * Asynchronous successive halving (Li et al. 2018): rungs at steps minResource·η^k; a trial
 * reaching a rung continues only if its value is in the top 1/η of all values recorded at that
 * rung (the best one when fewer than η trials have reached it).
 */
export class SuccessiveHalvingPruner implements Pruner {
  constructor(private readonly minResource = 1, private readonly reductionFactor = 3) {}
  shouldPrune(trial: Trial, step: number, value: number, all: Trial[]): boolean {
    let rung = this.minResource;
    while (rung < step) rung *= this.reductionFactor;
    if (rung !== step) return false;
    const values = all.filter((t) => t.id !== trial.id).map((t) => t.intermediate.get(step)).filter((v): v is number => v !== undefined);
    values.push(value);
    values.sort((a, b) => b - a);
    const k = Math.max(1, Math.floor(values.length / this.reductionFactor));
    return value < values[k - 1];
  }
}
