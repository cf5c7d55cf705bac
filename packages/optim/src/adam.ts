import { type Args, declare, dispatch, type Tensor, zerosLike } from '@flambeau/tensor';
import { checkBetas, checkLr, checkNonNegative, effectiveGrad, initState, Optimizer, optimizerArgs, optionsFor, type ParamGroup, type Params, type ParamState, stateTensor, withGrad, declareStep } from './optimizer.js';
import './step_ops.js';

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
 * One Adam or AdamW step of `p` (PyTorch's `_single_tensor_adam`): a single `adamStep_` op, which
 * a backend may fuse. `s` holds exp_avg, exp_avg_sq, step (and max_exp_avg_sq with amsgrad).
 */
export function adamUpdate(p: Tensor, grad: Tensor, s: ParamState, g: AdamOptions, decoupled: boolean): void {
  const [beta1, beta2] = g.betas;
  const step = (s.step as number) + 1;
  s.step = step;
  const inputs = [p, grad, stateTensor(s, 'exp_avg'), stateTensor(s, 'exp_avg_sq')];
  if (g.amsgrad) inputs.push(stateTensor(s, 'max_exp_avg_sq'));
  const { lr, eps, weightDecay, maximize } = g;
  dispatch('adamStep_', inputs, { lr, beta1, beta2, eps, weightDecay, decoupled, maximize, step });
}

/** Fresh Adam state for `p`. */
export function initAdamState(p: Tensor, s: ParamState, amsgrad: boolean): void {
  if (initState(s, p, 'exp_avg', 'exp_avg_sq') && amsgrad) s.max_exp_avg_sq = zerosLike(p);
}

const ADAM_DECL = declare('optim.Adam', 'Adam(Any params, float lr=0.001, float[] betas=(0.9, 0.999), float eps=1e-08, float weightDecay=0, bool amsgrad=False, *, bool? foreach=None, bool maximize=False, bool capturable=False, bool differentiable=False, bool fused=False)');
const ADAM_STEP = declareStep('Adam');

/**
 * Adam, PyTorch's `torch.optim.Adam` (L2 weight decay added to the gradient; `amsgrad` keeps the
 * running maximum of the second moment).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends Optimizer<AdamOptions> {
  protected override readonly stepDeclaration = ADAM_STEP;
  static override readonly __name__: string = 'Adam';
  protected static override declaration = ADAM_DECL;
  constructor(params: Params<AdamOptions>, ...rest: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], Partial<AdamOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<AdamOptions>('Adam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, optimizerArgs(ADAM_DECL, params, rest));
    checkAdamOptions(d);
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const [p, grad] of withGrad(group)) {
      const s = this.stateOf(p);
      initAdamState(p, s, group.amsgrad);
      adamUpdate(p, grad, s, group, false);
    }
  }
}
