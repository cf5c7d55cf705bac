import type { Conv2dAttrs, Storage, StridedView } from '../backend.js';
import { type DType, type TypedArray, allocArray } from '../dtype.js';
import { isContiguous } from '../shape.js';
import { denseCopy } from './indexing.js';
import { gemm } from './matmul.js';
import { nativeKernels } from './native.js';
import { arr } from './storage.js';
import { ACCUMULATE64, ADD64, COL2IM, IM2COL, Plan, planThreads } from './thread_pool.js';
import { align, gemmWorkBytes, wasmModule } from './wasm_gemm.js';

type Make = (d: DType, a: TypedArray) => Storage;

/** A view's elements as a dense row-major run: the storage itself when possible, else a copy. */
export function denseView(v: StridedView): { data: TypedArray; off: number } {
  if (isContiguous(v.shape, v.strides)) return { data: arr(v), off: v.offset };
  return { data: denseCopy(v, v.dtype), off: 0 };
}

/** Geometry of one group of a 2-D convolution. */
interface Geom {
  /** input channels per group */
  C: number;
  H: number; W: number;
  kh: number; kw: number;
  OH: number; OW: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
}

function geom(inShape: readonly number[], wShape: readonly number[], OH: number, OW: number, a: Conv2dAttrs): Geom {
  return {
    C: wShape[1], H: inShape[2], W: inShape[3], kh: wShape[2], kw: wShape[3], OH, OW,
    sh: a.stride[0], sw: a.stride[1], ph: a.padding[0], pw: a.padding[1], dh: a.dilation[0], dw: a.dilation[1],
  };
}

/** Range [lo, hi) of output columns whose input column `ox*sw + shift` lies inside [0, W). */
function validRange(shift: number, sw: number, W: number, OW: number): [number, number] {
  const lo = shift >= 0 ? 0 : Math.ceil(-shift / sw);
  const hi = W - 1 - shift < 0 ? 0 : Math.floor((W - 1 - shift) / sw) + 1;
  return [Math.min(lo, OW), Math.max(Math.min(hi, OW), Math.min(lo, OW))];
}

/**
 * Unfolds one image-group into columns: element (k, p) with k = (c·kh + i)·kw + j and p = oy·OW + ox
 * lands at `cols[k·rs + p·cs]`, zero where the window hangs over the padding. `rs`/`cs` pick the
 * layout: [K, P] for the forward GEMM, [P, K] for the weight gradient.
 */
function im2col(x: TypedArray, xOff: number, g: Geom, cols: TypedArray, rs: number, cs: number): void {
  const { C, H, W, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw } = g;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = ((c * kh + i) * kw + j) * rs;
        const shift = j * dw - pw;
        const [lo, hi] = validRange(shift, sw, W, OW);
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh - ph + i * dh;
          let p = row + oy * OW * cs;
          if (iy < 0 || iy >= H) {
            for (let ox = 0; ox < OW; ox++, p += cs) cols[p] = 0;
            continue;
          }
          const xr = xOff + (c * H + iy) * W + shift;
          let ox = 0;
          for (; ox < lo; ox++, p += cs) cols[p] = 0;
          if (sw === 1) for (; ox < hi; ox++, p += cs) cols[p] = x[xr + ox];
          else for (; ox < hi; ox++, p += cs) cols[p] = x[xr + ox * sw];
          for (; ox < OW; ox++, p += cs) cols[p] = 0;
        }
      }
    }
  }
}

/** The adjoint of `im2col` for the [K, P] layout: adds every column entry back onto its input pixel. */
function col2im(cols: TypedArray, g: Geom, dx: TypedArray, xOff: number): void {
  const { C, H, W, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw } = g;
  const P = OH * OW;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = ((c * kh + i) * kw + j) * P;
        const shift = j * dw - pw;
        const [lo, hi] = validRange(shift, sw, W, OW);
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh - ph + i * dh;
          if (iy < 0 || iy >= H) continue;
          const xr = xOff + (c * H + iy) * W + shift;
          const p = row + oy * OW;
          for (let ox = lo; ox < hi; ox++) dx[xr + ox * sw] += cols[p + ox];
        }
      }
    }
  }
}

/** The geometry as the native kernels take it, after their three arrays and two offsets. */
const nativeGeometry = (N: number, Cin: number, Cout: number, G: number, g: Geom) =>
  [N, Cin, g.H, g.W, Cout, g.kh, g.kw, g.OH, g.OW, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, G];

/** 1×1, stride 1, no padding: the image itself is already the column matrix. */
function isPointwise(g: Geom): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0;
}

/** The geometry as the wasm im2col/col2im take it, after the source address. */
const geomArgs = (g: Geom) => [g.C, g.H, g.W, g.kh, g.kw, g.OH, g.OW, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw];

/** Items [i0, i1) of chunk `q` when N items (images, elements) are cut into `chunks` contiguous runs. */
const evenRun = (q: number, N: number, chunks: number) => [Math.floor((q * N) / chunks), Math.floor(((q + 1) * N) / chunks)];

/**
 * Float32 forward in WebAssembly: weight and input copied into linear memory once; each chunk
 * (an image, or a band of its output rows when there are fewer images than threads) unfolds its
 * columns into the running thread's scratch and multiplies them into the output in place; the
 * output is copied out once. Every output entry is the same sum however the work is cut. False,
 * having done nothing, without SIMD128 or when the operands do not fit in 32-bit memory.
 */
function conv2dWasm(X: Float32Array, xOff: number, Wt: Float32Array, wOff: number, N: number, Cin: number, Cout: number,
  G: number, g: Geom, out: Float32Array): boolean {
  const m = wasmModule();
  if (m === null) return false;
  const P = g.OH * g.OW, Cog = Cout / G, K = g.C * g.kh * g.kw, HW = g.H * g.W;
  const direct = isPointwise(g);
  const wAt = align(m.base);
  const xAt = align(wAt + 4 * Cout * K);
  const oAt = align(xAt + 4 * N * Cin * HW);
  const threads = planThreads(m, N * Cout * P * K);
  const bands = threads === 1 ? 1 : Math.min(g.OH, Math.ceil((2 * threads) / N));
  const bandRows = Math.ceil(g.OH / bands);
  const Pc = bandRows * g.OW;
  const colsBytes = direct ? 0 : align(4 * K * Pc);
  const plan = new Plan(m);
  for (let n = 0; n < N; n++) {
    for (let oy0 = 0; oy0 < g.OH; oy0 += bandRows) {
      const rows = Math.min(bandRows, g.OH - oy0), pc = rows * g.OW, p0 = oy0 * g.OW;
      for (let gi = 0; gi < G; gi++) {
        const x = xAt + 4 * (n * Cin + gi * g.C) * HW;
        const o = oAt + 4 * ((n * Cout + gi * Cog) * P + p0);
        const w = wAt + 4 * gi * Cog * K;
        if (direct) {
          plan.gemm(Cog, pc, K, w, K, 1, x + 4 * p0, P, 1, o, P, 0);
        } else {
          plan.call(IM2COL, [x, g.C, g.H, g.W, g.kh, g.kw, rows, g.OW, g.sh, g.sw, g.ph - oy0 * g.sh, g.pw, g.dh, g.dw, 0, pc, 1], [14]);
          plan.gemm(Cog, pc, K, w, K, 1, 0, pc, 1, o, P, colsBytes, [6]);
        }
      }
      plan.endChunk();
    }
  }
  const heap = plan.place(oAt + 4 * N * Cout * P, colsBytes + gemmWorkBytes(Cog, Pc, K), threads);
  if (heap === null) return false;
  heap.set(Wt.subarray(wOff, wOff + Cout * K), wAt / 4);
  heap.set(X.subarray(xOff, xOff + N * Cin * HW), xAt / 4);
  plan.run();
  out.set(heap.subarray(oAt / 4, oAt / 4 + N * Cout * P));
  return true;
}

/**
 * Float32 input gradient in WebAssembly, laid out like `conv2dWasm`, one chunk per image (its
 * col2im folds overlap within the image only): the columns go to scratch, col2im folds them
 * into the image's gradient in place.
 */
function conv2dBackwardInputWasm(dY: Float32Array, yOff: number, Wt: Float32Array, wOff: number, N: number, Cin: number,
  Cout: number, G: number, g: Geom, dx: Float32Array): boolean {
  const m = wasmModule();
  if (m === null) return false;
  const P = g.OH * g.OW, Cog = Cout / G, K = g.C * g.kh * g.kw, HW = g.H * g.W;
  const direct = isPointwise(g);
  const wAt = align(m.base);
  const yAt = align(wAt + 4 * Cout * K);
  const dxAt = align(yAt + 4 * N * Cout * P);
  const colsBytes = direct ? 0 : align(4 * K * P);
  const geo = geomArgs(g);
  const plan = new Plan(m);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < G; gi++) {
      const x = dxAt + 4 * (n * Cin + gi * g.C) * HW;
      const w = wAt + 4 * gi * Cog * K, y = yAt + 4 * (n * Cout + gi * Cog) * P;
      if (direct) {
        plan.gemm(K, P, Cog, w, 1, K, y, P, 1, x, P, 0);
      } else {
        plan.gemm(K, P, Cog, w, 1, K, y, P, 1, 0, P, colsBytes, [9]);
        plan.call(COL2IM, [0, ...geo, x], [0]);
      }
    }
    plan.endChunk();
  }
  const heap = plan.place(dxAt + 4 * N * Cin * HW, colsBytes + gemmWorkBytes(K, P, Cog), planThreads(m, N * Cout * P * K));
  if (heap === null) return false;
  heap.set(Wt.subarray(wOff, wOff + Cout * K), wAt / 4);
  heap.set(dY.subarray(yOff, yOff + N * Cout * P), yAt / 4);
  heap.fill(0, dxAt / 4, dxAt / 4 + N * Cin * HW);
  plan.run();
  dx.set(heap.subarray(dxAt / 4, dxAt / 4 + N * Cin * HW));
  return true;
}

/** Float64 partial sums the weight gradient may keep at once (one per run of images). */
const PARTIAL_BYTES = 64 * 2 ** 20;

/**
 * Float32 weight gradient in WebAssembly. The images are cut into runs by a rule of the shapes
 * alone (never the thread count); each run sums its images' products in its own float64
 * partial, and the partials are added in run order: the same bits on any number of threads.
 * Per image and group the [P, K] columns and the product live in the running thread's scratch.
 */
function conv2dBackwardWeightWasm(dY: Float32Array, yOff: number, X: Float32Array, xOff: number, N: number, Cin: number,
  Cout: number, G: number, g: Geom, dw: Float32Array): boolean {
  const m = wasmModule();
  if (m === null) return false;
  const P = g.OH * g.OW, Cog = Cout / G, K = g.C * g.kh * g.kw, HW = g.H * g.W;
  const runs = Math.max(1, Math.min(N, 16, Math.floor(PARTIAL_BYTES / (8 * Cout * K))));
  const yAt = align(m.base);
  const xAt = align(yAt + 4 * N * Cout * P);
  const accAt = align(xAt + 4 * N * Cin * HW);
  const accStride = align(8 * Cout * K);
  const colsBytes = align(4 * P * K), sBytes = align(4 * Cog * K);
  const geo = geomArgs(g);
  const plan = new Plan(m);
  for (let q = 0; q < runs; q++) {
    const [n0, n1] = evenRun(q, N, runs);
    for (let n = n0; n < n1; n++) {
      for (let gi = 0; gi < G; gi++) {
        plan.call(IM2COL, [xAt + 4 * (n * Cin + gi * g.C) * HW, ...geo, 0, 1, K], [14]);
        plan.gemm(Cog, K, P, yAt + 4 * (n * Cout + gi * Cog) * P, P, 1, 0, K, 1, colsBytes, K, colsBytes + sBytes, [6, 9]);
        plan.call(ACCUMULATE64, [colsBytes, accAt + q * accStride + 8 * gi * Cog * K, Cog * K], [0]);
      }
    }
    plan.endChunk();
  }
  const heap = plan.place(accAt + runs * accStride, colsBytes + sBytes + gemmWorkBytes(Cog, K, P), planThreads(m, N * Cout * P * K));
  if (heap === null) return false;
  heap.set(dY.subarray(yOff, yOff + N * Cout * P), yAt / 4);
  heap.set(X.subarray(xOff, xOff + N * Cin * HW), xAt / 4);
  heap.fill(0, accAt / 4, (accAt + runs * accStride) / 4);
  plan.run();
  // The partials added into the first, run by run: slices of the sum may go to any thread.
  const total = new Plan(m), threads = planThreads(m, runs * Cout * K), slices = threads === 1 ? 1 : 4 * threads;
  for (let q = 0; q < slices; q++) {
    const [i0, i1] = evenRun(q, Cout * K, slices);
    for (let r = 1; r < runs; r++) total.call(ADD64, [accAt + r * accStride + 8 * i0, accAt + 8 * i0, i1 - i0]);
    total.endChunk();
  }
  const after = total.place(accAt + runs * accStride, 0, threads);
  if (after === null) return false;
  total.run();
  const sum = new Float64Array(after.buffer, accAt, Cout * K);
  dw.set(sum);
  return true;
}

/**
 * Forward convolution, NCHW: per image and group, im2col then out[Cout/g, P] = W_g · cols.
 * Bias is added by the op.
 */
export function conv2dKernel(x: StridedView, w: StridedView, a: Conv2dAttrs, make: Make): Storage {
  const [N, Cin, H, W] = x.shape;
  const Cout = w.shape[0];
  const G = a.groups;
  const OH = Math.floor((H + 2 * a.padding[0] - a.dilation[0] * (w.shape[2] - 1) - 1) / a.stride[0]) + 1;
  const OW = Math.floor((W + 2 * a.padding[1] - a.dilation[1] * (w.shape[3] - 1) - 1) / a.stride[1]) + 1;
  const g = geom(x.shape, w.shape, OH, OW, a);
  const P = OH * OW;
  const Cog = Cout / G;
  const K = g.C * g.kh * g.kw;
  const X = denseView(x);
  const Wt = denseView(w);
  const out = allocArray(x.dtype, N * Cout * P);
  const native = nativeKernels();
  if (native !== null && X.data instanceof Float32Array && Wt.data instanceof Float32Array) {
    native.conv2d(X.data, X.off, Wt.data, Wt.off, out as Float32Array, ...nativeGeometry(N, Cin, Cout, G, g));
    return make(x.dtype, out);
  }
  if (X.data instanceof Float32Array && Wt.data instanceof Float32Array && conv2dWasm(X.data, X.off, Wt.data, Wt.off, N, Cin, Cout, G, g, out as Float32Array)) {
    return make(x.dtype, out);
  }
  const direct = isPointwise(g);
  const cols = direct ? X.data : allocArray(x.dtype, K * P);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < G; gi++) {
      const xOff = X.off + (n * Cin + gi * g.C) * H * W;
      if (!direct) im2col(X.data, xOff, g, cols, P, 1);
      gemm(Cog, P, K, Wt.data, Wt.off + gi * Cog * K, K, 1, cols, direct ? xOff : 0, P, 1, out, (n * Cout + gi * Cog) * P);
    }
  }
  return make(x.dtype, out);
}

/** Gradient w.r.t. the input: cols = W_gᵀ · dY per image and group, folded back by col2im. */
export function conv2dBackwardInputKernel(gy: StridedView, w: StridedView, inputShape: readonly number[], a: Conv2dAttrs, make: Make): Storage {
  const [N, Cin, H, W] = inputShape;
  const [, Cout, OH, OW] = gy.shape;
  const G = a.groups;
  const g = geom(inputShape, w.shape, OH, OW, a);
  const P = OH * OW;
  const Cog = Cout / G;
  const K = g.C * g.kh * g.kw;
  const dY = denseView(gy);
  const Wt = denseView(w);
  const dx = allocArray(gy.dtype, N * Cin * H * W);
  const native = nativeKernels();
  if (native !== null && dY.data instanceof Float32Array && Wt.data instanceof Float32Array) {
    native.conv2dBackwardInput(dY.data, dY.off, Wt.data, Wt.off, dx as Float32Array, ...nativeGeometry(N, Cin, Cout, G, g));
    return make(gy.dtype, dx);
  }
  if (dY.data instanceof Float32Array && Wt.data instanceof Float32Array
    && conv2dBackwardInputWasm(dY.data, dY.off, Wt.data, Wt.off, N, Cin, Cout, G, g, dx as Float32Array)) {
    return make(gy.dtype, dx);
  }
  const direct = isPointwise(g);
  const cols = direct ? dx : allocArray(gy.dtype, K * P);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < G; gi++) {
      const xOff = (n * Cin + gi * g.C) * H * W;
      gemm(K, P, Cog, Wt.data, Wt.off + gi * Cog * K, 1, K, dY.data, dY.off + (n * Cout + gi * Cog) * P, P, 1, cols, direct ? xOff : 0);
      if (!direct) col2im(cols, g, dx, xOff);
    }
  }
  return make(gy.dtype, dx);
}

/** Gradient w.r.t. the weight: dW_g += dY_g · colsᵀ summed over images, cols unfolded as [P, K]. */
export function conv2dBackwardWeightKernel(gy: StridedView, x: StridedView, weightShape: readonly number[], a: Conv2dAttrs, make: Make): Storage {
  const [N, Cin, H, W] = x.shape;
  const [, Cout, OH, OW] = gy.shape;
  const G = a.groups;
  const g = geom(x.shape, weightShape, OH, OW, a);
  const P = OH * OW;
  const Cog = Cout / G;
  const K = g.C * g.kh * g.kw;
  const dY = denseView(gy);
  const X = denseView(x);
  if (dY.data instanceof Float32Array && X.data instanceof Float32Array) {
    const dw = new Float32Array(Cout * K);
    const native = nativeKernels();
    if (native !== null) {
      native.conv2dBackwardWeight(dY.data, dY.off, X.data, X.off, dw, ...nativeGeometry(N, Cin, Cout, G, g));
      return make(gy.dtype, dw);
    }
    if (conv2dBackwardWeightWasm(dY.data, dY.off, X.data, X.off, N, Cin, Cout, G, g, dw)) return make(gy.dtype, dw);
  }
  // The sum over images stays in float64 and rounds once, like the sum over pixels inside gemm.
  const acc = new Float64Array(Cout * K);
  const colsT = allocArray(gy.dtype, P * K);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < G; gi++) {
      im2col(X.data, X.off + (n * Cin + gi * g.C) * H * W, g, colsT, 1, K);
      gemm(Cog, K, P, dY.data, dY.off + (n * Cout + gi * Cog) * P, P, 1, colsT, 0, K, 1, acc, gi * Cog * K, true);
    }
  }
  const dw = allocArray(gy.dtype, Cout * K);
  dw.set(acc);
  return make(gy.dtype, dw);
}
