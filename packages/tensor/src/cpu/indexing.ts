import type { Storage, StridedView } from '../backend.js';
import { type DType, type TypedArray, allocArray } from '../dtype.js';
import { contiguousStrides, isContiguous, numel } from '../shape.js';
import { Rows, allOffsets, copyTransposed, transposedLayout } from './iter.js';
import { arr } from './storage.js';
import { nativeKernels } from './native.js';
import { NATIVE_COPY, NATIVE_MIN, nativeViews, sameFloat, writesTwice } from './native_views.js';

type Make = (d: DType, a: TypedArray) => Storage;

/** Copy of a view into a dense array of `dtype` (casting on store). */
export function denseCopy(x: StridedView, dtype: DType): TypedArray {
  const X = arr(x);
  // A dense view of the same dtype (a gradient's first accumulation, `clone()`): one block copy.
  if (dtype === x.dtype && isContiguous(x.shape, x.strides)) return X.slice(x.offset, x.offset + numel(x.shape));
  const out = allocArray(dtype, numel(x.shape));
  const nat = out.length >= NATIVE_MIN && dtype === x.dtype ? nativeKernels() : null;
  const desc = nat && sameFloat(X, out) ? nativeViews(x.shape, null, x) : null;
  if (nat && desc) {
    nat.unary(NATIVE_COPY, out, X, desc);
    return out;
  }
  const t = dtype === x.dtype ? transposedLayout(x.shape, x.strides) : null;
  if (t) {
    copyTransposed(X, x.offset, t.rs, t.cs, t.rows, t.cols, out);
    return out;
  }
  const it = new Rows(x.shape, [x]);
  const { inner } = it;
  const sx = it.step[0];
  for (let r = 0, p = 0; r < it.count; r++, it.next(), p += inner) {
    const ix = it.at[0];
    if (dtype === 'bool') for (let j = 0; j < inner; j++) out[p + j] = X[ix + j * sx] !== 0 ? 1 : 0;
    else if (dtype === 'int64') for (let j = 0; j < inner; j++) out[p + j] = Math.trunc(X[ix + j * sx]) || 0;
    else for (let j = 0; j < inner; j++) out[p + j] = X[ix + j * sx];
  }
  return out;
}

export function copyIntoKernel(dst: StridedView, src: StridedView): void {
  if (src.dtype === dst.dtype && isContiguous(dst.shape, dst.strides) && isContiguous(src.shape, src.strides)) {
    // Dense to dense: a block move (copyWithin moves overlapping ranges as memmove does); a result
    // already written in place (`x.add_(y)` on the CPU) has src === dst and moves nothing.
    const n = numel(dst.shape);
    const D = arr(dst);
    if (src.storage !== dst.storage) D.set(arr(src).subarray(src.offset, src.offset + n), dst.offset);
    else if (src.offset !== dst.offset) D.copyWithin(dst.offset, src.offset, src.offset + n);
    return;
  }
  const D = arr(dst);
  // Distinct storages of one float type: one strided walk, no intermediate copy.
  const nat = src.storage !== dst.storage && src.dtype === dst.dtype && numel(dst.shape) >= NATIVE_MIN && !writesTwice(dst) ? nativeKernels() : null;
  const desc = nat && sameFloat(D, arr(src)) ? nativeViews(dst.shape, dst, src) : null;
  if (nat && desc) return nat.unary(NATIVE_COPY, D, arr(src), desc);
  // A copy first, so overlapping src/dst (x.copy_(x.flip(0))) reads old values.
  const vals = denseCopy(src, dst.dtype);
  const it = new Rows(dst.shape, [dst]);
  const { inner } = it;
  const sd = it.step[0];
  for (let r = 0, p = 0; r < it.count; r++, it.next(), p += inner) {
    const id = it.at[0];
    for (let j = 0; j < inner; j++) D[id + j * sd] = vals[p + j];
  }
}

export function fillKernel(dst: StridedView, value: number): void {
  const D = arr(dst);
  const tmp = allocArray(dst.dtype, 1);
  tmp[0] = dst.dtype === 'bool' ? (value !== 0 ? 1 : 0) : dst.dtype === 'int64' ? Math.trunc(value) : value;
  const v = tmp[0];
  const it = new Rows(dst.shape, [dst]);
  const { inner } = it;
  const sd = it.step[0];
  for (let r = 0; r < it.count; r++, it.next()) {
    const id = it.at[0];
    if (sd === 1) D.fill(v, id, id + inner);
    else for (let j = 0; j < inner; j++) D[id + j * sd] = v;
  }
}

export function gatherKernel(x: StridedView, dim: number, index: StridedView, make: Make): Storage {
  const n = numel(index.shape);
  const out = allocArray(x.dtype, n);
  const X = arr(x);
  const I = denseCopy(index, 'int64');
  const istr = contiguousStrides(index.shape);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let off = x.offset;
    for (let d = 0; d < index.shape.length; d++) {
      const c = Math.floor(rem / istr[d]);
      rem -= c * istr[d];
      off += (d === dim ? I[i] : c) * x.strides[d];
    }
    out[i] = X[off];
  }
  return make(x.dtype, out);
}

export function scatterKernel(x: StridedView, dim: number, index: StridedView, src: StridedView, reduce: 'none' | 'add', make: Make): Storage {
  const out = denseCopy(x, x.dtype);
  const ostr = contiguousStrides(x.shape);
  const I = denseCopy(index, 'int64');
  const S = arr(src);
  const so = allOffsets({ ...src, shape: index.shape, strides: src.strides.slice(0, index.shape.length) });
  const istr = contiguousStrides(index.shape);
  const n = I.length;
  for (let i = 0; i < n; i++) {
    let rem = i;
    let off = 0;
    for (let d = 0; d < index.shape.length; d++) {
      const c = Math.floor(rem / istr[d]);
      rem -= c * istr[d];
      off += (d === dim ? I[i] : c) * ostr[d];
    }
    if (reduce === 'add') out[off] += S[so[i]];
    else out[off] = S[so[i]];
  }
  return make(x.dtype, out);
}

export function indexSelectKernel(x: StridedView, dim: number, index: StridedView, make: Make): Storage {
  const I = denseCopy(index, 'int64');
  const shape = [...x.shape];
  shape[dim] = I.length;
  const outer = numel(x.shape.slice(0, dim));
  const inner = numel(x.shape.slice(dim + 1));
  const out = allocArray(x.dtype, outer * I.length * inner);
  const X = arr(x);
  // Inner block offsets relative to a slice start.
  const innerOffs = allOffsets({ ...x, shape: x.shape.slice(dim + 1), strides: x.strides.slice(dim + 1), offset: 0 });
  const outerOffs = allOffsets({ ...x, shape: x.shape.slice(0, dim), strides: x.strides.slice(0, dim), offset: x.offset });
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < I.length; k++) {
      const base = outerOffs[o] + I[k] * x.strides[dim];
      for (let i = 0; i < inner; i++) out[p++] = X[base + innerOffs[i]];
    }
  }
  return make(x.dtype, out);
}

export function indexAddKernel(x: StridedView, dim: number, index: StridedView, src: StridedView, make: Make): Storage {
  const out = denseCopy(x, x.dtype);
  const I = denseCopy(index, 'int64');
  const S = denseCopy(src, x.dtype);
  const outer = numel(x.shape.slice(0, dim));
  const inner = numel(x.shape.slice(dim + 1));
  const size = x.shape[dim];
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < I.length; k++) {
      const dst = (o * size + I[k]) * inner;
      const s = (o * I.length + k) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += S[s + i];
    }
  }
  return make(x.dtype, out);
}

export function sortKernel(x: StridedView, dim: number, descending: boolean, make: Make): [Storage, Storage] {
  const n = numel(x.shape);
  const vals = allocArray(x.dtype, n);
  const idxs = allocArray('int64', n);
  const X = arr(x);
  const outer = numel(x.shape.slice(0, dim));
  const inner = numel(x.shape.slice(dim + 1));
  const len = x.shape[dim];
  const offs = allOffsets(x);
  const order = new Array<number>(len);
  // NaN sorts as the largest value, as in PyTorch.
  const cmp = (a: number, b: number) => {
    const an = a !== a, bn = b !== b;
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const line = new Float64Array(len);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let k = 0; k < len; k++) {
        line[k] = X[offs[(o * len + k) * inner + i]];
        order[k] = k;
      }
      order.sort((p, q) => (descending ? cmp(line[q], line[p]) : cmp(line[p], line[q])) || p - q);
      for (let k = 0; k < len; k++) {
        const dst = (o * len + k) * inner + i;
        vals[dst] = line[order[k]];
        idxs[dst] = order[k];
      }
    }
  }
  return [make(x.dtype, vals), make('int64', idxs)];
}

/** Row-major coordinates of the non-zero elements of `x`, `ndim` int64 values per element. */
export function nonzeroKernel(x: StridedView, make: (d: DType, a: TypedArray) => Storage): Storage {
  const data = denseCopy(x, x.dtype);
  const nd = x.shape.length;
  const coords: number[] = [];
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0) coords.push(...idx);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < x.shape[d]) break;
      idx[d] = 0;
    }
  }
  return make('int64', Float64Array.from(coords));
}
