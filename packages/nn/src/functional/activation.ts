import { type Args, type DType, type Tensor, RuntimeError, declare, parseArgs } from '@flambeau/tensor';

const HARDTANH = declare('F.hardtanh', 'hardtanh(Tensor input, float minVal=-1.0, float maxVal=1.0, bool inplace=False)');
import { activation } from './activation_ops.js';

/** `F.relu(input, inplace=False)`. */
export function relu(input: Tensor, inplace = false): Tensor {
  return inplace ? input.relu_() : input.relu();
}

/** `F.relu6(input)`: min(max(0, x), 6). */
export function relu6(input: Tensor): Tensor {
  return hardtanh(input, 0, 6);
}

/** `F.leaky_relu(input, negative_slope=0.01)`: x if x > 0 else slope·x. */
export function leakyRelu(input: Tensor, negativeSlope = 0.01): Tensor {
  return activation('leakyRelu', input, { negativeSlope });
}

/** `F.elu(input, alpha=1.0)`: x if x > 0 else α(eˣ − 1). */
export function elu(input: Tensor, alpha = 1.0): Tensor {
  return activation('elu', input, { alpha });
}

/**
 * `F.gelu(input, approximate='none')`: x·Φ(x) with the exact erf form, or the tanh approximation.
 *
 * @example
 * F.gelu(torch.tensor([1.0])); // tensor([0.8413])
 */
export function gelu(input: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new RuntimeError(`approximate argument must be either none or tanh.`);
  return activation('gelu', input, { approximate });
}

/** `F.silu(input)`: x·σ(x). */
export function silu(input: Tensor): Tensor {
  return activation('silu', input);
}

/** `F.mish(input)`: x·tanh(softplus(x)). */
export function mish(input: Tensor): Tensor {
  return activation('mish', input);
}

/** `F.softplus(input, beta=1, threshold=20)`: log(1 + e^(βx))/β, linear where βx > threshold. */
export function softplus(input: Tensor, beta = 1, threshold = 20): Tensor {
  return activation('softplus', input, { beta, threshold });
}

/** `F.logsigmoid(input)`: log σ(x) = −softplus(−x). */
export function logsigmoid(input: Tensor): Tensor {
  return activation('logsigmoid', input);
}

/** `F.hardtanh(input, min_val=-1, max_val=1)`. */
export function hardtanh(input: Tensor, ...rest: Args<[minVal: number, maxVal: number, inplace: boolean], { minVal?: number; maxVal?: number; inplace?: boolean }>): Tensor {
  const { minVal, maxVal, inplace } = parseArgs(HARDTANH, [input, ...rest]) as { minVal: number; maxVal: number; inplace: boolean };
  if (minVal > maxVal) throw new RuntimeError('min_val cannot be greater than max_val');
  const out = activation('hardtanh', input, { minVal, maxVal });
  return inplace ? input.copy_(out) : out;
}

/** `torch.sigmoid` / `F.sigmoid`. */
export function sigmoid(input: Tensor): Tensor {
  return input.sigmoid();
}

/** `torch.tanh` / `F.tanh`. */
export function tanh(input: Tensor): Tensor {
  return input.tanh();
}

const softmaxLike = (name: string) => `${name}(Tensor input, int? dim=None, *, ScalarType? dtype=None)`;
const SOFTMAX = declare('F.softmax', softmaxLike('softmax'));
const LOG_SOFTMAX = declare('F.logSoftmax', softmaxLike('log_softmax'));
const SOFTMIN = declare('F.softmin', softmaxLike('softmin'));
/** `dim`, then `dtype` by name (keyword-only in PyTorch after `_stacklevel`). */
export type SoftmaxArgs = [dim?: number | null, opts?: { dtype?: DType }] | [opts: { dim?: number | null; dtype?: DType }];

/** PyTorch's implicit-dim choice for softmax called without `dim` (deprecated there, kept for ports). */
function softmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** `F.softmax(input, dim, dtype=None)`. */
export function softmax(input: Tensor, ...rest: SoftmaxArgs): Tensor {
  const { dim, dtype } = parseArgs(SOFTMAX, [input, ...rest]) as { dim: number | null; dtype: DType | null };
  return (dtype ? input.to(dtype) : input).softmax(dim ?? softmaxDim(input.ndim));
}

/** `F.log_softmax(input, dim, dtype=None)`. */
export function logSoftmax(input: Tensor, ...rest: SoftmaxArgs): Tensor {
  const { dim, dtype } = parseArgs(LOG_SOFTMAX, [input, ...rest]) as { dim: number | null; dtype: DType | null };
  return (dtype ? input.to(dtype) : input).logSoftmax(dim ?? softmaxDim(input.ndim));
}

/** `F.softmin(input, dim)`: softmax of −x. */
export function softmin(input: Tensor, ...rest: SoftmaxArgs): Tensor {
  const { dim, dtype } = parseArgs(SOFTMIN, [input, ...rest]) as { dim: number | null; dtype: DType | null };
  return (dtype ? input.to(dtype) : input).neg().softmax(dim ?? softmaxDim(input.ndim));
}
