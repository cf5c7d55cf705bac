import { type Args, declare, dispatch, type Tensor, ValueError, zerosLike } from '@flambeau/tensor';
import { checkLr, checkNonNegative, effectiveGrad, Optimizer, optimizerArgs, optionsFor, type ParamGroup, type Params, withGrad, declareStep } from './optimizer.js';
import './step_ops.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

const SGD_DECL = declare('optim.SGD', 'SGD(Any params, float? lr=None, float momentum=0, float dampening=0, float weightDecay=0, bool nesterov=False, *, bool maximize=False, bool? foreach=None, bool differentiable=False)');
const SGD_STEP = declareStep('SGD');

/**
 * Stochastic gradient descent with optional momentum, PyTorch's `torch.optim.SGD`
 * (buffer `b ← μ·b + (1−τ)·g`, first step `b ← g`; Nesterov uses `g + μ·b`).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  protected override readonly stepDeclaration = SGD_STEP;
  static override readonly __name__: string = 'SGD';
  protected static override declaration = SGD_DECL;
  constructor(params: Params<SGDOptions>, ...rest: Args<[lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean], Partial<SGDOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<SGDOptions>('SGD', { lr: undefined as unknown as number, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, optimizerArgs(SGD_DECL, params, rest));
    // lr is required: a missing one is reported by addParamGroup, as in PyTorch.
    if (d.lr !== undefined) checkLr(d.lr);
    checkNonNegative(d.momentum, 'momentum value');
    checkNonNegative(d.weightDecay, 'weight_decay value');
    if (d.nesterov && (d.momentum <= 0 || d.dampening !== 0)) throw new ValueError('Nesterov momentum requires a momentum and zero dampening');
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const [p, grad] of withGrad(group)) {
      const inputs = [p, grad];
      let first = false;
      if (momentum !== 0) {
        const s = this.stateOf(p);
        let buf = s.momentum_buffer as Tensor | undefined;
        if (buf === undefined) {
          buf = zerosLike(p);
          s.momentum_buffer = buf;
          first = true;
        }
        inputs.push(buf);
      }
      dispatch('sgdStep_', inputs, { lr, momentum, dampening, weightDecay, nesterov, maximize, first });
    }
  }
}
