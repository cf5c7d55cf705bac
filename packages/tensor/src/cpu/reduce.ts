import type { ReduceOp, Storage, StridedView } from '../backend.js';
import { type DType, type TypedArray, allocArray } from '../dtype.js';
import { isContiguous, numel } from '../shape.js';
import { Rows, stridedOffsets } from './iter.js';
import { arr } from './storage.js';
import { WASM_MIN, wasmKernels, wasmSumCols, wasmSumRows } from './wasm_kernels.js';
import { nativeKernels } from './native.js';
import { NATIVE_MIN, nativeViews } from './native_views.js';

type Make = (d: DType, a: TypedArray) => Storage;

/**
 * Moves the reduced dims last, so each output element reduces one consecutive run of offsets.
 * Returns the offsets in that order and the run length.
 */
export function groupedOffsets(x: StridedView, dims: readonly number[]): { offs: Int32Array; outer: number; inner: number } {
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = [...keep, ...dims];
  const shape = order.map((i) => x.shape[i]);
  const strides = order.map((i) => x.strides[i]);
  const inner = numel(dims.map((i) => x.shape[i]));
  const outer = numel(keep.map((i) => x.shape[i]));
  const offs = stridedOffsets(shape, strides, x.offset);
  if (offs) return { offs, outer, inner };
  const n = outer * inner;
  const dense = new Int32Array(n);
  for (let i = 0; i < n; i++) dense[i] = x.offset + i;
  return { offs: dense, outer, inner };
}

/** Reduces `inner` consecutive values of `R` starting at `at`. */
function reduceRun(op: ReduceOp, R: TypedArray, at: number, inner: number): number {
  const end = at + inner;
  switch (op) {
    case 'sum': {
      // Four float64 accumulators: the adds no longer wait on each other (4× the throughput of
      // one chain); a fixed order, so results do not depend on anything but the data.
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      let i = at;
      for (; i + 3 < end; i += 4) {
        a0 += R[i];
        a1 += R[i + 1];
        a2 += R[i + 2];
        a3 += R[i + 3];
      }
      for (; i < end; i++) a0 += R[i];
      return (a0 + a1) + (a2 + a3);
    }
    case 'prod': {
      let acc = 1;
      for (let i = at; i < end; i++) acc *= R[i];
      return acc;
    }
    case 'max': {
      let acc = -Infinity;
      for (let i = at; i < end; i++) {
        const v = R[i];
        if (v !== v) return NaN;
        if (v > acc) acc = v;
      }
      return acc;
    }
    case 'min': {
      let acc = Infinity;
      for (let i = at; i < end; i++) {
        const v = R[i];
        if (v !== v) return NaN;
        if (v < acc) acc = v;
      }
      return acc;
    }
    case 'all':
      for (let i = at; i < end; i++) if (R[i] === 0) return 0;
      return 1;
    case 'any':
      for (let i = at; i < end; i++) if (R[i] !== 0) return 1;
      return 0;
  }
}

export function reduceKernel(op: ReduceOp, x: StridedView, dims: readonly number[], outDtype: DType, make: Make): Storage {
  const X = arr(x);
  const nd = x.shape.length;
  const inner = numel(dims.map((i) => x.shape[i]));
  const outer = numel(x.shape) / (inner || 1);
  const out = allocArray(outDtype, inner === 0 ? numel(x.shape.filter((_, i) => !dims.includes(i))) : outer);
  const dense = isContiguous(x.shape, x.strides);
  if (nativeReduce(op, X, x, dims, dense, out)) return make(outDtype, out);
  // Trailing dims of a dense tensor (sums for softmax, losses, means): read the storage in place.
  if (dense && dims.every((d, k) => d === nd - dims.length + k)) {
    const m = op === 'sum' && inner >= 4 && out.length * inner >= WASM_MIN && X instanceof Float32Array ? wasmKernels() : null;
    if (m) wasmSumRows(m, X, x.offset, inner, out);
    else for (let o = 0; o < out.length; o++) out[o] = reduceRun(op, X, x.offset + o * inner, inner);
    return make(outDtype, out);
  }
  // A block of consecutive dims followed by kept ones (a bias gradient's sum over the batch):
  // whole rows add into the kept block's sums, the order `reduceRows` uses.
  const m = op === 'sum' && dense && inner > 0 && X instanceof Float32Array && dims.every((d, k) => d === dims[0] + k) ? wasmKernels() : null;
  if (m) {
    let before = 1, after = 1;
    for (let d = 0; d < dims[0]; d++) before *= x.shape[d];
    for (let d = dims[dims.length - 1] + 1; d < nd; d++) after *= x.shape[d];
    if (after >= 4 && numel(x.shape) >= WASM_MIN) {
      wasmSumCols(m, X, x.offset, before, inner, after, out);
      return make(outDtype, out);
    }
  }
  out.set(reduceRows(op, X, x, dims, out.length));
  return make(outDtype, out);
}

/** The native addon's codes (reduce.c) of the reductions it computes. */
const NATIVE_REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

/**
 * Sums, maxima and minima of float32/float64 views in the native addon: trailing dims of a dense
 * view and a block of leading dims keep the orders of the kernels below; any other layout sums
 * each output's values in the trailing-dims order. False where it does not apply.
 */
function nativeReduce(op: ReduceOp, X: TypedArray, x: StridedView, dims: readonly number[], dense: boolean, out: TypedArray): boolean {
  const code = NATIVE_REDUCE[op];
  const nat = numel(x.shape) >= NATIVE_MIN ? nativeKernels() : null;
  if (!nat || code === undefined || !(X instanceof Float32Array || X instanceof Float64Array) || !(out instanceof Float32Array || out instanceof Float64Array)) return false;
  const nd = x.shape.length;
  const sorted = [...dims].sort((p, q) => p - q);
  const inner = numel(sorted.map((i) => x.shape[i]));
  if (dense && sorted.every((d, k) => d === nd - sorted.length + k)) {
    nat.reduceRows(code, out, X, x.offset, out.length, inner);
    return true;
  }
  if (dense && sorted.every((d, k) => d === sorted[0] + k)) {
    let before = 1, after = 1;
    for (let d = 0; d < sorted[0]; d++) before *= x.shape[d];
    for (let d = sorted[sorted.length - 1] + 1; d < nd; d++) after *= x.shape[d];
    nat.reduceCols(code, out, X, x.offset, before, inner, after);
    return true;
  }
  const order = [...x.shape.keys()].filter((i) => !sorted.includes(i)).concat(sorted);
  const desc = nativeViews(order.map((i) => x.shape[i]), { offset: x.offset, strides: order.map((i) => x.strides[i]) });
  if (!desc) return false;
  nat.reduceStrided(code, out, X, desc, nd - sorted.length);
  return true;
}

/**
 * Any other layout (a bias gradient's sum over [0, 2, 3], BatchNorm statistics) walks `x` in its
 * own row-major order, folding each value into its output's float64 accumulator. With `dims`
 * ascending, each output still meets its values in the order a gathered run would hold them.
 */
function reduceRows(op: ReduceOp, X: TypedArray, x: StridedView, dims: readonly number[], size: number): Float64Array {
  const acc = new Float64Array(size);
  const init = op === 'sum' || op === 'any' ? 0 : op === 'max' ? -Infinity : op === 'min' ? Infinity : 1;
  if (init !== 0) acc.fill(init);
  // The accumulator as a view of x's shape: stride 0 along reduced dims.
  const accStrides = x.shape.map(() => 0);
  for (let d = x.shape.length - 1, s = 1; d >= 0; d--) {
    if (dims.includes(d)) continue;
    accStrides[d] = s;
    s *= x.shape[d];
  }
  const it = new Rows(x.shape, [x, { strides: accStrides, offset: 0 }]);
  const { inner } = it;
  const sx = it.step[0];
  const sa = it.step[1];
  for (let r = 0; r < it.count; r++, it.next()) {
    const ix = it.at[0];
    const ia = it.at[1];
    if (sa === 0) {
      // The whole row folds into one output.
      let a = acc[ia];
      switch (op) {
        case 'sum': for (let j = 0; j < inner; j++) a += X[ix + j * sx]; break;
        case 'prod': for (let j = 0; j < inner; j++) a *= X[ix + j * sx]; break;
        case 'max': for (let j = 0; j < inner; j++) { const v = X[ix + j * sx]; if (v > a || v !== v) a = v; } break;
        case 'min': for (let j = 0; j < inner; j++) { const v = X[ix + j * sx]; if (v < a || v !== v) a = v; } break;
        case 'all': for (let j = 0; j < inner; j++) if (X[ix + j * sx] === 0) a = 0; break;
        case 'any': for (let j = 0; j < inner; j++) if (X[ix + j * sx] !== 0) a = 1; break;
      }
      acc[ia] = a;
      continue;
    }
    switch (op) {
      case 'sum': for (let j = 0; j < inner; j++) acc[ia + j * sa] += X[ix + j * sx]; break;
      case 'prod': for (let j = 0; j < inner; j++) acc[ia + j * sa] *= X[ix + j * sx]; break;
      case 'max':
        for (let j = 0; j < inner; j++) { const v = X[ix + j * sx]; const k = ia + j * sa; if (v > acc[k] || v !== v) acc[k] = v; }
        break;
      case 'min':
        for (let j = 0; j < inner; j++) { const v = X[ix + j * sx]; const k = ia + j * sa; if (v < acc[k] || v !== v) acc[k] = v; }
        break;
      case 'all': for (let j = 0; j < inner; j++) if (X[ix + j * sx] === 0) acc[ia + j * sa] = 0; break;
      case 'any': for (let j = 0; j < inner; j++) if (X[ix + j * sx] !== 0) acc[ia + j * sa] = 1; break;
    }
  }
  return acc;
}

export function argReduceKernel(op: 'argmax' | 'argmin', x: StridedView, dim: number, make: Make): Storage {
  const { offs, outer, inner } = groupedOffsets(x, [dim]);
  const X = arr(x);
  const out = allocArray('int64', outer);
  const better = op === 'argmax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let best = 0;
    let bv = X[offs[base]];
    if (bv === bv) {
      for (let i = 1; i < inner; i++) {
        const v = X[offs[base + i]];
        if (v !== v) { best = i; break; }
        if (better(v, bv)) { bv = v; best = i; }
      }
    }
    out[o] = best;
  }
  return make('int64', out);
}

export function cumulativeKernel(op: 'cumsum' | 'cumprod', x: StridedView, dim: number, outDtype: DType, make: Make): Storage {
  // Walk each line along `dim`; output is contiguous in x's shape.
  const nd = x.shape.length;
  const n = numel(x.shape);
  const out = allocArray(outDtype, n);
  if (n === 0) return make(outDtype, out);
  const { offs, outer, inner } = groupedOffsets(x, [dim]);
  const X = arr(x);
  let after = 1;
  for (let d = dim + 1; d < nd; d++) after *= x.shape[d];
  const len = x.shape[dim];
  for (let o = 0; o < outer; o++) {
    const before = Math.floor(o / after);
    const a = o % after;
    let acc = op === 'cumsum' ? 0 : 1;
    for (let i = 0; i < inner; i++) {
      const v = X[offs[o * inner + i]];
      acc = op === 'cumsum' ? acc + v : acc * v;
      out[(before * len + i) * after + a] = acc;
    }
  }
  return make(outDtype, out);
}
