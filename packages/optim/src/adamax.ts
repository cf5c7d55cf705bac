import { type Args, declare } from '@flambeau/tensor';
import { checkAdamOptions } from './adam.js';
import { type ParamGroup, type Params, Optimizer, optimizerArgs, optionsFor, effectiveGrad, initState, stateTensor, withGrad, declareStep } from './optimizer.js';

export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const ADAMAX_DECL = declare('optim.Adamax', 'Adamax(Any params, float lr=0.002, float[] betas=(0.9, 0.999), float eps=1e-08, float weightDecay=0, bool? foreach=None, *, bool maximize=False)');
const ADAMAX_STEP = declareStep('Adamax');

/**
 * Adamax (Adam with the infinity norm), PyTorch's `torch.optim.Adamax`.
 *
 * @example
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  protected override readonly stepDeclaration = ADAMAX_STEP;
  static override readonly __name__: string = 'Adamax';
  protected static override declaration = ADAMAX_DECL;
  constructor(params: Params<AdamaxOptions>, ...rest: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, foreach: boolean | null], Partial<AdamaxOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<AdamaxOptions>('Adamax', { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false }, optimizerArgs(ADAMAX_DECL, params, rest));
    checkAdamOptions(d);
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, maximize } = group;
    for (const [p, g] of withGrad(group)) {
      const s = this.stateOf(p);
      initState(s, p, 'exp_avg', 'exp_inf');
      const step = (s.step as number) + 1;
      s.step = step;
      const grad = effectiveGrad(g, p, weightDecay, maximize);
      const expAvg = stateTensor(s, 'exp_avg');
      const expInf = stateTensor(s, 'exp_inf');
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expInf.copy_(expInf.mul(beta2).maximum(grad.abs().add(eps)));
      p.addcdiv_(expAvg, expInf, { value: -lr / (1 - beta1 ** step) });
    }
  }
}
