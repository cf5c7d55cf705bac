import { type Args, declare, zerosLike } from '@flambeau/tensor';
import { checkAdamOptions } from './adam.js';
import { type ParamGroup, type Params, Optimizer, optimizerArgs, optionsFor, checkNonNegative, effectiveGrad, stateTensor, withGrad, declareStep } from './optimizer.js';

export interface NAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
}

const NADAM_DECL = declare('optim.NAdam', 'NAdam(Any params, float lr=0.002, float[] betas=(0.9, 0.999), float eps=1e-08, float weightDecay=0, float momentumDecay=0.004, bool? foreach=None)');
const NADAM_STEP = declareStep('NAdam');

/**
 * NAdam (Adam with Nesterov momentum), PyTorch's `torch.optim.NAdam`.
 *
 * PyTorch keeps `mu_product` in a float32 tensor whatever the parameter dtype; it is kept here as
 * a number rounded to float32 the same way, so trajectories match without a device round trip.
 *
 * @example
 * const opt = new NAdam(model.parameters(), { lr: 2e-3 });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  protected override readonly stepDeclaration = NADAM_STEP;
  static override readonly __name__: string = 'NAdam';
  protected static override declaration = NADAM_DECL;
  constructor(params: Params<NAdamOptions>, ...rest: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, momentumDecay: number, foreach: boolean | null], Partial<NAdamOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<NAdamOptions>('NAdam', { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 }, optimizerArgs(NADAM_DECL, params, rest));
    checkAdamOptions(d);
    checkNonNegative(d.momentumDecay, 'momentum_decay value');
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<NAdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, momentumDecay } = group;
    const f32 = Math.fround;
    for (const [p, g] of withGrad(group)) {
      const s = this.stateOf(p);
      if (Object.keys(s).length === 0) {
        s.step = 0;
        s.mu_product = 1;
        s.exp_avg = zerosLike(p);
        s.exp_avg_sq = zerosLike(p);
      }
      const step = (s.step as number) + 1;
      s.step = step;
      const biasCorrection2 = 1 - beta2 ** step;
      const grad = effectiveGrad(g, p, weightDecay);
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      const muProduct = f32((s.mu_product as number) * f32(mu));
      s.mu_product = muProduct;
      const muProductNext = f32(f32(muProduct * f32(mu)) * f32(muNext));
      const expAvg = stateTensor(s, 'exp_avg');
      const expAvgSq = stateTensor(s, 'exp_avg_sq');
      expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
      const denom = expAvgSq.div(biasCorrection2).sqrt().add(eps);
      p.addcdiv_(grad, denom, { value: (-lr * (1 - mu)) / (1 - muProduct) });
      p.addcdiv_(expAvg, denom, { value: (-lr * muNext) / (1 - muProductNext) });
    }
  }
}
