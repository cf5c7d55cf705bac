import { dispatch, zerosLike } from '@flambeau/tensor';
import { type ParamGroup, type Params, Optimizer, optionsFor, checkLr, checkNonNegative, initState, stateTensor, withGrad } from './optimizer.js';
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

/**
 * RMSprop, PyTorch's `torch.optim.RMSprop`: divides the gradient by the root of a running mean of
 * its square (minus the squared running mean when `centered`), with optional momentum.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9 });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  static override readonly __name__: string = 'RMSprop';
  constructor(params: Params<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    const d = optionsFor<RMSpropOptions>('RMSprop', { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, opts);
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
