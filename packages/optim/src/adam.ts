import { type Args, declare, type Tensor } from '@flambeau/tensor';
import { zerosLike } from '@flambeau/tensor';
import { type ParamGroup, type ParamState, type Params, Optimizer, optimizerArgs, optionsFor, checkBetas, checkLr, checkNonNegative, effectiveGrad, initState, stateTensor, withGrad } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Checks shared by the Adam family (Adam, AdamW, Adamax, RAdam, NAdam). */
export function checkAdamOptions(d: Pick<AdamOptions, 'lr' | 'eps' | 'betas' | 'weightDecay'>): void {
  checkLr(d.lr);
  checkNonNegative(d.eps, 'epsilon value');
  checkBetas(d.betas);
  checkNonNegative(d.weightDecay, 'weight_decay value');
}

/**
 * One Adam moment update and parameter step (PyTorch's `_single_tensor_adam` without weight
 * decay, which the callers apply in their own way). `s` holds exp_avg, exp_avg_sq, step.
 */
export function adamUpdate(p: Tensor, grad: Tensor, s: ParamState, g: AdamOptions): void {
  const [beta1, beta2] = g.betas;
  const step = (s.step as number) + 1;
  s.step = step;
  const expAvg = stateTensor(s, 'exp_avg');
  const expAvgSq = stateTensor(s, 'exp_avg_sq');
  expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = g.lr / biasCorrection1;
  let second = expAvgSq;
  if (g.amsgrad) {
    const maxSq = stateTensor(s, 'max_exp_avg_sq');
    maxSq.copy_(maxSq.maximum(expAvgSq));
    second = maxSq;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(g.eps);
  p.addcdiv_(expAvg, denom, { value: -stepSize });
}

/** Fresh Adam state for `p`. */
export function initAdamState(p: Tensor, s: ParamState, amsgrad: boolean): void {
  if (initState(s, p, 'exp_avg', 'exp_avg_sq') && amsgrad) s.max_exp_avg_sq = zerosLike(p);
}

/**
 * Adam, PyTorch's `torch.optim.Adam` (L2 weight decay added to the gradient; `amsgrad` keeps the
 * running maximum of the second moment).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
const ADAM_DECL = declare('optim.Adam', 'Adam(Any params, float lr=0.001, float[] betas=(0.9, 0.999), float eps=1e-08, float weightDecay=0, bool amsgrad=False, *, bool? foreach=None, bool maximize=False)');

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, ...rest: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], Partial<AdamOptions> & { foreach?: boolean | null }>) {
    const d = optionsFor<AdamOptions>('Adam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, optimizerArgs(ADAM_DECL, params, rest));
    checkAdamOptions(d);
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const [p, grad] of withGrad(group)) {
      const s = this.stateOf(p);
      initAdamState(p, s, group.amsgrad);
      adamUpdate(p, effectiveGrad(grad, p, group.weightDecay, group.maximize), s, group);
    }
  }
}
