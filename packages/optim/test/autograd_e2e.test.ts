import { describe, expect, it } from 'vitest';
import { cat, tensor } from '@flambeau/tensor';
import { Adam, LBFGS, SGD, type Optimizer } from '../src/index.js';
import { fixtures } from './problem.js';

/** The fixture problem with gradients from `loss.backward()` instead of the closed form. */
function setup() {
  const A = tensor(fixtures.A, { dtype: 'float64' });
  const b = tensor(fixtures.b, { dtype: 'float64' });
  const x0 = tensor(fixtures.x0, { dtype: 'float64' });
  const w = x0.narrow(0, 0, 6).reshape(2, 3).clone().requiresGrad_();
  const v = x0.narrow(0, 6, 4).clone().requiresGrad_();
  const loss = () => {
    const x = cat([w.reshape(-1), v]);
    return x.dot(A.matmul(x)).mul(0.5).sub(b.dot(x)).add(x.pow(4).sum().mul(0.1));
  };
  const flat = () => Array.from(cat([w.detach().reshape(-1), v.detach()]).dataSync());
  return { w, v, loss, flat };
}

function expectClose(got: number[], want: number[]): void {
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-6 * Math.abs(want[i]) + 1e-9));
}

describe('end to end with autograd', () => {
  const cases: [string, (ps: ReturnType<typeof setup>) => Optimizer<object>][] = [
    ['sgd_momentum_float64', (s) => new SGD([s.w, s.v], { lr: 0.05, momentum: 0.9 })],
    ['adam_plain_float64', (s) => new Adam([s.w, s.v], { lr: 0.05 })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: zeroGrad / backward / step follows PyTorch`, () => {
      const s = setup();
      const opt = make(s);
      const fx = fixtures.cases.find((c) => c.name === name)!;
      for (let i = 0; i < fixtures.steps; i++) {
        opt.zeroGrad();
        const l = s.loss();
        l.backward();
        opt.step();
        expect(s.w.gradFn).toBeNull();
        expectClose(s.flat(), fx.trajectory[i]);
      }
    });
  }

  it('LBFGS with strong Wolfe and a backward() closure follows PyTorch', () => {
    const s = setup();
    const opt = new LBFGS([s.w, s.v], { lr: 1, maxIter: 3, historySize: 5, toleranceChange: 1e-6, lineSearchFn: 'strong_wolfe' });
    const fx = fixtures.cases.find((c) => c.name === 'lbfgs_strong_wolfe_float64')!;
    for (let i = 0; i < fixtures.steps; i++) {
      opt.step(() => {
        opt.zeroGrad();
        const l = s.loss();
        l.backward();
        return l;
      });
      expectClose(s.flat(), fx.trajectory[i]);
    }
  });
});
