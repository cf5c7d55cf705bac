import type { Pool2dAttrs, Storage, StridedView } from '../backend.js';
import { type DType, type TypedArray, allocArray } from '../dtype.js';
import { denseView } from './conv.js';
import { wasmKernels, wasmMaxPool2x2 } from './wasm_kernels.js';
import { nativeKernels } from './native.js';
import { nativeArgs } from './native_views.js';

type Make = (d: DType, a: TypedArray) => Storage;

/**
 * PyTorch's `pooling_output_shape`: with `ceilMode` the last window may hang over the end, but
 * it must start inside the input or the left padding.
 */
export function pooledSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

function outHW(shape: readonly number[], a: Pool2dAttrs): [number, number] {
  return [
    pooledSize(shape[2], a.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0], a.ceilMode),
    pooledSize(shape[3], a.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1], a.ceilMode),
  ];
}

/**
 * Clipped window of each max-pool output along one axis: first in-bounds tap (on the dilation
 * grid) and the exclusive end, shared by every plane and row.
 */
function maxWindows(count: number, size: number, k: number, s: number, p: number, d: number): [Int32Array, Int32Array] {
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  for (let o = 0; o < count; o++) {
    let i0 = o * s - p;
    ends[o] = Math.min(i0 + (k - 1) * d + 1, size);
    while (i0 < 0) i0 += d;
    starts[o] = i0;
  }
  return [starts, ends];
}

/**
 * Max pooling over each H×W plane. NaN wins (the last NaN of the window), and an all −∞ window
 * reports its first in-bounds position, as PyTorch's CPU kernel does.
 */
export function maxPool2dKernel(x: StridedView, a: Pool2dAttrs, make: Make): [Storage, Storage] {
  const [N, C, H, W] = x.shape;
  const [OH, OW] = outHW(x.shape, a);
  const [dh, dw] = a.dilation;
  const [hs, he] = maxWindows(OH, H, a.kernelSize[0], a.stride[0], a.padding[0], dh);
  const [ws, we] = maxWindows(OW, W, a.kernelSize[1], a.stride[1], a.padding[1], dw);
  const X = denseView(x);
  const data = X.data;
  const vals = allocArray(x.dtype, N * C * OH * OW);
  const idx = new Float64Array(N * C * OH * OW);
  const [kh, kw] = a.kernelSize;
  const nat = isFloatArray(data) ? nativeKernels() : null;
  if (nat) {
    nat.maxPool2d(data, X.off, vals, idx, geometry(N * C, H, W, OH, OW, a));
    return [make(x.dtype, vals), make('int64', idx)];
  }
  if (kh === 2 && kw === 2 && a.stride[0] === 2 && a.stride[1] === 2 && a.padding[0] === 0 && a.padding[1] === 0 && dh === 1 && dw === 1 && !a.ceilMode) {
    const m = data instanceof Float32Array ? wasmKernels() : null;
    if (!m || !wasmMaxPool2x2(m, data, X.off, N * C, H, W, OH, OW, vals, idx)) maxPool2x2(data, X.off, N * C, H, W, OH, OW, vals, idx);
    return [make(x.dtype, vals), make('int64', idx)];
  }
  const rowStep = dh * W;
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = X.off + plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = hs[oh];
      const h1 = he[oh];
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = ws[ow];
        const w1 = we[ow];
        let best = -Infinity;
        let at = h0 * W + w0;
        for (let r = h0 * W, end = h1 * W; r < end; r += rowStep) {
          for (let iw = r + w0, stop = r + w1; iw < stop; iw += dw) {
            const v = data[base + iw];
            if (v > best || v !== v) {
              best = v;
              at = iw;
            }
          }
        }
        vals[o] = best;
        idx[o] = at;
      }
    }
  }
  return [make(x.dtype, vals), make('int64', idx)];
}

const isFloatArray = (a: TypedArray) => a instanceof Float32Array || a instanceof Float64Array;

/** The native pooling kernels' geometry argument (pool2d.c). */
function geometry(planes: number, H: number, W: number, OH: number, OW: number, a: Pool2dAttrs): Float64Array {
  return nativeArgs(planes, H, W, OH, OW, a.kernelSize[0], a.kernelSize[1], a.stride[0], a.stride[1], a.padding[0], a.padding[1], a.dilation[0], a.dilation[1]);
}

/**
 * The CNNs' max pool (2×2 windows, stride 2, no padding): every window lies inside the plane, so
 * its four taps are read directly, in the general loop's order (row by row), with its rule: a
 * larger value or a NaN takes over.
 */
function maxPool2x2(data: TypedArray, off: number, planes: number, H: number, W: number, OH: number, OW: number, vals: TypedArray, idx: Float64Array): void {
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = off + plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = 2 * oh * W;
      for (let ow = 0; ow < OW; ow++, o++) {
        const i0 = r0 + 2 * ow;
        let best = data[base + i0];
        let at = i0;
        // Starting from tap 0 gives what the general loop's −∞ start gives (value and position).
        let v = data[base + i0 + 1];
        if (v > best || v !== v) { best = v; at = i0 + 1; }
        v = data[base + i0 + W];
        if (v > best || v !== v) { best = v; at = i0 + W; }
        v = data[base + i0 + W + 1];
        if (v > best || v !== v) { best = v; at = i0 + W + 1; }
        vals[o] = best;
        idx[o] = at;
      }
    }
  }
}

/** Routes each output gradient to the input position its max came from. */
export function maxPool2dBackwardKernel(gy: StridedView, indices: StridedView, inputShape: readonly number[], make: Make): Storage {
  const [N, C, H, W] = inputShape;
  const P = gy.shape[2] * gy.shape[3];
  const G = denseView(gy);
  const I = denseView(indices);
  const g = G.data;
  const ix = I.data;
  const dx = allocArray(gy.dtype, N * C * H * W);
  const nat = isFloatArray(g) ? nativeKernels() : null;
  if (nat && ix instanceof Float64Array && nat.maxPool2dBackward(g, G.off, ix, I.off, dx, nativeArgs(N * C, H, W, gy.shape[2], gy.shape[3], 1, 1, 1, 1, 0, 0, 1, 1))) {
    return make(gy.dtype, dx);
  }
  // A position outside its plane (indices not from the forward pass): the loop below, as before.
  dx.fill(0);
  for (let plane = 0, o = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let end = o + P; o < end; o++) dx[base + ix[I.off + o]] += g[G.off + o];
  }
  return make(gy.dtype, dx);
}

/**
 * Window of one average-pool output along one axis: the clipped input range and the padded
 * extent that `countIncludePad` divides by (the padded window never runs past the right padding).
 */
function avgWindow(o: number, k: number, s: number, p: number, size: number): [number, number, number] {
  const start = o * s - p;
  const end = Math.min(start + k, size + p);
  return [Math.max(start, 0), Math.min(end, size), end - start];
}

function avgDivisor(a: Pool2dAttrs, padded: number, h0: number, h1: number, w0: number, w1: number): number {
  if (a.divisorOverride) return a.divisorOverride;
  return a.countIncludePad ?? true ? padded : (h1 - h0) * (w1 - w0);
}

export function avgPool2dKernel(x: StridedView, a: Pool2dAttrs, make: Make): Storage {
  const [N, C, H, W] = x.shape;
  const [OH, OW] = outHW(x.shape, a);
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const X = denseView(x);
  const out = allocArray(x.dtype, N * C * OH * OW);
  const nat = isFloatArray(X.data) && x.dtype !== 'int64' ? nativeKernels() : null;
  if (nat) {
    nat.avgPool2d(X.data, X.off, out, geometry(N * C, H, W, OH, OW, a), a.countIncludePad ?? true, a.divisorOverride ?? 0);
    return make(x.dtype, out);
  }
  const integral = x.dtype === 'int64';
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = X.off + plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1, hp] = avgWindow(oh, kh, sh, ph, H);
      for (let ow = 0; ow < OW; ow++, o++) {
        const [w0, w1, wp] = avgWindow(ow, kw, sw, pw, W);
        if (h0 >= h1 || w0 >= w1) continue;
        let sum = 0;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) sum += X.data[base + ih * W + iw];
        const mean = sum / avgDivisor(a, hp * wp, h0, h1, w0, w1);
        // int64 divides as C++ integers do, truncating toward zero (+ 0: an integer has no -0).
        out[o] = integral ? Math.trunc(mean) + 0 : mean;
      }
    }
  }
  return make(x.dtype, out);
}

/** Spreads each output gradient evenly (by the forward divisor) over its window. */
export function avgPool2dBackwardKernel(gy: StridedView, inputShape: readonly number[], a: Pool2dAttrs, make: Make): Storage {
  const [N, C, H, W] = inputShape;
  const [, , OH, OW] = gy.shape;
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const G = denseView(gy);
  const dx = allocArray(gy.dtype, N * C * H * W);
  const nat = isFloatArray(G.data) ? nativeKernels() : null;
  if (nat) {
    nat.avgPool2dBackward(G.data, G.off, dx, geometry(N * C, H, W, OH, OW, a), a.countIncludePad ?? true, a.divisorOverride ?? 0);
    return make(gy.dtype, dx);
  }
  let o = G.off;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1, hp] = avgWindow(oh, kh, sh, ph, H);
      for (let ow = 0; ow < OW; ow++, o++) {
        const [w0, w1, wp] = avgWindow(ow, kw, sw, pw, W);
        if (h0 >= h1 || w0 >= w1) continue;
        const g = G.data[o] / avgDivisor(a, hp * wp, h0, h1, w0, w1);
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) dx[base + ih * W + iw] += g;
      }
    }
  }
  return make(gy.dtype, dx);
}
