import { type Args, type Tensor, declare, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';
import type { IntOrTuple } from '../functional/conv.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2dWithIndices, avgPool1d, avgPool2d, maxPool1dWithIndices,
  maxPool2dWithIndices, maxUnpool2d,
} from '../functional/pooling.js';
import { pyRepr } from './conv.js';

/** What a max-pool layer returns: the values, or `[values, indices]` with `returnIndices: true`. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

export interface MaxPoolLayerOptions<R extends boolean = boolean> {
  /** Default: `kernelSize`. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  /** Also return the indices of the maxima (for `MaxUnpool2d`); default false. */
  returnIndices?: R;
  ceilMode?: boolean;
}

const MAX_POOL = (n: 1 | 2) => `MaxPool${n}d(int[] kernelSize, int[]? stride=None, int[] padding=0, int[] dilation=1, bool returnIndices=False, bool ceilMode=False)`;
const MAX_POOL2D = declare('nn.MaxPool2d', MAX_POOL(2));
const MAX_POOL1D = declare('nn.MaxPool1d', MAX_POOL(1));
const AVG_POOL2D = declare('nn.AvgPool2d', 'AvgPool2d(int[] kernelSize, int[]? stride=None, int[] padding=0, bool ceilMode=False, bool countIncludePad=True, int? divisorOverride=None)');
const AVG_POOL1D = declare('nn.AvgPool1d', 'AvgPool1d(int[] kernelSize, int[]? stride=None, int[] padding=0, bool ceilMode=False, bool countIncludePad=True)');
const ADAPTIVE_MAX2D = declare('nn.AdaptiveMaxPool2d', 'AdaptiveMaxPool2d(Any outputSize, bool returnIndices=False)');
const ADAPTIVE_AVG2D = declare('nn.AdaptiveAvgPool2d', 'AdaptiveAvgPool2d(Any outputSize)');
const ADAPTIVE_AVG1D = declare('nn.AdaptiveAvgPool1d', 'AdaptiveAvgPool1d(int outputSize)');
const MAX_UNPOOL2D = declare('nn.MaxUnpool2d', 'MaxUnpool2d(int[] kernelSize, int[]? stride=None, int[] padding=0)');
const MAX_UNPOOL2D_FORWARD = declare('nn.MaxUnpool2d.forward', 'forward(Tensor input, Tensor indices, int[]? outputSize=None)');

/** A max-pool layer's arguments after `kernel_size`, positional in PyTorch's order or by name. */
export type MaxPoolLayerArgs<R extends boolean> = Args<[stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, returnIndices: R, ceilMode: boolean], MaxPoolLayerOptions<R>>;
export type AvgPoolLayerArgs = Args<[stride: IntOrTuple | null, padding: IntOrTuple, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolLayerOptions>;

/** Shared fields and printout of `MaxPool1d` / `MaxPool2d` (PyTorch's `_MaxPoolNd`). */
abstract class MaxPoolNd extends Module {
  static override readonly __name__: string = 'MaxPoolNd';
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;

  /** `a`: the arguments as `parseArgs` bound them. */
  constructor(a: Record<string, any>) {
    super();
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding;
    this.dilation = a.dilation;
    this.returnIndices = a.returnIndices;
    this.ceilMode = a.ceilMode;
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}, dilation=${pyRepr(this.dilation)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }

  protected options() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }
}

/**
 * `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`.
 * With `returnIndices` the call returns `[values, indices]`.
 *
 * @example
 * const pool = new nn.MaxPool2d(2);
 * String(pool); // 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd {
  static override readonly __name__: string = 'MaxPool2d';
  constructor(kernelSize: IntOrTuple, ...rest: MaxPoolLayerArgs<R>) {
    super(parseArgs(MAX_POOL2D, [kernelSize, ...rest]));
  }
  override forward(input: Tensor): MaxPoolResult<R> {
    const r = maxPool2dWithIndices(input, this.kernelSize, this.options());
    return (this.returnIndices ? r : r[0]) as MaxPoolResult<R>;
  }
}

/** `nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)` over `[N, C, L]`. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd {
  static override readonly __name__: string = 'MaxPool1d';
  constructor(kernelSize: IntOrTuple, ...rest: MaxPoolLayerArgs<R>) {
    super(parseArgs(MAX_POOL1D, [kernelSize, ...rest]));
  }
  override forward(input: Tensor): MaxPoolResult<R> {
    const r = maxPool1dWithIndices(input, this.kernelSize, this.options());
    return (this.returnIndices ? r : r[0]) as MaxPoolResult<R>;
  }
}

export interface AvgPoolLayerOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Default true. */
  countIncludePad?: boolean;
  /** 2-D only. */
  divisorOverride?: number | null;
}

/**
 * `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`.
 *
 * @example
 * new nn.AvgPool2d(2, { stride: 1, padding: 1 })(x);
 */
export class AvgPool2d extends Module {
  static override readonly __name__: string = 'AvgPool2d';
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: IntOrTuple, ...rest: AvgPoolLayerArgs) {
    super();
    const a = parseArgs(AVG_POOL2D, [kernelSize, ...rest]);
    this.kernelSize = kernelSize;
    this.stride = a.stride ?? kernelSize;
    this.padding = a.padding;
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
    this.divisorOverride = a.divisorOverride;
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }
}

const single = (v: IntOrTuple): number[] => (typeof v === 'number' ? [v] : [...v]);

/** `nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`; prints 1-tuples as PyTorch. */
export class AvgPool1d extends Module {
  static override readonly __name__: string = 'AvgPool1d';
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: IntOrTuple, ...rest: Args<[stride: IntOrTuple | null, padding: IntOrTuple, ceilMode: boolean, countIncludePad: boolean], Omit<AvgPoolLayerOptions, 'divisorOverride'>>) {
    super();
    const a = parseArgs(AVG_POOL1D, [kernelSize, ...rest]);
    this.kernelSize = single(kernelSize);
    this.stride = single(a.stride ?? kernelSize);
    this.padding = single(a.padding);
    this.ceilMode = a.ceilMode;
    this.countIncludePad = a.countIncludePad;
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
  override forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }
}

type OutputSize = number | readonly (number | null)[];

/** `nn.AdaptiveAvgPool2d(output_size)`; a `null` entry keeps that input size. */
export class AdaptiveAvgPool2d extends Module {
  static override readonly __name__: string = 'AdaptiveAvgPool2d';
  readonly outputSize: OutputSize;
  constructor(...args: [outputSize: OutputSize]) {
    super();
    ({ outputSize: this.outputSize } = parseArgs(ADAPTIVE_AVG2D, args));
  }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
}

/** `nn.AdaptiveAvgPool1d(output_size)`. */
export class AdaptiveAvgPool1d extends Module {
  static override readonly __name__: string = 'AdaptiveAvgPool1d';
  readonly outputSize: number;
  constructor(...args: [outputSize: number] | [{ outputSize: number }]) {
    super();
    ({ outputSize: this.outputSize } = parseArgs(ADAPTIVE_AVG1D, args));
  }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }
}

/**
 * `nn.AdaptiveMaxPool2d(output_size, return_indices=False)`; with `returnIndices: true` the call
 * returns `[values, indices]` (typed, as `MaxPool2d`).
 *
 * @example
 * const [v, i] = new nn.AdaptiveMaxPool2d([3, 4], { returnIndices: true })(x);
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  static override readonly __name__: string = 'AdaptiveMaxPool2d';
  readonly returnIndices: boolean;
  readonly outputSize: OutputSize;
  constructor(outputSize: OutputSize, ...rest: Args<[returnIndices: R], { returnIndices?: R }>) {
    super();
    const a = parseArgs(ADAPTIVE_MAX2D, [outputSize, ...rest]);
    this.outputSize = outputSize;
    this.returnIndices = a.returnIndices;
  }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
  override forward(input: Tensor): MaxPoolResult<R> {
    const r = adaptiveMaxPool2dWithIndices(input, this.outputSize);
    return (this.returnIndices ? r : r[0]) as MaxPoolResult<R>;
  }
}

/**
 * `nn.MaxUnpool2d(kernel_size, stride=None, padding=0)`: the partial inverse of `MaxPool2d`,
 * called as `unpool(values, indices, outputSize?)` with what a `returnIndices: true` pool returns.
 *
 * @example
 * const pool = new nn.MaxPool2d(2, { returnIndices: true });
 * const [v, i] = pool(x);
 * new nn.MaxUnpool2d(2)(v, i, x.shape); // x's maxima in place, zeros elsewhere
 */
export class MaxUnpool2d extends Module {
  static override readonly __name__: string = 'MaxUnpool2d';
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  constructor(kernelSize: IntOrTuple, ...rest: Args<[stride: IntOrTuple | null, padding: IntOrTuple], { stride?: IntOrTuple | null; padding?: IntOrTuple }>) {
    super();
    const a = parseArgs(MAX_UNPOOL2D, [kernelSize, ...rest]);
    const pair = (v: IntOrTuple) => (typeof v === 'number' ? [v, v] : [...v]);
    this.kernelSize = pair(kernelSize);
    this.stride = pair(a.stride ?? kernelSize);
    this.padding = pair(a.padding);
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
  override forward(input: Tensor, indices: Tensor, ...rest: Args<[outputSize: readonly number[] | null], { outputSize?: readonly number[] | null }>): Tensor {
    const { outputSize } = parseArgs(MAX_UNPOOL2D_FORWARD, [input, indices, ...rest]);
    return maxUnpool2d(input, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
}
