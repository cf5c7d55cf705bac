import { type Args, RuntimeError, type Tensor, ValueError, cat, declare, parseArgs, defineOp, dispatch, dispatch1, dtypeTitle, fromArray, isFloating, stack, zeros } from '@flambeau/tensor';
import { registerFormula } from '@flambeau/autograd';
import { type IntOrTuple, ntuple } from './conv.js';

export interface MaxPoolOptions {
  /** Default: `kernelSize`. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
}

export interface AvgPoolOptions {
  /** Default: `kernelSize`. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number | null;
}

const MAX_POOL = (n: 1 | 2) => `max_pool${n}d(Tensor input, int[${n}] kernelSize, int[${n}]? stride=None, int[${n}] padding=0, int[${n}] dilation=1, bool ceilMode=False)`;
const AVG_POOL = (n: 1 | 2) => `avg_pool${n}d(Tensor input, int[${n}] kernelSize, int[${n}]? stride=None, int[${n}] padding=0, bool ceilMode=False, bool countIncludePad=True${n === 2 ? ', int? divisorOverride=None' : ''})`;
const MAX_POOL2D = declare('F.maxPool2d', MAX_POOL(2));
const MAX_POOL1D = declare('F.maxPool1d', MAX_POOL(1));
const AVG_POOL2D = declare('F.avgPool2d', AVG_POOL(2));
const AVG_POOL1D = declare('F.avgPool1d', AVG_POOL(1));
const ADAPTIVE_AVG2D = declare('F.adaptiveAvgPool2d', 'adaptive_avg_pool2d(Tensor input, Any outputSize)');
const ADAPTIVE_AVG1D = declare('F.adaptiveAvgPool1d', 'adaptive_avg_pool1d(Tensor input, int outputSize)');
const ADAPTIVE_MAX2D = declare('F.adaptiveMaxPool2d', 'adaptive_max_pool2d(Tensor input, Any outputSize)');
const MAX_UNPOOL2D = declare('F.maxUnpool2d', 'max_unpool2d(Tensor input, Tensor indices, int[2] kernelSize, int[2]? stride=None, int[2] padding=0, int[]? outputSize=None)');

/** The arguments after `kernel_size`, positional in PyTorch's order or by name. */
export type MaxPoolArgs = Args<[stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, ceilMode: boolean], MaxPoolOptions>;
export type AvgPoolArgs = Args<[stride: IntOrTuple | null, padding: IntOrTuple, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions>;

const pair = (v: IntOrTuple, name: string) => ntuple(v, 2, name);
const strideOf = (s: IntOrTuple | null | undefined, k: number[]) => (s === undefined || s === null || (Array.isArray(s) && s.length === 0) ? k : pair(s, 'stride'));

/**
 * `F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`.
 * `maxPool2dWithIndices` also returns the int64 index of each max in its input plane.
 */
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, ...rest: MaxPoolArgs): Tensor {
  return maxPool2dWithIndices(input, kernelSize, ...rest)[0];
}

/** `F.max_pool2d(..., return_indices=True)`: `[values, indices]`. */
export function maxPool2dWithIndices(input: Tensor, kernelSize: IntOrTuple, ...rest: MaxPoolArgs): [Tensor, Tensor] {
  const a = parseArgs(MAX_POOL2D, [input, kernelSize, ...rest]);
  const k = pair(a.kernelSize, 'kernel_size');
  return dispatch('maxPool2d', [input], {
    kernelSize: k, stride: strideOf(a.stride, k), padding: pair(a.padding, 'padding'), dilation: pair(a.dilation, 'dilation'), ceilMode: a.ceilMode,
  }) as [Tensor, Tensor];
}

function check1d(input: Tensor, name: string): void {
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new RuntimeError(`${name}() Expected 2D or 3D input tensor, but got ${input.ndim}D input of size [${input.shape.join(', ')}]`);
  }
}
const one = (v: IntOrTuple, name: string) => ntuple(v, 1, name)[0];

/** `F.max_pool1d(input, kernel_size, ...)` over `[N, C, L]` or `[C, L]`. */
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, ...rest: MaxPoolArgs): Tensor {
  return maxPool1dWithIndices(input, kernelSize, ...rest)[0];
}

/** `F.max_pool1d(..., return_indices=True)`. */
export function maxPool1dWithIndices(input: Tensor, kernelSize: IntOrTuple, ...rest: MaxPoolArgs): [Tensor, Tensor] {
  const a = parseArgs(MAX_POOL1D, [input, kernelSize, ...rest]);
  check1d(input, 'max_pool1d');
  if (!isFloating(input.dtype)) throw new RuntimeError(`"max_pool1d_impl" not implemented for '${dtypeTitle(input.dtype)}'`);
  const k = one(a.kernelSize, 'kernel_size');
  const s = a.stride === null ? k : one(a.stride, 'stride');
  const [v, i] = maxPool2dWithIndices(input.unsqueeze(-2), [1, k], {
    stride: [1, s], padding: [0, one(a.padding, 'padding')], dilation: [1, one(a.dilation, 'dilation')], ceilMode: a.ceilMode,
  });
  return [v.squeeze(-2), i.squeeze(-2)];
}

/** `F.avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`. */
export function avgPool2d(input: Tensor, kernelSize: IntOrTuple, ...rest: AvgPoolArgs): Tensor {
  const a = parseArgs(AVG_POOL2D, [input, kernelSize, ...rest]);
  const k = pair(a.kernelSize, 'kernel_size');
  return dispatch1('avgPool2d', [input], {
    kernelSize: k, stride: strideOf(a.stride, k), padding: pair(a.padding, 'padding'), ceilMode: a.ceilMode,
    countIncludePad: a.countIncludePad, divisorOverride: a.divisorOverride,
  });
}

/** `F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`. */
export function avgPool1d(input: Tensor, kernelSize: IntOrTuple, ...rest: Args<[stride: IntOrTuple | null, padding: IntOrTuple, ceilMode: boolean, countIncludePad: boolean], Omit<AvgPoolOptions, 'divisorOverride'>>): Tensor {
  const a = parseArgs(AVG_POOL1D, [input, kernelSize, ...rest]);
  check1d(input, 'avg_pool1d');
  const k = one(a.kernelSize, 'kernel_size');
  const s = a.stride === null ? k : one(a.stride, 'stride');
  return avgPool2d(input.unsqueeze(-2), [1, k], {
    stride: [1, s], padding: [0, one(a.padding, 'padding')], ceilMode: a.ceilMode, countIncludePad: a.countIncludePad,
  }).squeeze(-2);
}

/** Adaptive output sizes: a `null` entry keeps that input dim. */
function adaptiveSize(input: Tensor, outputSize: number | readonly (number | null)[], name: string): [number, number] {
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new RuntimeError(`${name}(): Expected 3D or 4D tensor, but got ${input.ndim === 0 ? '[]' : `[${input.shape.join(', ')}]`}`);
  }
  const o = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  if (o.length !== 2) throw new RuntimeError(`${name}: output_size must be 2`);
  const H = input.shape[input.ndim - 2], W = input.shape[input.ndim - 1];
  return [o[0] ?? H, o[1] ?? W];
}

/** PyTorch's adaptive windows: output `i` of `O` covers input [⌊i·I/O⌋, ⌈(i+1)·I/O⌉). */
function windows(I: number, O: number): [number, number][] {
  return Array.from({ length: O }, (_, i) => [Math.floor((i * I) / O), Math.ceil(((i + 1) * I) / O)]);
}

/**
 * `F.adaptive_avg_pool2d(input, output_size)`. A 1×1 output is the mean over the plane, as in
 * PyTorch (`MeanBackward1`); other sizes run as one op (`AdaptiveAvgPool2DBackward0`).
 */
export function adaptiveAvgPool2d(...args: [input: Tensor, outputSize: number | readonly (number | null)[]]): Tensor {
  const { input, outputSize } = parseArgs(ADAPTIVE_AVG2D, args);
  const [OH, OW] = adaptiveSize(input, outputSize, 'adaptive_avg_pool2d');
  if (OH === 1 && OW === 1) return input.mean([-2, -1], { keepdim: true });
  return dispatch1('adaptiveAvgPool2d', [input], { outputSize: [OH, OW] });
}

/**
 * Evenly divisible sizes run as one average pool; otherwise the (separable) window means are
 * taken per row band, then per column band.
 */
defineOp('composite', 'adaptiveAvgPool2d(Tensor self, int[2] outputSize) -> Tensor', ([input], { outputSize }) => {
  const [OH, OW] = outputSize as number[];
  const H = input.shape[input.ndim - 2], W = input.shape[input.ndim - 1];
  if (H % OH === 0 && W % OW === 0) return avgPool2d(input, [H / OH, W / OW]);
  const hd = input.ndim - 2, wd = input.ndim - 1;
  const rows = cat(windows(H, OH).map(([a, b]) => input.narrow(hd, a, b - a).mean(hd, { keepdim: true })), hd);
  return cat(windows(W, OW).map(([a, b]) => rows.narrow(wd, a, b - a).mean(wd, { keepdim: true })), wd);
});

/** [O, I] matrix whose row i averages input window i: the pool is linear and separable. */
function averaging(I: number, O: number, like: Tensor): Tensor {
  const m = new Float64Array(O * I);
  windows(I, O).forEach(([a, b], i) => { for (let j = a; j < b; j++) m[i * I + j] = 1 / (b - a); });
  return fromArray(m, [O, I], { dtype: like.dtype }).to(like.device);
}

registerFormula('adaptiveAvgPool2d', {
  name: 'AdaptiveAvgPool2DBackward0',
  backward: ([g], c) => {
    const shape = c.inputs[0].shape;
    const [OH, OW] = c.attrs.outputSize as number[];
    const ah = averaging(shape[shape.length - 2], OH, g);
    const aw = averaging(shape[shape.length - 1], OW, g);
    return [ah.mT.matmul(g).matmul(aw)];
  },
});

/** `F.adaptive_avg_pool1d(input, output_size)` over `[N, C, L]` or `[C, L]`. */
export function adaptiveAvgPool1d(...args: [input: Tensor, outputSize: number]): Tensor {
  const { input, outputSize } = parseArgs(ADAPTIVE_AVG1D, args);
  check1d(input, 'adaptive_avg_pool1d');
  return adaptiveAvgPool2d(input.unsqueeze(-2), [1, outputSize]).squeeze(-2);
}

/** `F.adaptive_max_pool2d(input, output_size)`. */
export function adaptiveMaxPool2d(...args: [input: Tensor, outputSize: number | readonly (number | null)[]]): Tensor {
  const { input, outputSize } = parseArgs(ADAPTIVE_MAX2D, args);
  return adaptiveMaxPool2dWithIndices(input, outputSize)[0];
}

/** `F.adaptive_max_pool2d(..., return_indices=True)`: one op (`AdaptiveMaxPool2DBackward0`). */
export function adaptiveMaxPool2dWithIndices(input: Tensor, outputSize: number | readonly (number | null)[]): [Tensor, Tensor] {
  const size = adaptiveSize(input, outputSize, 'adaptive_max_pool2d');
  return dispatch('adaptiveMaxPool2d', [input], { outputSize: size }) as [Tensor, Tensor];
}

/**
 * Evenly divisible sizes run as one max pool, others take the max of each window (windows may
 * overlap) with its plane index.
 */
defineOp('composite', 'adaptiveMaxPool2d(Tensor self, int[2] outputSize) -> (Tensor, Tensor)', ([input], { outputSize }) => {
  const [OH, OW] = outputSize as number[];
  const H = input.shape[input.ndim - 2], W = input.shape[input.ndim - 1];
  if (H % OH === 0 && W % OW === 0) return maxPool2dWithIndices(input, [H / OH, W / OW]);
  const hd = input.ndim - 2, wd = input.ndim - 1;
  const vals: Tensor[] = [];
  const idx: Tensor[] = [];
  for (const [h0, h1] of windows(H, OH)) {
    for (const [w0, w1] of windows(W, OW)) {
      const win = input.narrow(hd, h0, h1 - h0).narrow(wd, w0, w1 - w0).flatten(hd);
      const { values, indices } = win.max(hd);
      const ww = w1 - w0;
      vals.push(values);
      idx.push(indices.floorDivide(ww).add(h0).mul(W).add(indices.remainder(ww).add(w0)));
    }
  }
  const shape = [...input.shape.slice(0, hd), OH, OW];
  return [stack(vals, -1).reshape(shape), stack(idx, -1).reshape(shape)];
});

// Each output's gradient goes to its argmax; overlapping windows accumulate.
registerFormula('adaptiveMaxPool2d', {
  name: 'AdaptiveMaxPool2DBackward0',
  save: { outputs: [1] },
  backward: ([g], c) => {
    const shape = c.inputs[0].shape;
    const lead = g.ndim - 2;
    const plane = zeros([...shape.slice(0, lead), shape[lead] * shape[lead + 1]], { dtype: g.dtype, device: g.device });
    return [plane.scatterAdd(lead, c.output(1).flatten(lead), g.flatten(lead)).reshape([...shape])];
  },
});

export interface MaxUnpoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  /** The size to restore, e.g. the pooled input's (last two dims are used). */
  outputSize?: readonly number[] | null;
}

/**
 * `F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None)`: puts
 * each value back at its index, zeros elsewhere.
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: IntOrTuple, ...rest: Args<[stride: IntOrTuple | null, padding: IntOrTuple, outputSize: readonly number[] | null], MaxUnpoolOptions>): Tensor {
  const opts = parseArgs(MAX_UNPOOL2D, [input, indices, kernelSize, ...rest]) as Required<MaxUnpoolOptions> & { kernelSize: number[] };
  const k = opts.kernelSize;
  const s = strideOf(opts.stride, k);
  const p = pair(opts.padding, 'padding');
  const batched = input.ndim === 4;
  if (input.ndim !== 3 && input.ndim !== 4) throw new RuntimeError(`Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ${input.ndim} dimensions.`);
  const H = input.shape[input.ndim - 2], W = input.shape[input.ndim - 1];
  let size = [(H - 1) * s[0] - 2 * p[0] + k[0], (W - 1) * s[1] - 2 * p[1] + k[1]];
  if (opts.outputSize) {
    const o = opts.outputSize.slice(-2);
    for (let d = 0; d < 2; d++) {
      const lo = size[d] - s[d], hi = size[d] + s[d];
      if (o[d] <= lo || o[d] >= hi) {
        throw new ValueError(`invalid output_size "[${opts.outputSize.join(', ')}]" (dim ${d} must be between ${lo} and ${hi})`);
      }
    }
    size = o;
  }
  const lead = input.shape.slice(0, input.ndim - 2);
  const flatIn = input.flatten(input.ndim - 2);
  const out = zeros([...lead, size[0] * size[1]], { dtype: input.dtype, device: input.device });
  const res = out.scatter(lead.length, indices.flatten(input.ndim - 2), flatIn);
  return res.reshape(batched ? [...lead, ...size] : [input.shape[0], ...size]);
}
