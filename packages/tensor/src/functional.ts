import { dispatch1 } from './dispatcher.js';
import { type ReduceArgs, Tensor, type TopkArgs, type TensorOrScalar, type ValuesIndices, checkScalar } from './tensor.js';
import { type Args, declare, parseArgs } from './signature.js';
import type { PadMode } from './ops/pad.js';
import { RuntimeError } from './errors.js';
import { deviceCheck } from './validation.js';
import { indexTensor } from './ops/util.js';
import type { Generator } from './random.js';

/**
 * Function forms of tensor ops, as in the `torch.` namespace (`torch.cat`, `torch.where`, …).
 * Methods of `Tensor` cover the rest (`torch.exp(x)` is `x.exp()`).
 */

type MethodName = { [K in keyof Tensor]: Tensor[K] extends (...a: never[]) => unknown ? K : never }[keyof Tensor];
type MethodArgs<K extends MethodName> = Tensor[K] extends (...a: infer A) => unknown ? A : never;
type MethodResult<K extends MethodName> = Tensor[K] extends (...a: never[]) => infer R ? R : never;

/** `torch.X(input, ...)` for the method `input.X(...)`: PyTorch offers both for these. */
function functionForm<K extends MethodName>(name: K): (input: Tensor, ...args: MethodArgs<K>) => MethodResult<K> {
  return (input, ...args) => (input[name] as (...a: unknown[]) => MethodResult<K>)(...args);
}

export const neg = functionForm('neg'), negative = functionForm('negative'), sign = functionForm('sign'), square = functionForm('square');
export const sin = functionForm('sin'), cos = functionForm('cos'), tan = functionForm('tan'), asin = functionForm('asin'), acos = functionForm('acos');
export const atan = functionForm('atan'), atan2 = functionForm('atan2'), sinh = functionForm('sinh'), cosh = functionForm('cosh');
export const asinh = functionForm('asinh'), acosh = functionForm('acosh'), atanh = functionForm('atanh');
export const exp2 = functionForm('exp2'), expm1 = functionForm('expm1'), log2 = functionForm('log2'), log10 = functionForm('log10'), log1p = functionForm('log1p');
export const rsqrt = functionForm('rsqrt'), reciprocal = functionForm('reciprocal'), erf = functionForm('erf'), erfc = functionForm('erfc');
export const floor = functionForm('floor'), ceil = functionForm('ceil'), round = functionForm('round'), trunc = functionForm('trunc'), frac = functionForm('frac');
export const isnan = functionForm('isnan'), isinf = functionForm('isinf'), isfinite = functionForm('isfinite'), isFloatingPoint = functionForm('isFloatingPoint');
export const eq = functionForm('eq'), ne = functionForm('ne'), lt = functionForm('lt'), le = functionForm('le'), gt = functionForm('gt'), ge = functionForm('ge');
export const logicalAnd = functionForm('logicalAnd'), logicalOr = functionForm('logicalOr'), logicalXor = functionForm('logicalXor'), logicalNot = functionForm('logicalNot');
export const bitwiseAnd = functionForm('bitwiseAnd'), bitwiseOr = functionForm('bitwiseOr'), bitwiseXor = functionForm('bitwiseXor'), bitwiseNot = functionForm('bitwiseNot');
export const remainder = functionForm('remainder'), fmod = functionForm('fmod'), floorDivide = functionForm('floorDivide'), trueDivide = functionForm('trueDivide'), rsub = functionForm('rsub');
export const addcmul = functionForm('addcmul'), addcdiv = functionForm('addcdiv'), lerp = functionForm('lerp'), maskedFill = functionForm('maskedFill');
export const clip = functionForm('clip'), prod = functionForm('prod'), all = functionForm('all'), any = functionForm('any'), amax = functionForm('amax'), amin = functionForm('amin');
export const logsumexp = functionForm('logsumexp'), norm = functionForm('norm'), cumsum = functionForm('cumsum'), cumprod = functionForm('cumprod');
const var_ = functionForm('var');
export { var_ as var };
export const std = functionForm('std');
export const scatter = functionForm('scatter'), scatterAdd = functionForm('scatterAdd'), indexAdd = functionForm('indexAdd'), maskedSelect = functionForm('maskedSelect');
export const diag = functionForm('diag'), diagonal = functionForm('diagonal'), narrow = functionForm('narrow'), select = functionForm('select'), unbind = functionForm('unbind');
export const flip = functionForm('flip'), roll = functionForm('roll'), movedim = functionForm('movedim'), swapaxes = functionForm('swapaxes'), t = functionForm('t');
export const unflatten = functionForm('unflatten'), broadcastTo = functionForm('broadcastTo'), asStrided = functionForm('asStrided'), mv = functionForm('mv');
export const clone = functionForm('clone'), detach = functionForm('detach');
/** `torch.bernoulli(input, *, generator=None)`: one draw per element of the probability tensor. */
export const bernoulli = functionForm('bernoulli');
// PyTorch's in-place function forms (`torch.relu_(x)`), each the method `x.relu_()`.
export const abs_ = functionForm('abs_'), neg_ = functionForm('neg_'), exp_ = functionForm('exp_'), log_ = functionForm('log_'), sqrt_ = functionForm('sqrt_');
export const sigmoid_ = functionForm('sigmoid_'), tanh_ = functionForm('tanh_'), relu_ = functionForm('relu_'), floor_ = functionForm('floor_'), round_ = functionForm('round_');
export const reciprocal_ = functionForm('reciprocal_'), clamp_ = functionForm('clamp_'), clip_ = functionForm('clip_'), fill_ = functionForm('fill_'), zero_ = functionForm('zero_');
export const detach_ = functionForm('detach_'), indexPut_ = functionForm('indexPut_');

/** `torch.cat(tensors, dim=0)`. */
export function cat(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  if (!Array.isArray(tensors)) throw new RuntimeError('cat(): argument \'tensors\' must be a list of Tensors');
  return dispatch1('cat', tensors, parseArgs(CAT_DIM, [dim]));
}
/** The parameters after the tensor list of `cat`/`stack`, positional or as `{ dim }`. */
const CAT_DIM = declare('torch.cat', 'cat(int dim=0)', { listed: false });
const STACK_DIM = declare('torch.stack', 'stack(int dim=0)', { listed: false });
/** `torch.concat`, an alias of `cat`. */
export const concat = cat;
/** `torch.stack(tensors, dim=0)`. */
export function stack(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  return dispatch1('stack', tensors, parseArgs(STACK_DIM, [dim]));
}
/** `torch.where(condition, input, other)`; scalars allowed for either branch. */
export function where(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const inputs = [condition, ...[input, other].filter((x): x is Tensor => typeof x === 'object')];
  const attrs: Record<string, unknown> = {};
  if (typeof input !== 'object') attrs.selfScalar = checkScalar(input);
  if (typeof other !== 'object') attrs.otherScalar = checkScalar(other);
  return dispatch1('where', inputs, attrs);
}
/** `torch.add(a, b, alpha=1)`. */
export function add(a: Tensor, b: TensorOrScalar, opts: { alpha?: number } = {}): Tensor { return a.add(b, opts); }
/** `torch.sub(a, b, alpha=1)`: `a - alpha * b`. */
export function sub(a: Tensor, b: TensorOrScalar, opts: { alpha?: number } = {}): Tensor { return a.sub(b, opts); }
/** `torch.mul(a, b)`: elementwise product, broadcasting. */
export function mul(a: Tensor, b: TensorOrScalar): Tensor { return a.mul(b); }
/** `torch.div(a, b, rounding_mode=None)`: true division, or `'trunc'` / `'floor'` rounding. */
export function div(a: Tensor, b: TensorOrScalar, opts: { roundingMode?: 'trunc' | 'floor' | null } = {}): Tensor { return a.div(b, opts); }
/** `torch.pow(a, b)`; the base may be a scalar (`torch.pow(2, x)`). */
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  if (typeof a === 'object') return a.pow(b);
  if (typeof b !== 'object') throw new RuntimeError('pow(): expected at least one Tensor argument');
  return dispatch1('pow', [b], { scalar: checkScalar(a), reverse: true });
}
/** `torch.maximum(a, b)`: elementwise maximum (NaN propagates). */
export function maximum(a: Tensor, b: Tensor): Tensor { return a.maximum(b); }
/** `torch.minimum(a, b)`: elementwise minimum (NaN propagates). */
export function minimum(a: Tensor, b: Tensor): Tensor { return a.minimum(b); }
/** `torch.matmul(a, b)`: matrix product with batch broadcasting (1-D operands as vectors). */
export function matmul(a: Tensor, b: Tensor): Tensor { return a.matmul(b); }
/** `torch.mm(a, b)`: product of two matrices. */
export function mm(a: Tensor, b: Tensor): Tensor { return a.mm(b); }
/** `torch.bmm(a, b)`: batched matrix product of `[B, n, m]` and `[B, m, p]`. */
export function bmm(a: Tensor, b: Tensor): Tensor { return a.bmm(b); }
/** `torch.dot(a, b)`: inner product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor { return a.dot(b); }
/** `torch.outer(a, b)`: outer product of two 1-D tensors. */
export function outer(a: Tensor, b: Tensor): Tensor { return a.outer(b); }
const CLAMP = declare('torch.clamp', { op: 'clamp' });
/** `torch.clamp(input, min=None, max=None)`: `torch.clamp(x, { min: 0 })`, `torch.clamp(x, -1, 1)`. */
export function clamp(...args: [input: Tensor, ...Args<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>] | [{ input: Tensor; min?: number | null; max?: number | null }]): Tensor {
  const { input, min, max } = parseArgs(CLAMP, args) as { input: Tensor; min: number | null; max: number | null };
  return input.clamp(min, max);
}
/** `torch.gather(input, dim, index)`. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor { return x.gather(dim, index); }
/** `torch.index_select(input, dim, index)`. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor { return x.indexSelect(dim, index); }
/** `torch.take(input, index)`: elements of the flattened input. */
export function take(x: Tensor, index: Tensor): Tensor { return x.take(index); }
/** `torch.nonzero(input)`: `[n, ndim]` int64 indices of the non-zero elements. */
export function nonzero(x: Tensor): Tensor { return x.nonzero(); }
/** `torch.sort(input, dim=-1, descending=False)` → `{ values, indices }`. */
export function sort(x: Tensor, ...args: Parameters<Tensor['sort']>): ValuesIndices { return x.sort(...args); }
/** `torch.topk(input, k, dim=-1, largest=True, sorted=True)` → `{ values, indices }`. */
export function topk(x: Tensor, k: number, ...args: TopkArgs): ValuesIndices { return x.topk(k, ...args); }
/** `torch.argsort(input, dim=-1, descending=False)`. */
export function argsort(x: Tensor, ...args: Parameters<Tensor['argsort']>): Tensor { return x.argsort(...args); }
/** `torch.tril(input, diagonal=0)`: the lower triangle. */
export function tril(x: Tensor, diagonal = 0): Tensor { return x.tril(diagonal); }
/** `torch.triu(input, diagonal=0)`: the upper triangle. */
export function triu(x: Tensor, diagonal = 0): Tensor { return x.triu(diagonal); }
/** `torch.flatten(input, start_dim=0, end_dim=-1)`. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor { return x.flatten(startDim, endDim); }
/** `torch.reshape(input, shape)`: a view when possible, else a copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor { return x.reshape([...shape]); }
/** `torch.transpose(input, dim0, dim1)`: a view. */
export function transpose(x: Tensor, d0: number, d1: number): Tensor { return x.transpose(d0, d1); }
/** `torch.permute(input, dims)`: a view. */
export function permute(x: Tensor, dims: readonly number[]): Tensor { return x.permute([...dims]); }
/** `torch.squeeze(input, dim=None)`: drops size-1 dims. */
export function squeeze(x: Tensor, dim?: number): Tensor { return x.squeeze(dim); }
/** `torch.unsqueeze(input, dim)`: inserts a size-1 dim. */
export function unsqueeze(x: Tensor, dim: number): Tensor { return x.unsqueeze(dim); }
/** `torch.split(tensor, split_size_or_sections, dim=0)`: views. */
export function split(x: Tensor, size: number | readonly number[], dim = 0): Tensor[] { return x.split(size, dim); }
/** `torch.chunk(input, chunks, dim=0)`: views. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] { return x.chunk(chunks, dim); }
/** `torch.sum(input, dim=None, keepdim=False)`. */
export function sum(x: Tensor, ...args: ReduceArgs): Tensor { return x.sum(...args); }
/** `torch.mean(input, dim=None, keepdim=False)`. */
export function mean(x: Tensor, ...args: ReduceArgs): Tensor { return x.mean(...args); }
/** `torch.exp(input)`. */
export function exp(x: Tensor): Tensor { return x.exp(); }
/** `torch.log(input)`: natural logarithm. */
export function log(x: Tensor): Tensor { return x.log(); }
/** `torch.sqrt(input)`. */
export function sqrt(x: Tensor): Tensor { return x.sqrt(); }
/** `torch.abs(input)`. */
export function abs(x: Tensor): Tensor { return x.abs(); }
/** `torch.tanh(input)`. */
export function tanh(x: Tensor): Tensor { return x.tanh(); }
/** `torch.sigmoid(input)`. */
export function sigmoid(x: Tensor): Tensor { return x.sigmoid(); }
/** `torch.relu(input)`. */
export function relu(x: Tensor): Tensor { return x.relu(); }
/** `torch.softmax(input, dim)`. */
export function softmax(x: Tensor, ...args: Parameters<Tensor['softmax']>): Tensor { return x.softmax(...args); }
/** `torch.log_softmax(input, dim)`. */
export function logSoftmax(x: Tensor, ...args: Parameters<Tensor['logSoftmax']>): Tensor { return x.logSoftmax(...args); }
/**
 * `torch.multinomial(input, num_samples, replacement=False, generator=None)`.
 *
 * @example torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 2) // two distinct indices, 2 the likeliest first
 */
export function multinomial(input: Tensor, numSamples: number, opts: { replacement?: boolean; generator?: Generator } = {}): Tensor {
  return input.multinomial(numSamples, opts);
}
/**
 * `torch.max(x)` → the maximum; `torch.max(x, dim, { keepdim })` → `{ values, indices }`;
 * `torch.max(a, b)` → elementwise `maximum`, as PyTorch's three overloads.
 *
 * @example const { values, indices: predicted } = torch.max(outputs, 1);
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean | { keepdim?: boolean }): Tensor | ValuesIndices {
  if (dimOrOther === undefined) return x.max();
  if (dimOrOther instanceof Tensor) return x.maximum(dimOrOther);
  return typeof dimOrOther === 'number' ? x.max(dimOrOther, keepdim) : x.max(dimOrOther);
}
/** `torch.min`, with the same three overloads as `max`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean | { keepdim?: boolean }): Tensor | ValuesIndices {
  if (dimOrOther === undefined) return x.min();
  if (dimOrOther instanceof Tensor) return x.minimum(dimOrOther);
  return typeof dimOrOther === 'number' ? x.min(dimOrOther, keepdim) : x.min(dimOrOther);
}
/** `torch.argmax(input, dim=None, keepdim=False)`. */
export function argmax(x: Tensor, ...args: Parameters<Tensor['argmax']>): Tensor { return x.argmax(...args); }
/** `torch.argmin(input, dim=None, keepdim=False)`. */
export function argmin(x: Tensor, ...args: Parameters<Tensor['argmin']>): Tensor { return x.argmin(...args); }
/** `torch.equal(a, b)`: same shape and same elements. */
export function equal(a: Tensor, b: Tensor): boolean { return a.equal(b); }
/** `torch.allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)`. */
export function allclose(a: Tensor, b: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean { return a.allclose(b, opts); }
/** `torch.isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)`: elementwise, bool. */
export function isclose(a: Tensor, b: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor { return a.isclose(b, opts); }

/** `torch.nn.functional.pad(input, pad, mode='constant', value=0)`. */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  return dispatch1('pad', [x], { pad: [...padding], mode, value });
}

/** `torch.nn.functional.one_hot(tensor, num_classes=-1)`: int64 output. */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  if (x.dtype !== 'int64') throw new RuntimeError('one_hot is only applicable to index tensor.');
  // num_classes=-1 makes the output shape depend on the data: a readback, as in PyTorch.
  const n = numClasses === -1 ? (x.numel() === 0 ? 0 : x.amax().itemSync() + 1) : numClasses;
  if (x.numel() > 0) {
    deviceCheck(x.amin().ge(0), () => new RuntimeError('Class values must be non-negative.'));
    deviceCheck(x.amax().lt(n), () => new RuntimeError('Class values must be smaller than num_classes.'));
  }
  const range = indexTensor(Array.from({ length: n }, (_, i) => i), x.backend);
  return x.unsqueeze(-1).eq(range).to('int64');
}
