import { dispatch1 } from './dispatcher.js';
import { type Tensor, type TensorOrScalar, type ValuesIndices, checkScalar } from './tensor.js';
import type { PadMode } from './ops/pad.js';
import { RuntimeError } from './errors.js';
import { deviceCheck } from './validation.js';
import { indexTensor } from './ops/util.js';
import type { Generator } from './random.js';

/**
 * Function forms of tensor ops, as in the `torch.` namespace (`torch.cat`, `torch.where`, …).
 * Methods of `Tensor` cover the rest (`torch.exp(x)` is `x.exp()`).
 */

/** `torch.cat(tensors, dim=0)`. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors)) throw new RuntimeError('cat(): argument \'tensors\' must be a list of Tensors');
  return dispatch1('cat', tensors, { dim });
}
/** `torch.concat`, an alias of `cat`. */
export const concat = cat;
/** `torch.stack(tensors, dim=0)`. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return dispatch1('stack', tensors, { dim });
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
/** `torch.clamp(input, min=None, max=None)`. */
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor { return x.clamp(min, max); }
/** `torch.gather(input, dim, index)`. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor { return x.gather(dim, index); }
/** `torch.index_select(input, dim, index)`. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor { return x.indexSelect(dim, index); }
/** `torch.take(input, index)`: elements of the flattened input. */
export function take(x: Tensor, index: Tensor): Tensor { return x.take(index); }
/** `torch.nonzero(input)`: `[n, ndim]` int64 indices of the non-zero elements. */
export function nonzero(x: Tensor): Tensor { return x.nonzero(); }
/** `torch.sort(input, dim=-1, descending=False)` → `{ values, indices }`. */
export function sort(x: Tensor, dim = -1, opts: { descending?: boolean } = {}) { return x.sort(dim, opts); }
/** `torch.topk(input, k, dim=-1, largest=True, sorted=True)` → `{ values, indices }`. */
export function topk(x: Tensor, k: number, dim = -1, opts: { largest?: boolean; sorted?: boolean } = {}) { return x.topk(k, dim, opts); }
/** `torch.argsort(input, dim=-1, descending=False)`. */
export function argsort(x: Tensor, dim = -1, opts: { descending?: boolean } = {}): Tensor { return x.argsort(dim, opts); }
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
export function sum(x: Tensor, dim?: number | readonly number[], opts: { keepdim?: boolean } = {}): Tensor { return x.sum(dim, opts); }
/** `torch.mean(input, dim=None, keepdim=False)`. */
export function mean(x: Tensor, dim?: number | readonly number[], opts: { keepdim?: boolean } = {}): Tensor { return x.mean(dim, opts); }
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
export function softmax(x: Tensor, dim: number): Tensor { return x.softmax(dim); }
/** `torch.log_softmax(input, dim)`. */
export function logSoftmax(x: Tensor, dim: number): Tensor { return x.logSoftmax(dim); }
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
export function max(x: Tensor, dim: number, opts?: { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, opts: { keepdim?: boolean } = {}): Tensor | ValuesIndices {
  if (dimOrOther === undefined) return x.max();
  return typeof dimOrOther === 'number' ? x.max(dimOrOther, opts) : x.maximum(dimOrOther);
}
/** `torch.min`, with the same three overloads as `max`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, opts?: { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, opts: { keepdim?: boolean } = {}): Tensor | ValuesIndices {
  if (dimOrOther === undefined) return x.min();
  return typeof dimOrOther === 'number' ? x.min(dimOrOther, opts) : x.minimum(dimOrOther);
}
/** `torch.argmax(input, dim=None, keepdim=False)`. */
export function argmax(x: Tensor, dim?: number, opts: { keepdim?: boolean } = {}): Tensor { return x.argmax(dim, opts); }
/** `torch.argmin(input, dim=None, keepdim=False)`. */
export function argmin(x: Tensor, dim?: number, opts: { keepdim?: boolean } = {}): Tensor { return x.argmin(dim, opts); }
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
