import { describe, expect, it } from 'vitest';
import { zeros } from '@flambeau/tensor';
import { Adam, SGD, lrScheduler as S, type Optimizer } from '../src/index.js';
import fixtures from './fixtures/schedulers.json';

type Sched = { step(metric?: number): void; getLastLr(): number[]; stateDict(): Record<string, unknown>; loadStateDict(sd: Record<string, unknown>): void };

/** Mirrors `sgd()` in tools/gen_optim_fixtures.py: group i has lr 0.1·(i+1). */
function sgd(momentum = 0, groups = 1): SGD {
  return new SGD(Array.from({ length: groups }, (_, i) => ({ params: [zeros(1).requiresGrad_()], lr: 0.1 * (i + 1) })), { lr: 0.1, momentum });
}

const MAKERS: Record<string, () => [Optimizer<object>, Sched]> = {
  step: () => { const o = sgd(0, 2); return [o, new S.StepLR(o, 7, { gamma: 0.5 })]; },
  multistep: () => { const o = sgd(0, 2); return [o, new S.MultiStepLR(o, [3, 8, 8, 20], { gamma: 0.3 })]; },
  exponential: () => { const o = sgd(); return [o, new S.ExponentialLR(o, 0.9)]; },
  cosine: () => { const o = sgd(0, 2); return [o, new S.CosineAnnealingLR(o, 10, { etaMin: 0.001 })]; },
  cosine_warm_restarts: () => { const o = sgd(); return [o, new S.CosineAnnealingWarmRestarts(o, 4, { TMult: 2, etaMin: 0.01 })]; },
  cosine_warm_restarts_1: () => { const o = sgd(); return [o, new S.CosineAnnealingWarmRestarts(o, 7)]; },
  linear: () => { const o = sgd(0, 2); return [o, new S.LinearLR(o, { startFactor: 0.25, endFactor: 0.9, totalIters: 8 })]; },
  linear_default: () => { const o = sgd(); return [o, new S.LinearLR(o)]; },
  constant: () => { const o = sgd(); return [o, new S.ConstantLR(o, { factor: 0.4, totalIters: 6 })]; },
  lambda: () => { const o = sgd(0, 2); return [o, new S.LambdaLR(o, (e) => 0.95 ** e)]; },
  multiplicative: () => { const o = sgd(); return [o, new S.MultiplicativeLR(o, () => 0.9)]; },
  onecycle_sgd: () => { const o = sgd(0.9); return [o, new S.OneCycleLR(o, 1.0, { totalSteps: 31 })]; },
  onecycle_adam_linear_3phase: () => {
    const o = new Adam([zeros(1).requiresGrad_()], { lr: 0.1 });
    return [o, new S.OneCycleLR(o, 0.5, { epochs: 4, stepsPerEpoch: 8, pctStart: 0.25, annealStrategy: 'linear', threePhase: true })];
  },
  cyclic_triangular: () => { const o = sgd(0.9); return [o, new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 4, stepSizeDown: 6 })]; },
  cyclic_triangular2: () => { const o = sgd(0.9); return [o, new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 3, mode: 'triangular2' })]; },
  cyclic_exp_range: () => { const o = sgd(0.9); return [o, new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 5, mode: 'exp_range', gamma: 0.95, cycleMomentum: false })]; },
  sequential: () => {
    const o = sgd();
    return [o, new S.SequentialLR(o, [new S.ConstantLR(o, { factor: 0.5, totalIters: 3 }), new S.ExponentialLR(o, 0.9)], [4])];
  },
  sequential_3: () => {
    const o = sgd();
    return [o, new S.SequentialLR(o, [new S.LinearLR(o, { startFactor: 0.1, totalIters: 5 }), new S.CosineAnnealingLR(o, 10), new S.StepLR(o, 3)], [5, 15])];
  },
  chained: () => { const o = sgd(); return [o, new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.1, totalIters: 2 }), new S.ExponentialLR(o, 0.9)])]; },
  plateau_min: () => { const o = sgd(0, 2); return [o, new S.ReduceLROnPlateau(o, { patience: 2, factor: 0.5, minLr: [0.01, 0.02] })]; },
  plateau_abs_cooldown: () => { const o = sgd(); return [o, new S.ReduceLROnPlateau(o, { patience: 1, threshold: 0.05, thresholdMode: 'abs', cooldown: 2 })]; },
};

function momenta(o: Optimizer<object>): (number | null)[] {
  return o.paramGroups.map((g) => {
    const r = g as Record<string, unknown>;
    return 'betas' in r ? (r.betas as number[])[0] : ((r.momentum as number | undefined) ?? null);
  });
}

function close(got: (number | null)[], want: (number | null)[], what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (w === null || g === null) expect(g, what).toBe(w);
    else if (Math.abs(g - w) > 1e-12 * Math.max(1, Math.abs(w))) expect.fail(`${what}: got ${g}, PyTorch ${w}`);
  });
}

describe('lr schedulers reproduce PyTorch 1.13 lr sequences', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const [opt, sched] = MAKERS[c.name]();
      const plateau = c.name.startsWith('plateau');
      close(plateau ? opt.paramGroups.map((g) => (g as { lr: number }).lr) : sched.getLastLr(), c.lrs[0], 'epoch 0 lr');
      close(momenta(opt), c.momentum[0], 'epoch 0 momentum');
      for (let e = 0; e < fixtures.epochs; e++) {
        opt.step();
        if (plateau) sched.step(fixtures.plateauMetrics[e]);
        else sched.step();
        close(sched.getLastLr(), c.lrs[e + 1], `epoch ${e + 1} lr`);
        close(momenta(opt), c.momentum[e + 1], `epoch ${e + 1} momentum`);
      }
    });

    it(`${c.name}: stateDict after 12 epochs resumes the same sequence`, () => {
      const [optA, a] = MAKERS[c.name]();
      const [optB, b] = MAKERS[c.name]();
      const metric = (e: number) => fixtures.plateauMetrics[e];
      const stepA = (s: Sched, e: number) => (c.name.startsWith('plateau') ? s.step(metric(e)) : s.step());
      for (let e = 0; e < 12; e++) stepA(a, e);
      const sd = JSON.parse(JSON.stringify(a.stateDict())) as Record<string, unknown>;
      optB.loadStateDict(JSON.parse(JSON.stringify(optA.stateDict())));
      b.loadStateDict(sd);
      for (let e = 12; e < fixtures.epochs; e++) {
        stepA(a, e);
        stepA(b, e);
        expect(b.getLastLr()).toEqual(a.getLastLr());
      }
    });
  }
});
