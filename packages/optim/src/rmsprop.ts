import { type Args, declare, dispatch, zerosLike } from '@flambeau/tensor';
import { checkLr, checkNonNegative, effectiveGrad, initState, Optimizer, optimizerArgs, optionsFor, type ParamGroup, type Params, stateTensor, withGrad, declareStep } from './optimizer.js';
import './step_ops.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

const RMSPROP_DECL = declare('optim.RMSprop', 'RMSprop(Any params, float lr=0.01, float alpha=0.99, float eps=1e-08, float weightDecay=0, float momentum=0, bool centered=False, bool? foreach=None, bool maximize=False, bool differentiable=False)');
const RMSPROP_STEP = declareStep('RMSprop');

/**
 * RMSprop, PyTorch's `torch.optim.RMSprop`: divides the gradient by the root of a running mean of
 * its square (minus the squared running mean when `centered`), with optional momentum.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9 });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  protected override readonly stepDeclaration = RMSPROP_STEP;
  static override readonly __name__: string = 'RMSprop';
  protected static override declaration = RMSPROP_DECL;
  constructor(params: Params<RMSpropOptions>, ...rest: Args<[lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean, foreach: boolean | null, maximize: boolean], Partial<RMSpropOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<RMSpropOptions>('RMSprop', { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, optimizerArgs(RMSPROP_DECL, params, rest));
    checkLr(d.lr);
    checkNonNegative(d.eps, 'epsilon value');
    checkNonNegative(d.momentum, 'momentum value');
    checkNonNegative(d.weightDecay, 'weight_decay value');
    checkNonNegative(d.alpha, 'alpha value');
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const [p, g] of withGrad(group)) {
      const s = this.stateOf(p);
      if (initState(s, p, 'square_avg')) {
        if (momentum > 0) s.momentum_buffer = zerosLike(p);
        if (centered) s.grad_avg = zerosLike(p);
      }
      s.step = (s.step as number) + 1;
      const inputs = [p, g, stateTensor(s, 'square_avg')];
      if (momentum > 0) inputs.push(stateTensor(s, 'momentum_buffer'));
      if (centered) inputs.push(stateTensor(s, 'grad_avg'));
      dispatch('rmspropStep_', inputs, { lr, alpha, eps, weightDecay, momentum, centered, maximize });
    }
  }
}
