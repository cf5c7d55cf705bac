/**
 * Convolution and pooling on tfjs kernels. Flambeau is NCHW, tfjs NHWC: a convolution transposes
 * its inputs to NHWC and its output back, once (see the README for what that costs); weights go
 * from OIHW to tfjs's HWIO; groups run as one tfjs convolution per group. Pooling needs no
 * transpose: it works per channel, so NCHW is N*C one-channel NHWC images.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { type Conv2dAttrs, type Pool2dAttrs, type StridedView } from '@flambeau/tensor';
import { run, tf } from './tfjs.js';
import { castTo, reshape, transpose, viewOffsets, viewTensor } from './views.js';

const toNHWC = (t: TF.Tensor) => transpose(t, [0, 2, 3, 1]);
const toNCHW = (t: TF.Tensor) => transpose(t, [0, 3, 1, 2]);
const toHWIO = (w: TF.Tensor) => transpose(w, [2, 3, 1, 0]);
const fromHWIO = (w: TF.Tensor) => transpose(w, [3, 2, 0, 1]);

function explicitPad(p: readonly [number, number]): [number, number][] {
  return [[0, 0], [p[0], p[0]], [p[1], p[1]], [0, 0]];
}

/** Channel block `g` of `n` blocks along the last axis of an NHWC / HWIO tensor. */
function block(t: TF.Tensor, g: number, n: number): TF.Tensor {
  if (n === 1) return t;
  const last = t.shape.length - 1;
  const size = t.shape.slice();
  const c = t.shape[last] / n;
  size[last] = c;
  return run('Slice', { x: t }, { begin: t.shape.map((_, i) => (i === last ? g * c : 0)), size });
}

function concatLast(parts: TF.Tensor[]): TF.Tensor {
  return parts.length === 1 ? parts[0] : run('Concat', parts as unknown as Record<string, TF.Tensor>, { axis: parts[0].shape.length - 1 });
}

const dilated = (a: { dilation: [number, number] }) => a.dilation[0] > 1 || a.dilation[1] > 1;

/** Whether tfjs's convolution backward kernels can run these attributes (they take no dilation). */
export function convBackwardNative(a: Conv2dAttrs): boolean {
  return !dilated(a);
}

export function conv2d(xv: StridedView, wv: StridedView, a: Conv2dAttrs): TF.Tensor {
  const x = toNHWC(viewTensor(xv));
  const w = toHWIO(viewTensor(wv));
  // tfjs refuses strides and dilations both above 1: convolve densely, then subsample.
  const both = dilated(a) && (a.stride[0] > 1 || a.stride[1] > 1);
  const strides = both ? [1, 1] : a.stride;
  const parts = [];
  for (let g = 0; g < a.groups; g++) {
    parts.push(run('Conv2D', { x: block(x, g, a.groups), filter: block(w, g, a.groups) }, {
      strides, pad: explicitPad(a.padding), dataFormat: 'NHWC', dilations: a.dilation,
    }));
  }
  let y = concatLast(parts);
  if (both) {
    y = run('StridedSlice', { x: y }, {
      begin: [0, 0, 0, 0], end: y.shape, strides: [1, a.stride[0], a.stride[1], 1],
      beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
    });
  }
  return toNCHW(y);
}

export function conv2dBackwardInput(gv: StridedView, wv: StridedView, inputShape: readonly number[], a: Conv2dAttrs): TF.Tensor {
  const dy = toNHWC(viewTensor(gv));
  const w = toHWIO(viewTensor(wv));
  const [n, c, h, wd] = inputShape;
  const parts = [];
  for (let g = 0; g < a.groups; g++) {
    parts.push(run('Conv2DBackpropInput', { dy: block(dy, g, a.groups), filter: block(w, g, a.groups) }, {
      strides: a.stride, pad: explicitPad(a.padding), dataFormat: 'NHWC', inputShape: [n, h, wd, c / a.groups],
    }));
  }
  return toNCHW(concatLast(parts));
}

export function conv2dBackwardWeight(gv: StridedView, xv: StridedView, weightShape: readonly number[], a: Conv2dAttrs): TF.Tensor {
  const dy = toNHWC(viewTensor(gv));
  const x = toNHWC(viewTensor(xv));
  const [o, i, kh, kw] = weightShape;
  const parts = [];
  for (let g = 0; g < a.groups; g++) {
    parts.push(run('Conv2DBackpropFilter', { x: block(x, g, a.groups), dy: block(dy, g, a.groups) }, {
      strides: a.stride, pad: explicitPad(a.padding), dataFormat: 'NHWC', filterShape: [kh, kw, i, o / a.groups],
    }));
  }
  return fromHWIO(concatLast(parts));
}

/** PyTorch's pooled size along one dim. */
function pooledSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

interface PoolGeometry { oh: number; ow: number; padded: [number, number][]; hp: number; wp: number }

/** Output size and the explicit padding (PyTorch's, plus what ceil mode's last window overhangs). */
function geometry(inputShape: readonly number[], a: Pool2dAttrs): PoolGeometry {
  const [, , h, w] = inputShape;
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const oh = pooledSize(h, kh, sh, ph, 1, a.ceilMode);
  const ow = pooledSize(w, kw, sw, pw, 1, a.ceilMode);
  const extraH = Math.max(0, (oh - 1) * sh + kh - (h + 2 * ph));
  const extraW = Math.max(0, (ow - 1) * sw + kw - (w + 2 * pw));
  return { oh, ow, padded: [[0, 0], [ph, ph + extraH], [pw, pw + extraW], [0, 0]], hp: h + 2 * ph + extraH, wp: w + 2 * pw + extraW };
}

function pad(x: TF.Tensor, g: PoolGeometry, value: number): TF.Tensor {
  return g.padded.every(([l, r]) => l === 0 && r === 0) ? x : run('PadV2', { x }, { paddings: g.padded, constantValue: value });
}

/**
 * Max pooling as an unfold: the taps of every window are gathered from the padded planes (their
 * offsets are geometry, computed on the host), then reduced with Max and ArgMax. No NHWC round
 * trip, dilation included, and PyTorch's flat plane index comes from a host table of the taps.
 */
export function maxPool2d(xv: StridedView, a: Pool2dAttrs): [TF.Tensor, TF.Tensor] {
  const [n, c, h, w] = xv.shape;
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  const [dh, dw] = a.dilation;
  const oh = pooledSize(h, kh, sh, ph, dh, a.ceilMode);
  const ow = pooledSize(w, kw, sw, pw, dw, a.ceilMode);
  const kk = kh * kw;
  // Taps outside the image read slot h*w of the plane, a -Infinity appended to each plane.
  const taps = new Int32Array(oh * ow * kk);
  const plane = new Int32Array(oh * ow * kk);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
    const y = i * sh - ph + u * dh;
    const x = j * sw - pw + v * dw;
    const t = ((i * ow + j) * kh + u) * kw + v;
    const inside = y >= 0 && y < h && x >= 0 && x < w;
    taps[t] = inside ? y * w + x : h * w;
    plane[t] = inside ? y * w + x : 0;
  }
  const planes = reshape(viewTensor(xv), [n * c, h * w]);
  const padded = run('PadV2', { x: planes }, { paddings: [[0, 0], [0, 1]], constantValue: -Infinity });
  const windows = reshape(run('GatherV2', { x: padded, indices: tf.tensor1d(taps, 'int32') }, { axis: 1, batchDims: 0 }), [n * c, oh * ow, kk]);
  let values = run('Max', { x: windows }, { reductionIndices: [2], keepDims: false });
  let arg = castTo(run('ArgMax', { x: windows }, { axis: 2 }), 'int32');
  // tfjs's Max and ArgMax skip NaN; PyTorch's max pool returns NaN with the index of the window's
  // last NaN (its scan takes every NaN it meets): ArgMax of the NaN mask times a 1..kk ramp.
  const nan = run('IsNan', { x: windows });
  const anyNan = run('Any', { x: nan }, { axis: [2], keepDims: false });
  const ramp = tf.tensor(Int32Array.from({ length: kk }, (_, i) => i + 1), [1, 1, kk], 'int32');
  const lastNan = castTo(run('ArgMax', { x: run('Multiply', { a: castTo(nan, 'int32'), b: ramp }) }, { axis: 2 }), 'int32');
  values = run('Select', { condition: anyNan, t: run('Fill', {}, { shape: values.shape, value: NaN, dtype: 'float32' }), e: values });
  arg = run('Select', { condition: anyNan, t: lastNan, e: arg });
  const at = run('Add', { a: arg, b: tf.tensor(Int32Array.from({ length: oh * ow }, (_, p) => p * kk), [1, oh * ow], 'int32') });
  const idx = run('GatherV2', { x: tf.tensor1d(plane, 'int32'), indices: at }, { axis: 0, batchDims: 0 });
  return [reshape(values, [n, c, oh, ow]), reshape(idx, [n, c, oh, ow])];
}

export function maxPool2dBackward(gv: StridedView, iv: StridedView, inputShape: readonly number[]): TF.Tensor {
  const [n, c, h, w] = inputShape;
  const plane = h * w;
  const base = viewOffsets(gv.shape, [c * plane, plane, 0, 0], 0);
  const at = run('Add', { a: tf.tensor(base, [...gv.shape], 'int32'), b: castTo(viewTensor(iv), 'int32') });
  const size = gv.shape.reduce((p, q) => p * q, 1);
  const dx = run('ScatterNd', { indices: reshape(at, [size, 1]), updates: reshape(viewTensor(gv), [size]) }, { shape: [n * c * plane] });
  return reshape(dx, inputShape);
}

/** PyTorch's avg-pool divisor of every output position, [OH, OW, 1] (geometry only). */
function divisors(inputShape: readonly number[], a: Pool2dAttrs, g: PoolGeometry): TF.Tensor {
  const [, , h, w] = inputShape;
  const out = new Float32Array(g.oh * g.ow);
  const span = (o: number, k: number, s: number, p: number, n: number) => {
    const start = o * s - p;
    const end = Math.min(start + k, n + p);
    const whole = end - start;
    return [whole, Math.min(end, n) - Math.max(start, 0)];
  };
  for (let i = 0; i < g.oh; i++) {
    const [wholeH, innerH] = span(i, a.kernelSize[0], a.stride[0], a.padding[0], h);
    for (let j = 0; j < g.ow; j++) {
      const [wholeW, innerW] = span(j, a.kernelSize[1], a.stride[1], a.padding[1], w);
      out[i * g.ow + j] = a.divisorOverride ? a.divisorOverride : a.countIncludePad !== false ? wholeH * wholeW : innerH * innerW;
    }
  }
  return tf.tensor(out, [g.oh, g.ow, 1], 'float32');
}

/** NCHW as N*C one-channel NHWC images: pooling is per channel, so no transpose is needed. */
const asImages = (t: TF.Tensor, [n, c, h, w]: readonly number[]) => reshape(t, [n * c, h, w, 1]);

export function avgPool2d(xv: StridedView, a: Pool2dAttrs): TF.Tensor {
  const g = geometry(xv.shape, a);
  const [n, c] = xv.shape;
  const x = pad(asImages(viewTensor(xv), xv.shape), g, 0);
  // tfjs averages over whole windows of the padded image: back to sums, then PyTorch's divisor.
  const area = a.kernelSize[0] * a.kernelSize[1];
  const mean = run('AvgPool', { x }, { filterSize: a.kernelSize, strides: a.stride, pad: 'valid' });
  const sums = run('Multiply', { a: mean, b: tf.scalar(area) });
  return reshape(run('RealDiv', { a: sums, b: divisors(xv.shape, a, g) }), [n, c, g.oh, g.ow]);
}

export function avgPool2dBackward(gv: StridedView, inputShape: readonly number[], a: Pool2dAttrs): TF.Tensor {
  const g = geometry(inputShape, a);
  const [n, c, h, w] = inputShape;
  const area = a.kernelSize[0] * a.kernelSize[1];
  const dy = run('Multiply', { a: run('RealDiv', { a: asImages(viewTensor(gv), gv.shape), b: divisors(inputShape, a, g) }), b: tf.scalar(area) });
  const input = run('Fill', {}, { shape: [n * c, g.hp, g.wp, 1], value: 0, dtype: 'float32' });
  const dx = run('AvgPoolGrad', { dy, input }, { filterSize: a.kernelSize, strides: a.stride, pad: 'valid' });
  const inner = run('Slice', { x: dx }, { begin: [0, g.padded[1][0], g.padded[2][0], 0], size: [n * c, h, w, 1] });
  return reshape(inner, inputShape);
}
