import { type DType, type Tensor, cat, tensor } from '@flambeau/tensor';
import fixtures from './fixtures/optimizers.json';

export { fixtures };

/**
 * The fixed problem of tools/gen_optim_fixtures.py: x = cat(w.flatten(), v),
 * f(x) = ½xᵀAx − bᵀx + 0.1Σx⁴, ∇f = Ax − b + 0.4x³ (computed with tensor ops, no autograd).
 */
export function makeProblem(dtype: DType) {
  // Made in `dtype` directly (one rounding, as through float64): devices without float64 run the float32 cases.
  const A = tensor(fixtures.A, { dtype });
  const b = tensor(fixtures.b, { dtype });
  const x0 = tensor(fixtures.x0, { dtype });
  const w = x0.narrow(0, 0, 6).reshape(2, 3).clone().requiresGrad_();
  const v = x0.narrow(0, 6, 4).clone().requiresGrad_();
  const frozen = tensor([1, 1, 1], { dtype }).requiresGrad_();
  const lossAndGrad = (): Tensor => {
    const x = cat([w.detach().reshape(-1), v.detach()]);
    const ax = A.matmul(x);
    const loss = x.dot(ax).mul(0.5).sub(b.dot(x)).add(x.pow(4).sum().mul(0.1));
    const g = ax.sub(b).add(x.pow(3).mul(0.4));
    w.grad = g.narrow(0, 0, 6).reshape(2, 3);
    v.grad = g.narrow(0, 6, 4).clone();
    return loss;
  };
  const flat = (): number[] => Array.from(cat([w.detach().reshape(-1), v.detach()]).dataSync());
  return { w, v, frozen, lossAndGrad, flat };
}
