import type { Conv2dAttrs, Pool2dAttrs, StridedView } from '@flambeau/tensor';
import { type KernelHost, type WebGPUStorage, bufferOf } from '../storage.js';
import { ENTRY, PRELUDE, groupsFor, numel, viewWords } from './wgsl.js';

/**
 * Convolution and pooling (NCHW, float32), one thread per output element of each pass:
 * forward walks its receptive field, backward-input walks the outputs whose windows cover its
 * pixel (stride divisibility decides the taps), backward-weight sums over batch and positions.
 * Geometry words: N C H W | O OH OW KH KW | sh sw ph pw dh dw | groups, then x/w/g strides+offset.
 */
function geometry(xShape: readonly number[], wShape: readonly number[], oh: number, ow: number, a: Conv2dAttrs): number[] {
  return [...xShape, wShape[0], oh, ow, wShape[2], wShape[3], ...a.stride, ...a.padding, ...a.dilation, a.groups];
}

const GEOM_DECL = /* wgsl */ `
  let N = mt[1]; let C = mt[2]; let H = i32(mt[3]); let W = i32(mt[4]);
  let O = mt[5]; let OH = i32(mt[6]); let OW = i32(mt[7]); let KH = mt[8]; let KW = mt[9];
  let sh = i32(mt[10]); let sw = i32(mt[11]); let ph = i32(mt[12]); let pw = i32(mt[13]); let dh = i32(mt[14]); let dw = i32(mt[15]);
  let G = mt[16]; let Cg = C / G; let Og = O / G;
`;

const HEAD = (bufs: string[]) => `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
${bufs.map((b, i) => `@group(0) @binding(${i + 2}) var<storage, read> ${b}: array<f32>;`).join('\n')}
fn at4(b: u32, i0: u32, i1: u32, i2: i32, i3: i32) -> u32 {
  return u32(mi(b + 4u) + i32(i0) * mi(b) + i32(i1) * mi(b + 1u) + i2 * mi(b + 2u) + i3 * mi(b + 3u));
}
`;

function outSize(size: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

export function conv2d(k: KernelHost, x: StridedView, w: StridedView, a: Conv2dAttrs): WebGPUStorage {
  const [N, , H, W] = x.shape;
  const [O, , KH, KW] = w.shape;
  const OH = outSize(H, KH, a.stride[0], a.padding[0], a.dilation[0]);
  const OW = outSize(W, KW, a.stride[1], a.padding[1], a.dilation[1]);
  const n = N * O * OH * OW;
  const out = k.out('float32', n);
  const code = `${HEAD(['xb', 'wb'])}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${GEOM_DECL}
  let ow = i32(i % u32(OW)); let oh = i32((i / u32(OW)) % u32(OH)); let o = (i / u32(OW * OH)) % O; let nn = i / (u32(OW * OH) * O);
  let g = o / Og;
  var acc = 0.0;
  for (var c = 0u; c < Cg; c++) {
    for (var kh = 0u; kh < KH; kh++) {
      let ih = oh * sh - ph + i32(kh) * dh;
      if (ih < 0 || ih >= H) { continue; }
      for (var kw = 0u; kw < KW; kw++) {
        let iw = ow * sw - pw + i32(kw) * dw;
        if (iw < 0 || iw >= W) { continue; }
        acc += xb[at4(17u, nn, g * Cg + c, ih, iw)] * wb[at4(22u, o, c, i32(kh), i32(kw))];
      }
    }
  }
  outb[i] = acc;
}`;
  const meta = [n, ...geometry(x.shape, w.shape, OH, OW, a), ...viewWords(x), ...viewWords(w)];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(x), bufferOf(w)], workgroups: groupsFor(n) });
  return out;
}

export function conv2dBackwardInput(k: KernelHost, g: StridedView, w: StridedView, inputShape: readonly number[], a: Conv2dAttrs): WebGPUStorage {
  const n = numel(inputShape);
  const out = k.out('float32', n);
  const [, , OH, OW] = g.shape;
  const code = `${HEAD(['gb', 'wb'])}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${GEOM_DECL}
  let iw = i32(i % u32(W)); let ih = i32((i / u32(W)) % u32(H)); let c = (i / u32(W * H)) % C; let nn = i / (u32(W * H) * C);
  let grp = c / Cg; let cl = c % Cg;
  var acc = 0.0;
  for (var ol = 0u; ol < Og; ol++) {
    let o = grp * Og + ol;
    for (var kh = 0u; kh < KH; kh++) {
      let th = ih + ph - i32(kh) * dh;
      if (th < 0 || th % sh != 0) { continue; }
      let oh = th / sh;
      if (oh >= OH) { continue; }
      for (var kw = 0u; kw < KW; kw++) {
        let tw = iw + pw - i32(kw) * dw;
        if (tw < 0 || tw % sw != 0) { continue; }
        let ow = tw / sw;
        if (ow >= OW) { continue; }
        acc += gb[at4(17u, nn, o, oh, ow)] * wb[at4(22u, o, cl, i32(kh), i32(kw))];
      }
    }
  }
  outb[i] = acc;
}`;
  const meta = [n, ...geometry(inputShape, w.shape, OH, OW, a), ...viewWords(g), ...viewWords(w)];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(g), bufferOf(w)], workgroups: groupsFor(n) });
  return out;
}

export function conv2dBackwardWeight(k: KernelHost, g: StridedView, x: StridedView, weightShape: readonly number[], a: Conv2dAttrs): WebGPUStorage {
  const n = numel(weightShape);
  const out = k.out('float32', n);
  const [, , OH, OW] = g.shape;
  const code = `${HEAD(['gb', 'xb'])}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${GEOM_DECL}
  let kw = i32(i % KW); let kh = i32((i / KW) % KH); let cl = (i / (KW * KH)) % Cg; let o = i / (KW * KH * Cg);
  let c = (o / Og) * Cg + cl;
  var acc = 0.0;
  for (var nn = 0u; nn < N; nn++) {
    for (var oh = 0i; oh < OH; oh++) {
      let ih = oh * sh - ph + kh * dh;
      if (ih < 0 || ih >= H) { continue; }
      for (var ow = 0i; ow < OW; ow++) {
        let iw = ow * sw - pw + kw * dw;
        if (iw < 0 || iw >= W) { continue; }
        acc += gb[at4(17u, nn, o, oh, ow)] * xb[at4(22u, nn, c, ih, iw)];
      }
    }
  }
  outb[i] = acc;
}`;
  const meta = [n, ...geometry(x.shape, weightShape, OH, OW, a), ...viewWords(g), ...viewWords(x)];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(g), bufferOf(x)], workgroups: groupsFor(n) });
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

export function maxPool2d(k: KernelHost, x: StridedView, a: Pool2dAttrs): [WebGPUStorage, WebGPUStorage] {
  const gm = poolGeometry(x.shape, a);
  const n = gm.planes * gm.PH * gm.PW;
  const vals = k.out('float32', n), idx = k.out('int64', n);
  const code = `${PRELUDE}${PLANE}
@group(0) @binding(1) var<storage, read_write> vb: array<f32>;
@group(0) @binding(2) var<storage, read_write> ib: array<i32>;
@group(0) @binding(3) var<storage, read> xb: array<f32>;
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${POOL_GEOM}
  let C = mt[20];
  let ow = i32(i % u32(PW)); let oh = i32((i / u32(PW)) % u32(PH)); let plane = i / u32(PW * PH);
  var best = -infF(); var bi = -1i;
  for (var kh = 0i; kh < KH; kh++) {
    let ih = oh * sh - ph + kh * dh;
    if (ih < 0 || ih >= H) { continue; }
    for (var kw = 0i; kw < KW; kw++) {
      let iw = ow * sw - pw + kw * dw;
      if (iw < 0 || iw >= W) { continue; }
      let v = xb[xAt(plane, C, ih, iw)];
      if (bi < 0 || (!isNanF(best) && (v > best || isNanF(v)))) { best = v; bi = ih * W + iw; }
    }
  }
  vb[i] = best; ib[i] = bi;
}`;
  const meta = [n, ...gm.words, ...viewWords(x), x.shape[1]];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(vals), bufferOf(idx), bufferOf(x)], workgroups: groupsFor(n) });
  return [vals, idx];
}

/**
 * Max-pool backward scatters each gradient to its argmax: overlapping windows may send several to
 * one pixel, so the add is an atomic compare-and-swap loop on the float's bits.
 */
export function maxPool2dBackward(k: KernelHost, g: StridedView, indices: StridedView, inputShape: readonly number[]): WebGPUStorage {
  const [N, C, H, W] = inputShape;
  const out = k.out('float32', numel(inputShape));
  const zero = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
${ENTRY} { let i = linearId(gid, nwg); if (i < mt[0]) { outb[i] = 0.0; } }`;
  k.ctx.dispatch({ code: zero, meta: [N * C * H * W], buffers: [bufferOf(out)], workgroups: groupsFor(N * C * H * W) });
  const [, , PH, PW] = g.shape;
  const n = N * C * PH * PW;
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read> gb: array<f32>;
@group(0) @binding(3) var<storage, read> ib: array<i32>;
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  let rank = 4u;
  let gv = gb[stridedOffset(i, rank, 1u, 5u)];
  let ix = ib[stridedOffset(i, rank, 1u, 10u)];
  let plane = i / (mt[3] * mt[4]);
  let dst = plane * mt[15] + u32(ix);
  var old = atomicLoad(&outb[dst]);
  loop {
    let r = atomicCompareExchangeWeak(&outb[dst], old, bitcast<u32>(bitcast<f32>(old) + gv));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`;
  const meta = [n, ...g.shape, ...viewWords(g), ...viewWords(indices), H * W];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(g), bufferOf(indices)], workgroups: groupsFor(n) });
  return out;
}

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
  const code = `${PRELUDE}${PLANE}${AVG_WINDOW}
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
@group(0) @binding(2) var<storage, read> xb: array<f32>;
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${POOL_GEOM}
  let C = mt[20];
  let ow = i32(i % u32(PW)); let oh = i32((i / u32(PW)) % u32(PH)); let plane = i / u32(PW * PH);
  let win = avgWindow(oh, ow, H, W, KH, KW, sh, sw, ph, pw, includePad, divisor);
  var acc = 0.0;
  for (var h = win.h0; h < win.h1; h++) { for (var w = win.w0; w < win.w1; w++) { acc += xb[xAt(plane, C, h, w)]; } }
  outb[i] = acc / win.div;
}`;
  const meta = [n, ...gm.words, ...viewWords(x), x.shape[1]];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(x)], workgroups: groupsFor(n) });
  return out;
}

export function avgPool2dBackward(k: KernelHost, g: StridedView, inputShape: readonly number[], a: Pool2dAttrs): WebGPUStorage {
  const gm = poolGeometry(inputShape, a);
  const n = gm.planes * gm.H * gm.W;
  const out = k.out('float32', n);
  // The gradient is read through its own 4-D strides (words 15..19) via xAt.
  const code = `${PRELUDE}${PLANE}${AVG_WINDOW}
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
@group(0) @binding(2) var<storage, read> xb: array<f32>;
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${POOL_GEOM}
  let C = mt[20];
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
  outb[i] = acc;
}`;
  const meta = [n, ...gm.words, ...viewWords(g), inputShape[1]];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(g)], workgroups: groupsFor(n) });
  return out;
}
