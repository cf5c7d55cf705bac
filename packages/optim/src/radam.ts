import { type Args, declare } from '@flambeau/tensor';
import { checkAdamOptions } from './adam.js';
import { type ParamGroup, type Params, Optimizer, optimizerArgs, optionsFor, effectiveGrad, initState, stateTensor, withGrad, declareStep } from './optimizer.js';

export interface RAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

const RADAM_DECL = declare('optim.RAdam', 'RAdam(Any params, float lr=0.001, float[] betas=(0.9, 0.999), float eps=1e-08, float weightDecay=0, bool? foreach=None)');
const RADAM_STEP = declareStep('RAdam');

/**
 * Rectified Adam, PyTorch's `torch.optim.RAdam`: plain momentum SGD until the variance of the
 * adaptive rate is tractable (ρₜ > 5), then Adam scaled by the rectification term.
 *
 * @example
 * const opt = new RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  protected override readonly stepDeclaration = RADAM_STEP;
  static override readonly __name__: string = 'RAdam';
  protected static override declaration = RADAM_DECL;
  constructor(params: Params<RAdamOptions>, ...rest: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, foreach: boolean | null], Partial<RAdamOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<RAdamOptions>('RAdam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, optimizerArgs(RADAM_DECL, params, rest));
    checkAdamOptions(d);
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<RAdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay } = group;
    for (const [p, g] of withGrad(group)) {
      const s = this.stateOf(p);
      initState(s, p, 'exp_avg', 'exp_avg_sq');
      const step = (s.step as number) + 1;
      s.step = step;
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const grad = effectiveGrad(g, p, weightDecay);
      const expAvg = stateTensor(s, 'exp_avg');
      const expAvgSq = stateTensor(s, 'exp_avg_sq');
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const corrected = expAvg.div(biasCorrection1);
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
      if (rhoT > 5) {
        const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        const adaptiveLr = expAvgSq.sqrt().add(eps).reciprocal().mul(Math.sqrt(biasCorrection2));
        p.add_(corrected.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
      } else {
        p.add_(corrected.mul(lr), { alpha: -1 });
      }
    }
  }
}
