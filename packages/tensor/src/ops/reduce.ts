import type { ReduceOp } from '../backend.js';
import { type Attrs, defineOp } from '../dispatcher.js';
import { type DType, getDefaultDtype, isFloating } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import { normDim, normDims, numel } from '../shape.js';
import { type Tensor, dtypeTitle } from '../tensor.js';
import { fromStorage } from './util.js';

/** Output shape of a reduction over `dims`, with or without kept singleton dims. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((s, i) => (dims.includes(i) ? 1 : s)) : shape.filter((_, i) => !dims.includes(i));
}

function reduceWith(op: ReduceOp, x: Tensor, dim: unknown, keepdim: boolean, outDtype: DType): Tensor {
  const dims = normDims(dim as number | number[] | null, x.ndim);
  const s = x.backend.reduce(op, x, dims, outDtype);
  return fromStorage(s, reducedShape(x.shape, dims, keepdim));
}

/** Sums and products accumulate integers and bools as int64, as PyTorch does. */
function accDtype(x: Tensor, dtype: unknown): DType {
  if (dtype) return dtype as DType;
  return isFloating(x.dtype) ? x.dtype : 'int64';
}

defineOp('primitive', 'sum(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor', ([x], { dim, keepdim, dtype }: Attrs) => {
  const d = accDtype(x, dtype);
  return reduceWith('sum', d === x.dtype ? x : x.to(d), dim, keepdim as boolean, d);
});

defineOp('primitive', 'prod(Tensor self, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor', ([x], { dim, keepdim, dtype }: Attrs) => {
  const d = accDtype(x, dtype);
  return reduceWith('prod', d === x.dtype ? x : x.to(d), dim, keepdim as boolean, d);
});

defineOp('composite', 'mean(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor', ([x], { dim, keepdim, dtype }: Attrs) => {
  const d = (dtype as DType | null) ?? x.dtype;
  if (!isFloating(d)) {
    throw new RuntimeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${d === 'int64' ? 'Long' : d === 'int32' ? 'Int' : d === 'bool' ? 'Bool' : 'Byte'}`);
  }
  const dims = normDims(dim as number | number[] | null, x.ndim);
  const count = numel(dims.map((i) => x.shape[i]));
  return reduceWith('sum', x.dtype === d ? x : x.to(d), dim, keepdim as boolean, d).div(count);
});

for (const [name, op] of [['amax', 'max'], ['amin', 'min']] as const) {
  defineOp('primitive', `${name}(Tensor self, int[]? dim=None, bool keepdim=False) -> Tensor`, ([x], { dim, keepdim }: Attrs) => {
    const dims = normDims(dim as number | number[] | null, x.ndim);
    for (const d of dims) {
      if (x.shape[d] === 0) throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
    }
    if (x.numel() === 0 && dims.length === x.ndim && x.ndim > 0) {
      throw new RuntimeError(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    }
    if (x.numel() === 0 && x.ndim === 0) throw new RuntimeError(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
    return reduceWith(op, x, dim, keepdim as boolean, x.dtype);
  });
}

for (const op of ['all', 'any'] as const) {
  // uint8 inputs keep uint8 (PyTorch's legacy rule); everything else gives bool.
  defineOp('primitive', `${op}(Tensor self, int[]? dim=None, bool keepdim=False) -> Tensor`, ([x], { dim, keepdim }: Attrs) => reduceWith(op, x, dim, keepdim as boolean, x.dtype === 'uint8' ? 'uint8' : 'bool'));
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | null, keepdim: boolean): Tensor {
  if (dim === null) {
    if (x.numel() === 0) throw new IndexError(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const flat = x.reshape([-1]);
    const r = fromStorage(x.backend.argReduce(op, flat, 0), []);
    return keepdim ? r.reshape(x.shape.map(() => 1)) : r;
  }
  if (x.ndim === 0) {
    normDim(dim, 0);
    return fromStorage(x.backend.argReduce(op, x.reshape([1]), 0), []);
  }
  const d = normDim(dim, x.ndim);
  if (x.shape[d] === 0) throw new IndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  return fromStorage(x.backend.argReduce(op, x, d), reducedShape(x.shape, [d], keepdim));
}

for (const op of ['argmax', 'argmin'] as const) {
  defineOp('primitive', `${op}(Tensor self, int? dim=None, bool keepdim=False) -> Tensor`, ([x], { dim, keepdim }: Attrs) => {
    // max(dim) on bools works in PyTorch, argmax does not.
    if (x.dtype === 'bool') throw new RuntimeError(`"${op}_cpu" not implemented for 'Bool'`);
    return argReduce(op, x, dim as number | null, keepdim as boolean);
  });
}

/** `t.max(dim)` → [values, indices]: one pass for the index, a gather for the values. */
for (const [name, op] of [['maxDim', 'argmax'], ['minDim', 'argmin']] as const) {
  defineOp('composite', `${name}(Tensor self, int dim, bool keepdim=False) -> (Tensor, Tensor)`, ([x], { dim, keepdim }: Attrs) => {
    const d = x.ndim === 0 ? 0 : normDim(dim as number, x.ndim);
    const idx = argReduce(op, x, dim as number, true);
    const values = x.ndim === 0 ? x.clone() : x.gather(d, idx);
    return keepdim || x.ndim === 0 ? [values, idx] : [values.squeeze(d), idx.squeeze(d)];
  });
}

for (const op of ['cumsum', 'cumprod'] as const) {
  defineOp('primitive', `${op}(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor`, ([x], { dim, dtype }: Attrs) => {
    const out = (dtype as DType | null) ?? (isFloating(x.dtype) ? x.dtype : 'int64');
    if (x.ndim === 0) return x.to(out).clone();
    const d = normDim(dim as number, x.ndim);
    return fromStorage(x.backend.cumulative(op, x, d, out), x.shape);
  });
}

/** Variance with Bessel's `correction`, written from primitives (so it is differentiable for free). */
defineOp('composite', 'var(Tensor self, int[]? dim=None, float correction=1, bool keepdim=False) -> Tensor', ([x], { dim, correction, keepdim }: Attrs) => {
  if (!isFloating(x.dtype)) throw new RuntimeError(`std and var only support floating point and complex dtypes`);
  const dims = normDims(dim as number | number[] | null, x.ndim);
  const n = numel(dims.map((i) => x.shape[i]));
  const mean = x.mean(dims, { keepdim: true });
  const sq = x.sub(mean).square().sum(dims, { keepdim: keepdim as boolean });
  return sq.div(Math.max(0, n - (correction as number)));
});

defineOp('composite', 'logsumexp(Tensor self, int[] dim, bool keepdim=False) -> Tensor', ([x], { dim, keepdim }: Attrs) => {
  const xf = isFloating(x.dtype) ? x : x.to(getDefaultDtype());
  const dims = normDims(dim as number | number[], x.ndim);
  if (xf.numel() === 0) return xf.exp().sum(dims, { keepdim: keepdim as boolean }).log();
  const m = xf.amax(dims, { keepdim: true }).detach();
  // Infinite maxima would give inf - inf = NaN; shift by 0 there instead.
  const safe = m.maskedFill(m.isinf(), 0);
  const r = xf.sub(safe).exp().sum(dims, { keepdim: true }).log().add(safe);
  return keepdim ? r : r.squeeze(dims);
});

defineOp('composite', 'norm(Tensor self, Scalar p=2, int[]? dim=None, bool keepdim=False) -> Tensor', ([x], { p, dim, keepdim }: Attrs) => {
  if (!isFloating(x.dtype)) throw new RuntimeError(`norm(): input dtype should be either floating point or complex. Got ${dtypeTitle(x.dtype)} instead.`);
  const dims = dim === null ? null : normDims(dim as number | number[], x.ndim);
  const k = keepdim as boolean;
  const pp = p as number;
  const a = x.abs();
  if (pp === Infinity) return a.amax(dims, { keepdim: k });
  if (pp === -Infinity) return a.amin(dims, { keepdim: k });
  if (pp === 0) return a.ne(0).to(x.dtype).sum(dims, { keepdim: k });
  if (pp === 1) return a.sum(dims, { keepdim: k });
  if (pp === 2) return x.square().sum(dims, { keepdim: k }).sqrt();
  return a.pow(pp).sum(dims, { keepdim: k }).pow(1 / pp);
});

/** `softmax` along `dim`, stabilised by the (detached) max. */
/** PyTorch has no integer softmax kernels; the message names the kernel the dim would use. */
function checkSoftmaxDtype(x: Tensor, dim: number, name: string): void {
  if (isFloating(x.dtype)) return;
  const last = x.ndim === 0 || dim === x.ndim - 1;
  throw new RuntimeError(`"${name}_${last ? 'lastdim_' : ''}kernel_impl" not implemented for '${dtypeTitle(x.dtype)}'`);
}

defineOp('composite', 'softmax(Tensor self, int dim) -> Tensor', ([x], { dim }: Attrs) => {
  const d = x.ndim === 0 ? 0 : normDim(dim as number, x.ndim);
  checkSoftmaxDtype(x, d, 'softmax');
  // Half softmax computes in float32 and rounds once, as PyTorch's kernels do (opmath).
  if (x.dtype === 'float16') return x.float().softmax(d).half();
  if (x.ndim === 0) return x.exp().div(x.exp());
  const e = x.sub(x.amax(d, { keepdim: true }).detach()).exp();
  return e.div(e.sum(d, { keepdim: true }));
});

/** `(x - max) - log(sum(exp(x - max)))`: subtracting the max first keeps float32 precision near large values. */
defineOp('composite', 'logSoftmax(Tensor self, int dim) -> Tensor', ([x], { dim }: Attrs) => {
  const d = x.ndim === 0 ? 0 : normDim(dim as number, x.ndim);
  checkSoftmaxDtype(x, d, 'log_softmax');
  if (x.dtype === 'float16') return x.float().logSoftmax(d).half();
  if (x.ndim === 0) return x.sub(x);
  const m = x.amax(d, { keepdim: true }).detach();
  const shifted = x.sub(m.maskedFill(m.isinf(), 0));
  return shifted.sub(shifted.exp().sum(d, { keepdim: true }).log());
});
