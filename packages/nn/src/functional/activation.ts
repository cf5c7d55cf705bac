import { type DType, type Tensor, RuntimeError } from '@flambeau/tensor';
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
export function hardtanh(input: Tensor, minVal = -1.0, maxVal = 1.0): Tensor {
  if (minVal > maxVal) throw new RuntimeError('min_val cannot be greater than max_val');
  return activation('hardtanh', input, { minVal, maxVal });
}

/** `torch.sigmoid` / `F.sigmoid`. */
export function sigmoid(input: Tensor): Tensor {
  return input.sigmoid();
}

/** `torch.tanh` / `F.tanh`. */
export function tanh(input: Tensor): Tensor {
  return input.tanh();
}

/** PyTorch's implicit-dim choice for softmax called without `dim` (deprecated there, kept for ports). */
function softmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** `F.softmax(input, dim, dtype=None)`. */
export function softmax(input: Tensor, dim?: number | null, opts: { dtype?: DType } = {}): Tensor {
  const x = opts.dtype ? input.to(opts.dtype) : input;
  return x.softmax(dim ?? softmaxDim(input.ndim));
}

/** `F.log_softmax(input, dim, dtype=None)`. */
export function logSoftmax(input: Tensor, dim?: number | null, opts: { dtype?: DType } = {}): Tensor {
  const x = opts.dtype ? input.to(opts.dtype) : input;
  return x.logSoftmax(dim ?? softmaxDim(input.ndim));
}

/** `F.softmin(input, dim)`: softmax of −x. */
export function softmin(input: Tensor, dim?: number | null): Tensor {
  return input.neg().softmax(dim ?? softmaxDim(input.ndim));
}
