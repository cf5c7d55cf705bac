import type { Conv2dAttrs, StridedView } from '../backend.js';
import { type Attrs, defineOp } from '../dispatcher.js';
import { RuntimeError } from '../errors.js';
import { contiguousStrides, fmtShape } from '../shape.js';
import { type Tensor, dtypeTitle } from '../tensor.js';
import { commonBackend, fromStorage } from './util.js';

/** An int or an [h, w] pair, as PyTorch's `_pair`. */
export function pair(v: unknown, name: string): [number, number] {
  const p = typeof v === 'number' ? [v, v] : (v as number[]);
  if (!Array.isArray(p) || (p.length !== 1 && p.length !== 2) || p.some((x) => !Number.isInteger(x))) {
    throw new RuntimeError(`expected ${name} to be a single integer value or a list of 2 values to match the convolution dimensions, but got ${name}=${JSON.stringify(v).replace(/,/g, ', ')}`);
  }
  return p.length === 1 ? [p[0], p[0]] : [p[0], p[1]];
}

/** Normalises and checks `{stride, padding, dilation, groups}` (defaults 1, 0, 1, 1). */
export function convAttrs(attrs: Attrs): Conv2dAttrs {
  const a: Conv2dAttrs = {
    stride: pair(attrs.stride ?? 1, 'stride'),
    padding: pair(attrs.padding ?? 0, 'padding'),
    dilation: pair(attrs.dilation ?? 1, 'dilation'),
    groups: (attrs.groups as number | undefined) ?? 1,
  };
  if (a.stride.some((s) => s <= 0)) throw new RuntimeError('non-positive stride is not supported');
  if (a.padding.some((p) => p < 0)) throw new RuntimeError('negative padding is not supported');
  if (a.dilation.some((d) => d <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got ${fmtShape(a.dilation)}`);
  if (!Number.isInteger(a.groups) || a.groups <= 0) throw new RuntimeError('non-positive groups is not supported');
  return a;
}

/** Spatial output size of a convolution along one axis. */
export function convOutputSize(size: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

function checkDtypes(x: Tensor, w: Tensor): void {
  if (x.dtype !== w.dtype) throw new RuntimeError(`expected scalar type ${dtypeTitle(x.dtype)} but found ${dtypeTitle(w.dtype)}`);
  if (x.dtype === 'bool') throw new RuntimeError(`"slow_conv2d_cpu" not implemented for 'Bool'`);
}

/** The weight-related checks shared by forward and both backward ops; `x` is the (batched) input shape. */
function checkWeight(xShape: readonly number[], w: Tensor, a: Conv2dAttrs, shown: readonly number[], transposed: boolean): void {
  if (w.ndim !== 4) {
    throw new RuntimeError(`Expected 4-dimensional weight for 4-dimensional input ${fmtShape(shown)}, but got ${w.ndim}-dimensional weight of size ${fmtShape(w.shape)} instead`);
  }
  if (w.shape[0] % a.groups !== 0) {
    throw new RuntimeError(`Given groups=${a.groups}, expected weight to be divisible by ${a.groups} at dimension 0, but got weight of size [${fmtShape(w.shape)}] instead`);
  }
  const channels = transposed ? w.shape[0] : w.shape[1] * a.groups;
  if (xShape[1] !== channels) {
    throw new RuntimeError(`Given ${transposed ? 'transposed=1' : `groups=${a.groups}`}, weight of size ${fmtShape(w.shape)}, expected input${fmtShape(shown)} to have ${channels} channels, but got ${xShape[1]} channels instead`);
  }
}

function checkKernelFits(xShape: readonly number[], w: Tensor, a: Conv2dAttrs): void {
  const padded = [xShape[2] + 2 * a.padding[0], xShape[3] + 2 * a.padding[1]];
  const k = [a.dilation[0] * (w.shape[2] - 1) + 1, a.dilation[1] * (w.shape[3] - 1) + 1];
  if (padded[0] < k[0] || padded[1] < k[1]) {
    throw new RuntimeError(`Calculated padded input size per channel: (${padded[0]} x ${padded[1]}). Kernel size: (${k[0]} x ${k[1]}). Kernel size can't be greater than actual input size`);
  }
}

function checkRank(t: Tensor, what: string): boolean {
  if (t.ndim !== 3 && t.ndim !== 4) {
    throw new RuntimeError(`Expected 3D (unbatched) or 4D (batched) input to ${what}, but got input of size: ${fmtShape(t.shape)}`);
  }
  return t.ndim === 4;
}

/** A 4-D batched shape for a possibly unbatched (3-D) one. */
function batchedShape(s: readonly number[]): number[] {
  return s.length === 3 ? [1, ...s] : [...s];
}

/** Bias broadcast over [N, C, H, W] without a copy. */
function channelView(bias: Tensor, shape: readonly number[]): StridedView {
  return { storage: bias.storage, dtype: bias.dtype, shape, strides: [0, bias.strides[0], 0, 0], offset: bias.offset };
}

/**
 * `F.conv2d(x, weight, bias?, stride, padding, dilation, groups)` over NCHW (or unbatched CHW)
 * input. Inputs `[x, weight]` or `[x, weight, bias]`.
 */
defineOp('primitive', 'conv2d(Tensor input, Tensor weight, Tensor? bias, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor', ([x, w, bias], attrs: Attrs) => {
  const backend = commonBackend(bias ? [x, w, bias] : [x, w]);
  const batched = checkRank(x, 'conv2d');
  const a = convAttrs(attrs);
  const xs = batchedShape(x.shape);
  checkWeight(xs, w, a, x.shape, false);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== w.shape[0])) {
    throw new RuntimeError(`Given weight of size ${fmtShape(w.shape)}, expected bias to be 1-dimensional with ${w.shape[0]} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
  checkKernelFits(xs, w, a);
  checkDtypes(x, w);
  if (bias) checkDtypes(x, bias);
  const X = batched ? x : x.unsqueeze(0);
  const shape = [xs[0], w.shape[0], convOutputSize(xs[2], w.shape[2], a.stride[0], a.padding[0], a.dilation[0]), convOutputSize(xs[3], w.shape[3], a.stride[1], a.padding[1], a.dilation[1])];
  let s = backend.conv2d(X, w, a);
  if (bias) {
    const out: StridedView = { storage: s, dtype: x.dtype, shape, strides: contiguousStrides(shape), offset: 0 };
    const withBias = backend.binary('add', out, channelView(bias, shape), x.dtype, x.dtype);
    backend.dispose(s);
    s = withBias;
  }
  return fromStorage(s, batched ? shape : shape.slice(1));
});

/** Checks that a gradient's spatial size is what `inputShape` convolved with `w` produces. */
function checkGradShape(gy: readonly number[], inputShape: readonly number[], kh: number, kw: number, a: Conv2dAttrs): void {
  const oh = convOutputSize(inputShape[2], kh, a.stride[0], a.padding[0], a.dilation[0]);
  const ow = convOutputSize(inputShape[3], kw, a.stride[1], a.padding[1], a.dilation[1]);
  if (gy[0] !== inputShape[0] || gy[2] !== oh || gy[3] !== ow) {
    throw new RuntimeError(`conv2d backward: grad_output of size ${fmtShape(gy)} does not match the output size ${fmtShape([inputShape[0], gy[1], oh, ow])} of input ${fmtShape(inputShape)}`);
  }
}

/**
 * Gradient of conv2d w.r.t. its input, i.e. the transposed convolution of `gradOut` with
 * `weight` (which is how `F.conv_transpose2d` runs). Inputs `[gradOut, weight]`, attrs add `inputShape`.
 */
defineOp('primitive', 'conv2dBackwardInput(Tensor gradOutput, Tensor weight, int[] inputShape, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor', ([gy, w], attrs: Attrs) => {
  const backend = commonBackend([gy, w]);
  const batched = checkRank(gy, 'conv_transpose2d');
  const a = convAttrs(attrs);
  const inputShape = attrs.inputShape as number[];
  const gs = batchedShape(gy.shape);
  const xs = batchedShape(inputShape);
  checkWeight(gs, w, a, gy.shape, true);
  if (xs[1] !== w.shape[1] * a.groups) {
    throw new RuntimeError(`conv2d backward: inputShape ${fmtShape(inputShape)} needs ${w.shape[1] * a.groups} channels for weight of size ${fmtShape(w.shape)} and groups=${a.groups}`);
  }
  checkDtypes(gy, w);
  checkGradShape(gs, xs, w.shape[2], w.shape[3], a);
  const s = backend.conv2dBackwardInput(batched ? gy : gy.unsqueeze(0), w, xs, a);
  return fromStorage(s, batched ? xs : xs.slice(1));
});

/** Gradient of conv2d w.r.t. its weight. Inputs `[gradOut, x]`, attrs add `weightShape`. */
defineOp('primitive', 'conv2dBackwardWeight(Tensor gradOutput, Tensor input, int[] weightShape, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor', ([gy, x], attrs: Attrs) => {
  const backend = commonBackend([gy, x]);
  const batched = checkRank(x, 'conv2d');
  const a = convAttrs(attrs);
  const ws = attrs.weightShape as number[];
  const xs = batchedShape(x.shape);
  const gs = batchedShape(gy.shape);
  if (gy.ndim !== x.ndim || gs[1] !== ws[0] || xs[1] !== ws[1] * a.groups || ws[0] % a.groups !== 0) {
    throw new RuntimeError(`conv2d backward: grad_output of size ${fmtShape(gy.shape)} and input of size ${fmtShape(x.shape)} do not fit weightShape ${fmtShape(ws)} with groups=${a.groups}`);
  }
  checkDtypes(x, gy);
  checkGradShape(gs, xs, ws[2], ws[3], a);
  const s = backend.conv2dBackwardWeight(batched ? gy : gy.unsqueeze(0), batched ? x : x.unsqueeze(0), ws, a);
  return fromStorage(s, ws);
});
