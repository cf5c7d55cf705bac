import { type Args, declare } from '@flambeau/tensor';
import { type AdamOptions, adamUpdate, checkAdamOptions, initAdamState } from './adam.js';
import { effectiveGrad, Optimizer, optimizerArgs, optionsFor, type ParamGroup, type Params, withGrad, declareStep } from './optimizer.js';

export type AdamWOptions = AdamOptions;

const ADAMW_DECL = declare('optim.AdamW', 'AdamW(Any params, float lr=0.001, float[] betas=(0.9, 0.999), float eps=1e-08, float weightDecay=0.01, bool amsgrad=False, *, bool maximize=False, bool? foreach=None, bool capturable=False)');
const ADAMW_STEP = declareStep('AdamW');

/**
 * Adam with decoupled weight decay, PyTorch's `torch.optim.AdamW`: the parameter is first scaled
 * by `1 − lr·weightDecay` (default weight decay 1e-2), then Adam's step is applied.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamWOptions> {
  protected override readonly stepDeclaration = ADAMW_STEP;
  static override readonly __name__: string = 'AdamW';
  protected static override declaration = ADAMW_DECL;
  constructor(params: Params<AdamWOptions>, ...rest: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], Partial<AdamWOptions> & { foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean }>) {
    const d = optionsFor<AdamWOptions>('AdamW', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false }, optimizerArgs(ADAMW_DECL, params, rest));
    checkAdamOptions(d);
    super(params, d);
  }

  protected override updateGroup(group: ParamGroup<AdamWOptions>): void {
    for (const [p, grad] of withGrad(group)) {
      const s = this.stateOf(p);
      initAdamState(p, s, group.amsgrad);
      adamUpdate(p, grad, s, group, true);
    }
  }
}
