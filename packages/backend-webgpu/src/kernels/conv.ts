import { type Conv2dAttrs, type Pool2dAttrs, type StridedView, RuntimeError, dtypeTitle, isFloating } from '@flambeau/tensor';
import { type KernelHost, type WebGPUStorage, bufferOf } from '../storage.js';
import { fill } from './elementwise.js';
import { gemmGrid, gemmShader, kSplits } from './gemm.js';
import { reduce } from './reduce.js';
import { ATOMIC_ADD_F32, ENTRY, PRELUDE, groupsFor, numel, viewWords } from './wgsl.js';

/**
 * Convolution (NCHW, float32) as three implicit GEMMs on the tiled kernel of gemm.ts, batched
 * over groups; the im2col matrix is never materialised, its elements are computed in the loads:
 * - forward:         out[o, (n,oh,ow)]  = Σ_(c,kh,kw) W[o, (c,kh,kw)] · X̂[(c,kh,kw), (n,oh,ow)]
 * - backward input:  dX[c, (n,ih,iw)]   = Σ_(o,kh,kw) W[o, c, kh, kw] · dŶ[(o,kh,kw), (n,ih,iw)]
 *                    (dŶ: the output gradient at the position whose window puts (kh, kw) on (ih, iw))
 * - backward weight: dW[o, (c,kh,kw)]  = Σ_(n,oh,ow) dY[o, (n,oh,ow)] · X̂[(c,kh,kw), (n,oh,ow)]
 * Metadata after M K N: N C H W | O OH OW KH KW | sh sw ph pw dh dw | groups, then two
 * operands' 4-D strides + offset at 19.. and 24...
 */
function geometry(xShape: readonly number[], O: number, KH: number, KW: number, oh: number, ow: number, a: Conv2dAttrs): number[] {
  return [...xShape, O, oh, ow, KH, KW, ...a.stride, ...a.padding, ...a.dilation, a.groups];
}

const CONV_FNS = /* wgsl */ `
fn gi(k: u32) -> i32 { return i32(mt[k]); }
fn at4(b: u32, i0: u32, i1: u32, i2: i32, i3: i32) -> u32 {
  return u32(mi(b + 4u) + i32(i0) * mi(b) + i32(i1) * mi(b + 1u) + i2 * mi(b + 2u) + i3 * mi(b + 3u));
}
fn Cg() -> u32 { return mt[4] / mt[18]; }
fn Og() -> u32 { return mt[7] / mt[18]; }
fn KK() -> u32 { return mt[10] * mt[11]; }
// Input row of output row oh at tap kh (may fall in the padding).
fn inH(oh: i32, kh: u32) -> i32 { return oh * gi(12u) - gi(14u) + i32(kh) * gi(16u); }
fn inW(ow: i32, kw: u32) -> i32 { return ow * gi(13u) - gi(15u) + i32(kw) * gi(17u); }
`;

const IM2COL = /* wgsl */ `
// Element (c·KK + kh·KW + kw, (n, oh, ow)) of group g's im2col matrix, read from the input at 'base'.
fn im2col(base: u32, g: u32, k: u32, n: u32, oh: i32, ow: i32) -> f32 {
  let c = k / KK(); let kh = (k / mt[11]) % mt[10]; let kw = k % mt[11];
  let ih = inH(oh, kh); let iw = inW(ow, kw);
  if (ih < 0 || ih >= gi(5u) || iw < 0 || iw >= gi(6u)) { return 0.0; }
  return xb[at4(base, n, g * Cg() + c, ih, iw)];
}
`;

function bindings(first: string, second: string): string {
  return `
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
@group(0) @binding(2) var<storage, read> ${first}: array<f32>;
@group(0) @binding(3) var<storage, read> ${second}: array<f32>;`;
}

/**
 * The convolution kernels compute in floating point; integer tensors are refused (as CUDA's
 * convolutions are) instead of read as float bits. (The pooling ops refuse integers themselves.)
 */
function floatsOnly(op: string, ...views: StridedView[]): void {
  for (const v of views) {
    if (!isFloating(v.dtype)) throw new RuntimeError(`"${op}" not implemented for '${dtypeTitle(v.dtype)}' on webgpu: convert with .float() first`);
  }
}

function outSize(size: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

export function conv2d(k: KernelHost, x: StridedView, w: StridedView, a: Conv2dAttrs): WebGPUStorage {
  floatsOnly('conv2d', x, w);
  const [N, C, H, W] = x.shape;
  const [O, , KH, KW] = w.shape;
  const OH = outSize(H, KH, a.stride[0], a.padding[0], a.dilation[0]);
  const OW = outSize(W, KW, a.stride[1], a.padding[1], a.dilation[1]);
  const out = k.out('float32', N * O * OH * OW);
  const [M, K, NN] = [O / a.groups, (C / a.groups) * KH * KW, N * OH * OW];
  const code = gemmShader('f32', bindings('xb', 'wb'), `${CONV_FNS}${IM2COL}
fn loadA(g: u32, o: u32, k: u32) -> f32 {
  return wb[at4(24u, g * Og() + o, k / KK(), i32((k / mt[11]) % mt[10]), i32(k % mt[11]))];
}
fn loadB(g: u32, k: u32, col: u32) -> f32 {
  let L = mt[8] * mt[9];
  let l = col % L;
  return im2col(19u, g, k, col / L, i32(l / mt[9]), i32(l % mt[9]));
}
fn store(g: u32, part: u32, o: u32, col: u32, v: f32) {
  let L = mt[8] * mt[9];
  outb[((col / L) * mt[7] + g * Og() + o) * L + col % L] = v;
}`, M);
  const meta = [M, K, NN, ...geometry(x.shape, O, KH, KW, OH, OW, a), ...viewWords(x), ...viewWords(w)];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(x), bufferOf(w)], workgroups: M * NN, grid: gemmGrid(M, NN, a.groups) });
  return out;
}

export function conv2dBackwardInput(k: KernelHost, g: StridedView, w: StridedView, inputShape: readonly number[], a: Conv2dAttrs): WebGPUStorage {
  floatsOnly('conv2d_backward', g, w);
  const [N, C, H, W] = inputShape;
  const [O, , KH, KW] = w.shape;
  const [, , OH, OW] = g.shape;
  const out = k.out('float32', numel(inputShape));
  const [M, K, NN] = [C / a.groups, (O / a.groups) * KH * KW, N * H * W];
  const code = gemmShader('f32', bindings('gb', 'wb'), `${CONV_FNS}
fn loadA(grp: u32, c: u32, k: u32) -> f32 {
  return wb[at4(24u, grp * Og() + k / KK(), c, i32((k / mt[11]) % mt[10]), i32(k % mt[11]))];
}
fn loadB(grp: u32, k: u32, col: u32) -> f32 {
  let o = k / KK(); let kh = (k / mt[11]) % mt[10]; let kw = k % mt[11];
  let HW = mt[5] * mt[6];
  let n = col / HW; let ih = i32((col % HW) / mt[6]); let iw = i32(col % mt[6]);
  let th = ih + gi(14u) - i32(kh) * gi(16u); let tw = iw + gi(15u) - i32(kw) * gi(17u);
  if (th < 0 || tw < 0 || th % gi(12u) != 0 || tw % gi(13u) != 0) { return 0.0; }
  let oh = th / gi(12u); let ow = tw / gi(13u);
  if (oh >= gi(8u) || ow >= gi(9u)) { return 0.0; }
  return gb[at4(19u, n, grp * Og() + o, oh, ow)];
}
fn store(grp: u32, part: u32, c: u32, col: u32, v: f32) {
  let HW = mt[5] * mt[6];
  outb[((col / HW) * mt[4] + grp * Cg() + c) * HW + col % HW] = v;
}`, M);
  const meta = [M, K, NN, ...geometry(inputShape, O, KH, KW, OH, OW, a), ...viewWords(g), ...viewWords(w)];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(g), bufferOf(w)], workgroups: M * NN, grid: gemmGrid(M, NN, a.groups) });
  return out;
}

/**
 * The weight gradient sums over batch and positions (K = N·OH·OW, often far longer than the
 * output is wide), so it splits K: partial sums land in [splits, weight] and one reduction adds them.
 */
export function conv2dBackwardWeight(k: KernelHost, g: StridedView, x: StridedView, weightShape: readonly number[], a: Conv2dAttrs): WebGPUStorage {
  floatsOnly('conv2d_backward', g, x);
  const [N, C] = x.shape;
  const [O, , KH, KW] = weightShape;
  const [, , OH, OW] = g.shape;
  const total = numel(weightShape);
  const [M, K, NN] = [O / a.groups, N * OH * OW, (C / a.groups) * KH * KW];
  const splits = kSplits(M, NN, K, a.groups);
  const partial = k.out('float32', total * splits);
  const code = gemmShader('f32', bindings('gb', 'xb'), `${CONV_FNS}${IM2COL}
fn loadA(grp: u32, o: u32, k: u32) -> f32 {
  let L = mt[8] * mt[9];
  let l = k % L;
  return gb[at4(19u, k / L, grp * Og() + o, i32(l / mt[9]), i32(l % mt[9]))];
}
fn loadB(grp: u32, k: u32, col: u32) -> f32 {
  let L = mt[8] * mt[9];
  let l = k % L;
  return im2col(24u, grp, col, k / L, i32(l / mt[9]), i32(l % mt[9]));
}
fn store(grp: u32, part: u32, o: u32, col: u32, v: f32) { outb[part * mt[7] * Cg() * KK() + (grp * Og() + o) * Cg() * KK() + col] = v; }`, M, splits);
  const meta = [M, K, NN, ...geometry(x.shape, O, KH, KW, OH, OW, a), ...viewWords(g), ...viewWords(x)];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(partial), bufferOf(g), bufferOf(x)], workgroups: M * NN, grid: gemmGrid(M, NN, a.groups * splits) });
  if (splits === 1) return partial;
  const out = reduce(k, 'sum', { storage: partial, dtype: 'float32', shape: [splits, total], strides: [total, 1], offset: 0 }, [0], 'float32');
  partial.backend.dispose(partial);
  return out;
}

// ---------------------------------------------------------------- pooling

function poolOut(size: number, kk: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((size + 2 * p - d * (kk - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
}

function poolGeometry(shape: readonly number[], a: Pool2dAttrs): { planes: number; H: number; W: number; PH: number; PW: number; words: number[] } {
  const [N, C, H, W] = shape;
  const PH = poolOut(H, a.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0], a.ceilMode);
  const PW = poolOut(W, a.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1], a.ceilMode);
  // words: H W PH PW KH KW sh sw ph pw dh dw includePad divisor
  const words = [H, W, PH, PW, ...a.kernelSize, ...a.stride, ...a.padding, ...a.dilation, a.countIncludePad === false ? 0 : 1, a.divisorOverride ?? 0];
  return { planes: N * C, H, W, PH, PW, words };
}

const POOL_GEOM = /* wgsl */ `
  let H = i32(mt[1]); let W = i32(mt[2]); let PH = i32(mt[3]); let PW = i32(mt[4]); let KH = i32(mt[5]); let KW = i32(mt[6]);
  let sh = i32(mt[7]); let sw = i32(mt[8]); let ph = i32(mt[9]); let pw = i32(mt[10]); let dh = i32(mt[11]); let dw = i32(mt[12]);
  let includePad = mt[13] != 0u; let divisor = i32(mt[14]);
`;

/** Planes are read through 4-D strides (words 15..19), so channels-last or sliced inputs need no copy. */
const PLANE = /* wgsl */ `
fn xAt(plane: u32, C: u32, h: i32, w: i32) -> u32 {
  return u32(mi(19u) + i32(plane / C) * mi(15u) + i32(plane % C) * mi(16u) + h * mi(17u) + w * mi(18u));
}
`;

/** One thread per output element of a pooling pass: the shared header, geometry and dispatch. */
function poolKernel(k: KernelHost, n: number, decls: string, body: string, meta: number[], buffers: GPUBuffer[], fns = ''): void {
  const code = `${PRELUDE}${PLANE}${fns}
${decls}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${POOL_GEOM}
  let C = mt[20];
  ${body}
}`;
  k.ctx.dispatch({ code, meta, buffers, workgroups: groupsFor(n) });
}

export function maxPool2d(k: KernelHost, x: StridedView, a: Pool2dAttrs): [WebGPUStorage, WebGPUStorage] {
  const gm = poolGeometry(x.shape, a);
  const n = gm.planes * gm.PH * gm.PW;
  const vals = k.out('float32', n), idx = k.out('int64', n);
  poolKernel(k, n, `
@group(0) @binding(1) var<storage, read_write> vb: array<f32>;
@group(0) @binding(2) var<storage, read_write> ib: array<i32>;
@group(0) @binding(3) var<storage, read> xb: array<f32>;`, `
  let ow = i32(i % u32(PW)); let oh = i32((i / u32(PW)) % u32(PH)); let plane = i / u32(PW * PH);
  var best = -infF(); var bi = -1i;
  for (var kh = 0i; kh < KH; kh++) {
    let ih = oh * sh - ph + kh * dh;
    if (ih < 0 || ih >= H) { continue; }
    for (var kw = 0i; kw < KW; kw++) {
      let iw = ow * sw - pw + kw * dw;
      if (iw < 0 || iw >= W) { continue; }
      let v = xb[xAt(plane, C, ih, iw)];
      // As PyTorch's kernels: a NaN always takes the place, so the last NaN of the window wins.
      if (bi < 0 || v > best || isNanF(v)) { best = v; bi = ih * W + iw; }
    }
  }
  vb[i] = best; ib[i] = bi;`, [n, ...gm.words, ...viewWords(x), x.shape[1]], [bufferOf(vals), bufferOf(idx), bufferOf(x)]);
  return [vals, idx];
}

/**
 * Max-pool backward scatters each gradient to its argmax: overlapping windows may send several to
 * one pixel, so the add is an atomic compare-and-swap loop on the float's bits.
 */
export function maxPool2dBackward(k: KernelHost, g: StridedView, indices: StridedView, inputShape: readonly number[]): WebGPUStorage {
  const [N, C, H, W] = inputShape;
  const out = k.out('float32', numel(inputShape));
  fill(k, { storage: out, dtype: 'float32', shape: [N * C * H * W], strides: [1], offset: 0 }, 0);
  const [, , PH, PW] = g.shape;
  const n = N * C * PH * PW;
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read> gb: array<f32>;
@group(0) @binding(3) var<storage, read> ib: array<i32>;
${ATOMIC_ADD_F32}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  let rank = 4u;
  let gv = gb[stridedOffset(i, rank, 1u, 5u)];
  let ix = ib[stridedOffset(i, rank, 1u, 10u)];
  let plane = i / (mt[3] * mt[4]);
  atomicAddF32(plane * mt[15] + u32(ix), gv);
}`;
  const meta = [n, ...g.shape, ...viewWords(g), ...viewWords(indices), H * W];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(g), bufferOf(indices)], workgroups: groupsFor(n) });
  return out;
}

const POOL_IO = `
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
@group(0) @binding(2) var<storage, read> xb: array<f32>;`;

/** PyTorch's avg-pool window of output (oh, ow): clipped bounds and divisor. */
const AVG_WINDOW = /* wgsl */ `
struct Win { h0: i32, h1: i32, w0: i32, w1: i32, div: f32 }
fn avgWindow(oh: i32, ow: i32, H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, ph: i32, pw: i32, includePad: bool, divisor: i32) -> Win {
  var h0 = oh * sh - ph; var w0 = ow * sw - pw;
  var h1 = min(h0 + KH, H + ph); var w1 = min(w0 + KW, W + pw);
  let poolSize = (h1 - h0) * (w1 - w0);
  h0 = max(h0, 0); w0 = max(w0, 0); h1 = min(h1, H); w1 = min(w1, W);
  var d = select((h1 - h0) * (w1 - w0), poolSize, includePad);
  if (divisor != 0) { d = divisor; }
  return Win(h0, h1, w0, w1, f32(d));
}
`;

export function avgPool2d(k: KernelHost, x: StridedView, a: Pool2dAttrs): WebGPUStorage {
  const gm = poolGeometry(x.shape, a);
  const n = gm.planes * gm.PH * gm.PW;
  const out = k.out('float32', n);
  poolKernel(k, n, POOL_IO, `
  let ow = i32(i % u32(PW)); let oh = i32((i / u32(PW)) % u32(PH)); let plane = i / u32(PW * PH);
  let win = avgWindow(oh, ow, H, W, KH, KW, sh, sw, ph, pw, includePad, divisor);
  var acc = 0.0;
  for (var h = win.h0; h < win.h1; h++) { for (var w = win.w0; w < win.w1; w++) { acc += xb[xAt(plane, C, h, w)]; } }
  outb[i] = acc / win.div;`, [n, ...gm.words, ...viewWords(x), x.shape[1]], [bufferOf(out), bufferOf(x)], AVG_WINDOW);
  return out;
}

export function avgPool2dBackward(k: KernelHost, g: StridedView, inputShape: readonly number[], a: Pool2dAttrs): WebGPUStorage {
  const gm = poolGeometry(inputShape, a);
  const n = gm.planes * gm.H * gm.W;
  const out = k.out('float32', n);
  // One thread per input pixel; the gradient is read through its own strides (words 15..19) via xAt.
  poolKernel(k, n, POOL_IO, `
  let iw = i32(i % u32(W)); let ih = i32((i / u32(W)) % u32(H)); let plane = i / u32(W * H);
  var acc = 0.0;
  let ohLo = max(0, (ih + ph - KH + sh) / sh); let ohHi = min(PH - 1, (ih + ph) / sh);
  let owLo = max(0, (iw + pw - KW + sw) / sw); let owHi = min(PW - 1, (iw + pw) / sw);
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      let win = avgWindow(oh, ow, H, W, KH, KW, sh, sw, ph, pw, includePad, divisor);
      if (ih >= win.h0 && ih < win.h1 && iw >= win.w0 && iw < win.w1) { acc += xb[xAt(plane, C, oh, ow)] / win.div; }
    }
  }
  outb[i] = acc;`, [n, ...gm.words, ...viewWords(g), inputShape[1]], [bufferOf(out), bufferOf(g)], AVG_WINDOW);
  return out;
}
