/**
 * Samplers (Optuna's `RandomSampler` and `TPESampler`, univariate): a trial's parameters are drawn
 * from a generator seeded by (study seed, trial number), so a study's draws do not depend on
 * which worker runs which trial.
 */
import { Generator } from '@flambeau/tensor';
import type { Param, Params } from './space.js';
import type { Trial } from './storage.js';

export interface Sampler {
  sample(space: Param[], history: Trial[], trialNumber: number): Params;
}

const rngFor = (seed: number, n: number) => new Generator(seed * 100_003 + n * 7919 + 17);

function drawUniform(p: Param, g: Generator): number | string {
  if (p.kind === 'choice') return p.choices[Math.floor(g.uniformDouble() * p.choices.length)];
  return Math.exp(Math.log(p.low) + g.uniformDouble() * (Math.log(p.high) - Math.log(p.low)));
}

export class RandomSampler implements Sampler {
  constructor(private readonly seed: number) {}
  sample(space: Param[], _h: Trial[], n: number): Params {
    const g = rngFor(this.seed, n);
    return Object.fromEntries(space.map((p) => [p.name, drawUniform(p, g)]));
  }
}

/** A trial's score for TPE: its final value, or for a pruned trial its last intermediate value. */
function score(t: Trial): number | null {
  if (t.state === 'COMPLETE') return t.value;
  if (t.state === 'PRUNED' && t.intermediate.size) return [...t.intermediate.values()].pop()!;
  return null;
}

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011): observations split into the best
 * γ(n) = min(⌈0.1 n⌉, 25) and the rest; each numeric parameter gets a Parzen estimator per side
 * (Gaussians in log space at the observations plus a wide prior), each choice a smoothed
 * histogram; of 24 candidates drawn from the good side, the one maximizing l(x)/g(x) wins.
 * Until `startupTrials` trials have a score, it samples at random.
 */
export class TPESampler implements Sampler {
  constructor(private readonly seed: number, private readonly startupTrials = 4, private readonly candidates = 24) {}

  sample(space: Param[], history: Trial[], n: number): Params {
    const g = rngFor(this.seed, n);
    const scored = history.filter((t) => t.params && score(t) !== null).sort((a, b) => score(b)! - score(a)!);
    if (scored.length < this.startupTrials) return Object.fromEntries(space.map((p) => [p.name, drawUniform(p, g)]));
    const nGood = Math.min(Math.ceil(0.1 * scored.length), 25);
    const good = scored.slice(0, nGood), bad = scored.slice(nGood);
    return Object.fromEntries(space.map((p) => [p.name, this.sampleParam(p, good.map((t) => t.params![p.name]), bad.map((t) => t.params![p.name]), g)]));
  }

  private sampleParam(p: Param, good: (number | string)[], bad: (number | string)[], g: Generator): number | string {
    if (p.kind === 'choice') {
      const weights = (obs: (number | string)[]) => p.choices.map((c) => (obs.filter((o) => o === c).length + 1) / (obs.length + p.choices.length));
      const l = weights(good), b = weights(bad);
      let best = 0, bestRatio = -Infinity;
      for (let i = 0; i < this.candidates; i++) {
        let u = g.uniformDouble(), k = 0;
        while (k < l.length - 1 && u >= l[k]) u -= l[k++];
        if (l[k] / b[k] > bestRatio) { bestRatio = l[k] / b[k]; best = k; }
      }
      return p.choices[best];
    }
    const lo = Math.log(p.low), hi = Math.log(p.high);
    const mixture = (obs: number[]) => {
      const mus = [...obs.map(Math.log), (lo + hi) / 2];
      // Bandwidth shrinks with the number of observations (Scott-like), never below 1% of the range.
      const sigma = Math.max((hi - lo) / Math.max(1, Math.sqrt(obs.length + 1)) / 2, (hi - lo) * 0.01);
      const sigmas = [...obs.map(() => sigma), hi - lo];
      return { mus, sigmas };
    };
    const density = (x: number, m: { mus: number[]; sigmas: number[] }) =>
      m.mus.reduce((a, mu, i) => a + Math.exp(-0.5 * ((x - mu) / m.sigmas[i]) ** 2) / m.sigmas[i], 0) / m.mus.length;
    const l = mixture(good as number[]), b = mixture(bad as number[]);
    let best = (lo + hi) / 2, bestRatio = -Infinity;
    for (let i = 0; i < this.candidates; i++) {
      const k = Math.floor(g.uniformDouble() * l.mus.length);
      let x: number;
      do x = l.mus[k] + l.sigmas[k] * g.normalDouble(); while (x < lo || x > hi);
      const ratio = density(x, l) / density(x, b);
      if (ratio > bestRatio) { bestRatio = ratio; best = x; }
    }
    return Math.exp(best);
  }
}
