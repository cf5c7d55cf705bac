import { type Args, declare, fullLike } from '@flambeau/tensor';
import { type ParamGroup, type Params, Optimizer, optimizerArgs, optionsFor, checkLr, checkNonNegative, effectiveGrad, stateTensor, withGrad, declareStep } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

const ADAGRAD_DECL = declare('optim.Adagrad', 'Adagrad(Any params, float lr=0.01, float lrDecay=0, float weightDecay=0, float initialAccumulatorValue=0, float eps=1e-10, bool? foreach=None, *, bool maximize=False)');
const ADAGRAD_STEP = declareStep('Adagrad');

/**
 * Adagrad, PyTorch's `torch.optim.Adagrad`: divides by the root of the summed squared gradients,
 * with learning rate `lr / (1 + (step − 1)·lrDecay)`. State is created in the constructor.
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  protected override readonly stepDeclaration = ADAGRAD_STEP;
  static override readonly __name__: string = 'Adagrad';
  protected static override declaration = ADAGRAD_DECL;
  constructor(params: Params<AdagradOptions>, ...rest: Args<[lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number, foreach: boolean | null], Partial<AdagradOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<AdagradOptions>('Adagrad', { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, optimizerArgs(ADAGRAD_DECL, params, rest));
    checkLr(d.lr);
    checkNonNegative(d.lrDecay, 'lr_decay value');
    checkNonNegative(d.weightDecay, 'weight_decay value');
    checkNonNegative(d.initialAccumulatorValue, 'initial_accumulator_value value');
    checkNonNegative(d.eps, 'epsilon value');
    super(params, d);
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const s = this.stateOf(p);
        s.step = 0;
        s.sum = fullLike(p, g.initialAccumulatorValue);
      }
    }
  }

  protected override updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const [p, g] of withGrad(group)) {
      const s = this.stateOf(p);
      const step = (s.step as number) + 1;
      s.step = step;
      const grad = effectiveGrad(g, p, weightDecay, maximize);
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = stateTensor(s, 'sum');
      sum.addcmul_(grad, grad, { value: 1 });
      p.addcdiv_(grad, sum.sqrt().add(eps), { value: -clr });
    }
  }
}
