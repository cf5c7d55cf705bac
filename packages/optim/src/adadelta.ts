import { type Args, declare, ValueError } from '@flambeau/tensor';
import { type ParamGroup, type Params, Optimizer, optimizerArgs, optionsFor, checkLr, checkNonNegative, effectiveGrad, initState, stateTensor, withGrad, declareStep } from './optimizer.js';

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const ADADELTA_DECL = declare('optim.Adadelta', 'Adadelta(Any params, float lr=1.0, float rho=0.9, float eps=1e-06, float weightDecay=0, bool? foreach=None, *, bool maximize=False)');
const ADADELTA_STEP = declareStep('Adadelta');

/**
 * Adadelta, PyTorch's `torch.optim.Adadelta`: steps by `√(accΔ + ε) / √(E[g²] + ε) · g`.
 *
 * @example
 * const opt = new Adadelta(model.parameters(), { lr: 1.0, rho: 0.9 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  protected override readonly stepDeclaration = ADADELTA_STEP;
  static override readonly __name__: string = 'Adadelta';
  protected static override declaration = ADADELTA_DECL;
  constructor(params: Params<AdadeltaOptions>, ...rest: Args<[lr: number, rho: number, eps: number, weightDecay: number, foreach: boolean | null], Partial<AdadeltaOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<AdadeltaOptions>('Adadelta', { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false }, optimizerArgs(ADADELTA_DECL, params, rest));
    checkLr(d.lr);
    if (!(d.rho >= 0 && d.rho <= 1)) throw new ValueError(`Invalid rho value: ${d.rho}`);
    checkNonNegative(d.eps, 'epsilon value');
    checkNonNegative(d.weightDecay, 'weight_decay value');
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const [p, g] of withGrad(group)) {
      const s = this.stateOf(p);
      initState(s, p, 'square_avg', 'acc_delta');
      s.step = (s.step as number) + 1;
      const grad = effectiveGrad(g, p, weightDecay, maximize);
      const squareAvg = stateTensor(s, 'square_avg');
      const accDelta = stateTensor(s, 'acc_delta');
      squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
      const std = squareAvg.add(eps).sqrt();
      const delta = accDelta.add(eps).sqrt().div(std).mul(grad);
      accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
      p.add_(delta, { alpha: -lr });
    }
  }
}
