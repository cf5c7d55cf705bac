import type { StridedView } from '../backend.js';
import { isContiguous, numel } from '../shape.js';

/**
 * Element offsets of a strided view in row-major order. Kernels index storage through these, so
 * one loop serves contiguous, transposed, expanded (stride 0) and sliced inputs alike.
 */
export function offsets(v: StridedView): Int32Array | null {
  return stridedOffsets(v.shape, v.strides, v.offset);
}

/** Null means "dense from `offset`": the caller can index `offset + i` directly. */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array | null {
  if (isContiguous(shape, strides)) return null;
  const n = numel(shape);
  const out = new Int32Array(n);
  const nd = shape.length;
  if (n === 0) return out;
  const last = nd - 1;
  const inner = shape[last];
  const innerStride = strides[last];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let p = 0;
  for (;;) {
    for (let j = 0, o = base; j < inner; j++, o += innerStride) out[p++] = o;
    if (p >= n) break;
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
  return out;
}

/** Offsets for `v`, or the dense run starting at `v.offset`; always materialised. */
export function allOffsets(v: StridedView): Int32Array {
  const o = offsets(v);
  if (o) return o;
  const n = numel(v.shape);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = v.offset + i;
  return out;
}
