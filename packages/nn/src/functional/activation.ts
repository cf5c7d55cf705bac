import { type Args, type DType, type Tensor, RuntimeError, declare, parseArgs } from '@flambeau/tensor';

import { activation } from './activation_ops.js';

const HARDTANH = declare('F.hardtanh', 'hardtanh(Tensor input, float minVal=-1.0, float maxVal=1.0, bool inplace=False)');
const RELU = declare('F.relu', 'relu(Tensor input, bool inplace=False)');
const RELU6 = declare('F.relu6', 'relu6(Tensor input, bool inplace=False)');
const LEAKY_RELU = declare('F.leakyRelu', 'leaky_relu(Tensor input, float negativeSlope=0.01, bool inplace=False)');
const ELU = declare('F.elu', 'elu(Tensor input, float alpha=1.0, bool inplace=False)');
const GELU = declare('F.gelu', 'gelu(Tensor input, str approximate="none")');
const SILU = declare('F.silu', 'silu(Tensor input, bool inplace=False)');
const MISH = declare('F.mish', 'mish(Tensor input, bool inplace=False)');
const SOFTPLUS = declare('F.softplus', 'softplus(Tensor input, float beta=1, float threshold=20)');
const LOGSIGMOID = declare('F.logsigmoid', 'logsigmoid(Tensor input)');
const SIGMOID = declare('F.sigmoid', 'sigmoid(Tensor input)');
const TANH = declare('F.tanh', 'tanh(Tensor input)');

/** `out`, written into `input` when `inplace` (PyTorch's `inplace=True`). */
function inPlace(input: Tensor, out: Tensor, inplace: boolean): Tensor {
  return inplace ? input.copy_(out) : out;
}

/** `F.relu(input, inplace=False)`. */
export function relu(input: Tensor, ...rest: Args<[inplace: boolean], { inplace?: boolean }>): Tensor {
  return parseArgs(RELU, [input, ...rest]).inplace ? input.relu_() : input.relu();
}

/** `F.relu6(input, inplace=False)`: min(max(0, x), 6). */
export function relu6(input: Tensor, ...rest: Args<[inplace: boolean], { inplace?: boolean }>): Tensor {
  return hardtanh(input, 0, 6, parseArgs(RELU6, [input, ...rest]).inplace);
}

/** `F.leaky_relu(input, negative_slope=0.01, inplace=False)`: x if x > 0 else slope·x. */
export function leakyRelu(input: Tensor, ...rest: Args<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>): Tensor {
  const { negativeSlope, inplace } = parseArgs(LEAKY_RELU, [input, ...rest]);
  return inPlace(input, activation('leakyRelu', input, { negativeSlope }), inplace);
}

/** `F.elu(input, alpha=1.0, inplace=False)`: x if x > 0 else α(eˣ − 1). */
export function elu(input: Tensor, ...rest: Args<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>): Tensor {
  const { alpha, inplace } = parseArgs(ELU, [input, ...rest]);
  return inPlace(input, activation('elu', input, { alpha }), inplace);
}

/**
 * `F.gelu(input, approximate='none')`: x·Φ(x) with the exact erf form, or the tanh approximation.
 *
 * @example
 * F.gelu(torch.tensor([1.0])); // tensor([0.8413])
 */
export function gelu(input: Tensor, ...rest: Args<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>): Tensor {
  const { approximate } = parseArgs(GELU, [input, ...rest]);
  if (approximate !== 'none' && approximate !== 'tanh') throw new RuntimeError(`approximate argument must be either none or tanh.`);
  return activation('gelu', input, { approximate });
}

/** `F.silu(input, inplace=False)`: x·σ(x). */
export function silu(input: Tensor, ...rest: Args<[inplace: boolean], { inplace?: boolean }>): Tensor {
  return inPlace(input, activation('silu', input), parseArgs(SILU, [input, ...rest]).inplace);
}

/** `F.mish(input, inplace=False)`: x·tanh(softplus(x)). */
export function mish(input: Tensor, ...rest: Args<[inplace: boolean], { inplace?: boolean }>): Tensor {
  return inPlace(input, activation('mish', input), parseArgs(MISH, [input, ...rest]).inplace);
}

/** `F.softplus(input, beta=1, threshold=20)`: log(1 + e^(βx))/β, linear where βx > threshold. */
export function softplus(input: Tensor, ...rest: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>): Tensor {
  const { beta, threshold } = parseArgs(SOFTPLUS, [input, ...rest]);
  return activation('softplus', input, { beta, threshold });
}

/** `F.logsigmoid(input)`: log σ(x) = −softplus(−x). */
export function logsigmoid(...args: [input: Tensor]): Tensor {
  const { input } = parseArgs(LOGSIGMOID, args);
  return activation('logsigmoid', input);
}

/** `F.hardtanh(input, min_val=-1, max_val=1)`. */
export function hardtanh(input: Tensor, ...rest: Args<[minVal: number, maxVal: number, inplace: boolean], { minVal?: number; maxVal?: number; inplace?: boolean }>): Tensor {
  const { minVal, maxVal, inplace } = parseArgs(HARDTANH, [input, ...rest]) as { minVal: number; maxVal: number; inplace: boolean };
  if (minVal > maxVal) throw new RuntimeError('min_val cannot be greater than max_val');
  return inPlace(input, activation('hardtanh', input, { minVal, maxVal }), inplace);
}

/** `torch.sigmoid` / `F.sigmoid`. */
export function sigmoid(...args: [input: Tensor]): Tensor {
  return parseArgs(SIGMOID, args).input.sigmoid();
}

/** `torch.tanh` / `F.tanh`. */
export function tanh(...args: [input: Tensor]): Tensor {
  return parseArgs(TANH, args).input.tanh();
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
