import { describe, expect, it } from 'vitest';
import type { DType } from '@flambeau/tensor';
import * as optim from '../src/index.js';
import { fixtures, makeProblem } from './problem.js';

type Ctor = new (params: never, opts: Record<string, unknown>) => optim.Optimizer<object>;

/** Builds the fixture's optimizer over (w, v, frozen), with v in its own group when `group1` is set. */
export function build(c: (typeof fixtures.cases)[number], p: ReturnType<typeof makeProblem>): optim.Optimizer<object> {
  const Cls = (optim as unknown as Record<string, Ctor>)[c.optimizer];
  const params = c.group1 === null ? [p.w, p.v, p.frozen] : [{ params: [p.w, p.frozen] }, { params: [p.v], ...c.group1 }];
  return new Cls(params as never, c.options);
}

/** One training step: LBFGS takes the closure, the others get gradients first. */
export function trainStep(opt: optim.Optimizer<object>, p: ReturnType<typeof makeProblem>): void {
  if (opt instanceof optim.LBFGS) {
    opt.step(() => {
      opt.zeroGrad();
      return p.lossAndGrad();
    });
  } else {
    opt.zeroGrad();
    p.lossAndGrad();
    opt.step();
  }
}

describe('optimizers reproduce PyTorch 1.13 trajectories', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const p = makeProblem(c.dtype as DType);
      const opt = build(c, p);
      const [rtol, atol] = c.dtype === 'float64' ? [1e-6, 1e-9] : [1e-5, 1e-6];
      let worst = 0;
      for (let step = 0; step < fixtures.steps; step++) {
        trainStep(opt, p);
        const got = p.flat();
        c.trajectory[step].forEach((want, i) => {
          const err = Math.abs(got[i] - want) - rtol * Math.abs(want);
          worst = Math.max(worst, err);
          if (!(err <= atol)) expect.fail(`step ${step + 1}, element ${i}: got ${got[i]}, PyTorch ${want}`);
        });
      }
      expect(Array.from(p.frozen.dataSync())).toEqual([1, 1, 1]);
      if ('funcEvals' in c) expect(opt.state.get(p.w)?.func_evals).toBe(c.funcEvals);
      expect(worst).toBeLessThanOrEqual(atol);
    });
  }
});
