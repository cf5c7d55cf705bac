import { type Args, Tensor, RuntimeError, declare, deviceCheck, parseArgs, stack, tensor } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import { pyFloat } from '../repr.js';

// `parameters`: a tensor or any iterable of them (`Any`, not `Tensor[]`, so generators pass).
const CLIP_GRAD_NORM = declare('utils.clipGradNorm_', 'clip_grad_norm_(Any parameters, float maxNorm, float normType=2.0, bool errorIfNonfinite=False)');
const CLIP_GRAD_VALUE = declare('utils.clipGradValue_', 'clip_grad_value_(Any parameters, float clipValue)');

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const ps = parameters instanceof Tensor ? [parameters] : [...parameters];
  return ps.filter((p) => p.grad !== null).map((p) => p.grad as Tensor);
}

/**
 * `clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False)`: scales all
 * gradients together so their joint norm is at most `maxNorm`; returns the norm before clipping.
 *
 * @example
 * loss.backward();
 * nn.utils.clipGradNorm_(net.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  ...rest: Args<[maxNorm: number, normType: number, errorIfNonfinite: boolean], { maxNorm?: number; normType?: number; errorIfNonfinite?: boolean }>
): Tensor {
  const { maxNorm, normType, errorIfNonfinite } = parseArgs(CLIP_GRAD_NORM, [parameters, ...rest]);
  const grads = gradsOf(parameters);
  if (grads.length === 0) return tensor(0.0);
  return noGrad(() => {
    const total = normType === Infinity
      ? (grads.length === 1 ? grads[0].abs().amax() : stack(grads.map((g) => g.abs().amax())).amax())
      : stack(grads.map((g) => g.norm(normType))).norm(normType);
    if (errorIfNonfinite) {
      deviceCheck(total.isfinite(), () => new RuntimeError(`The total norm of order ${pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``));
    }
    const clipCoef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1.0);
    for (const g of grads) g.mul_(clipCoef.to(g.dtype));
    return total;
  });
}

/** `clip_grad_value_(parameters, clip_value)`: clamps every gradient element to [−v, v]. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, ...rest: [clipValue: number] | [{ clipValue: number }]): void {
  const { clipValue } = parseArgs(CLIP_GRAD_VALUE, [parameters, ...rest]);
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}
