import { type Args, type DeviceLike, type Tensor, ValueError, declare, empty, pad as fPad, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';
import { pyBool } from '../repr.js';
import { Parameter } from '../parameter.js';
import { _calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { type ConvPadding, type IntOrTuple, conv2d, convTranspose2d, ntuple, samePadding } from '../functional/conv.js';

/** How a convolution pads its input. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Python's `repr` of the int, bool, None and tuple arguments layers print. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return pyBool(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  return String(v);
}

export interface ConvNdOptions {
  /** Default 1. */
  stride?: IntOrTuple;
  /** Default 0; `'same'` (stride 1 only) or `'valid'` too. */
  padding?: ConvPadding;
  /** Default 1. */
  dilation?: IntOrTuple;
  /** Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
  /** Default `'zeros'`. */
  paddingMode?: PaddingMode;
  dtype?: 'float32' | 'float64';
  device?: DeviceLike;
}

export interface ConvTransposeNdOptions extends Omit<ConvNdOptions, 'padding'> {
  padding?: IntOrTuple;
  /** Default 0. */
  outputPadding?: IntOrTuple;
}

const CONV_TAIL = 'int[2] stride=1, int[2]|str padding=0, int[2] dilation=1, int groups=1, bool bias=True, str paddingMode="zeros", Device? device=None, ScalarType? dtype=None';
const CONV2D = declare('nn.Conv2d', `Conv2d(int inChannels, int outChannels, int[2] kernelSize, ${CONV_TAIL})`);
const CONV1D = declare('nn.Conv1d', `Conv1d(int inChannels, int outChannels, int[1] kernelSize, ${CONV_TAIL.replace(/int\[2\]/g, 'int[1]')})`);
const CONV_T2D = declare('nn.ConvTranspose2d', 'ConvTranspose2d(int inChannels, int outChannels, int[2] kernelSize, int[2] stride=1, int[2] padding=0, int[2] outputPadding=0, int groups=1, bool bias=True, int[2] dilation=1, str paddingMode="zeros", Device? device=None, ScalarType? dtype=None)');
const CONV_T2D_FORWARD = declare('nn.ConvTranspose2d.forward', 'forward(Tensor input, int[]? outputSize=None)');

/** The arguments after `kernel_size`, positional in PyTorch's order or by name. */
export type ConvNdArgs = Args<[stride: IntOrTuple, padding: ConvPadding, dilation: IntOrTuple, groups: number, bias: boolean, paddingMode: PaddingMode], ConvNdOptions>;
export type ConvTransposeNdArgs = Args<[stride: IntOrTuple, padding: IntOrTuple, outputPadding: IntOrTuple, groups: number, bias: boolean, dilation: IntOrTuple, paddingMode: PaddingMode], ConvTransposeNdOptions>;

function zerosOnly(opts: Record<string, any>): Record<string, any> {
  if (opts.paddingMode !== 'zeros') throw new ValueError(`Only "zeros" padding mode is supported for ConvTranspose2d`);
  return opts;
}

/**
 * Shared machinery of the convolution layers (PyTorch's `_ConvNd`): argument checks, parameters
 * with PyTorch's initialisation (Kaiming-uniform weight with a = √5, bias U(±1/√fan_in)), and the
 * printout.
 */
export abstract class ConvNd extends Module {
  static override readonly __name__: string = 'ConvNd';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** `[left, right]` pairs per dim, last dim first, for non-zero padding modes (`_reversed_padding_repeated_twice`). */
  readonly reversedPaddingRepeatedTwice: number[];
  weight!: Parameter;
  bias!: Parameter | null;

  /** `opts`: the layer's arguments as `parseArgs` bound them (every parameter present). */
  constructor(n: number, transposed: boolean, opts: Record<string, any>) {
    super();
    const { inChannels, outChannels, kernelSize, groups, paddingMode } = opts as { inChannels: number; outChannels: number; kernelSize: IntOrTuple; groups: number; paddingMode: PaddingMode };
    if (groups <= 0) throw new ValueError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new ValueError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new ValueError('out_channels must be divisible by groups');
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new ValueError(`padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${paddingMode}'`);
    }
    const pad = opts.padding as ConvPadding;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = ntuple(kernelSize, n, 'kernel_size');
    this.stride = ntuple(opts.stride, n, 'stride');
    this.dilation = ntuple(opts.dilation, n, 'dilation');
    if (typeof pad === 'string') {
      if (pad !== 'same' && pad !== 'valid') throw new ValueError(`Invalid padding string '${pad as string}', should be one of {'valid', 'same'}`);
      if (pad === 'same' && this.stride.some((s) => s !== 1)) throw new ValueError("padding='same' is not supported for strided convolutions");
      this.padding = pad;
    } else {
      this.padding = ntuple(pad, n, 'padding');
    }
    this.transposed = transposed;
    this.outputPadding = ntuple(opts.outputPadding ?? 0, n, 'output_padding');
    this.groups = groups;
    this.paddingMode = paddingMode;
    const lr: [number, number][] = this.padding === 'same' ? samePadding(this.kernelSize, this.dilation)
      : this.padding === 'valid' ? this.kernelSize.map(() => [0, 0]) : this.padding.map((p) => [p, p]);
    this.reversedPaddingRepeatedTwice = [...lr].reverse().flat();
    const wShape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    const like = { dtype: opts.dtype ?? undefined, device: opts.device ?? undefined };
    this.weight = new Parameter(empty(wShape, like));
    if (opts.bias) this.bias = new Parameter(empty([outChannels], like));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** `reset_parameters()`: PyTorch's default initialisation, consuming random numbers in its order. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = _calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyRepr(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyRepr(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyRepr(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  /** Input padded by a non-zero padding mode, or null when the convolution pads with zeros itself. */
  protected modePadded(input: Tensor): Tensor | null {
    if (this.paddingMode === 'zeros') return null;
    return fPad(input, this.reversedPaddingRepeatedTwice, this.paddingMode);
  }
}

/**
 * `nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
 * bias=True, padding_mode='zeros')`.
 *
 * @example
 * const conv = new nn.Conv2d(3, 32, 5, { padding: 2 });
 * conv(torch.randn(64, 3, 32, 32)).shape; // [64, 32, 32, 32]
 * String(conv); // 'Conv2d(3, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))'
 */
export class Conv2d extends ConvNd {
  static override readonly __name__: string = 'Conv2d';
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvNdArgs) {
    super(2, false, parseArgs(CONV2D, [inChannels, outChannels, kernelSize, ...rest]));
  }

  override forward(input: Tensor): Tensor {
    const padded = this.modePadded(input);
    const o = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (padded) return conv2d(padded, this.weight, this.bias, { ...o, padding: 0 });
    return conv2d(input, this.weight, this.bias, { ...o, padding: this.padding });
  }
}

/**
 * `nn.Conv1d(in_channels, out_channels, kernel_size, ...)` over `[N, C, L]` or `[C, L]`.
 *
 * @example
 * new nn.Conv1d(16, 33, 3, { stride: 2 })(torch.randn(20, 16, 50)).shape; // [20, 33, 24]
 */
export class Conv1d extends ConvNd {
  static override readonly __name__: string = 'Conv1d';
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvNdArgs) {
    super(1, false, parseArgs(CONV1D, [inChannels, outChannels, kernelSize, ...rest]));
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ValueError(`Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [${input.shape.join(', ')}]`);
    }
    const padded = this.modePadded(input);
    const x = (padded ?? input).unsqueeze(-2);
    const padding = padded ? 0 : typeof this.padding === 'string' ? this.padding : [0, this.padding[0]];
    const out = conv2d(x, this.weight.unsqueeze(2), this.bias, { stride: [1, this.stride[0]], dilation: [1, this.dilation[0]], groups: this.groups, padding });
    return out.squeeze(-2);
  }
}

/**
 * `nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
 * output_padding=0, groups=1, bias=True, dilation=1)`; weight `[in, out / groups, kH, kW]`.
 * `forward(input, outputSize?)` may ask for an exact output size within the stride's slack.
 */
export class ConvTranspose2d extends ConvNd {
  static override readonly __name__: string = 'ConvTranspose2d';
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: ConvTransposeNdArgs) {
    super(2, true, zerosOnly(parseArgs(CONV_T2D, [inChannels, outChannels, kernelSize, ...rest])));
  }

  override forward(input: Tensor, ...rest: Args<[outputSize: readonly number[] | null], { outputSize?: readonly number[] | null }>): Tensor {
    const { outputSize } = parseArgs(CONV_T2D_FORWARD, [input, ...rest]) as { outputSize: readonly number[] | null };
    const padding = this.padding as number[];
    let outputPadding = this.outputPadding;
    if (outputSize) {
      const want = outputSize.slice(-2);
      const hw = input.shape.slice(-2);
      outputPadding = want.map((w, d) => {
        const min = (hw[d] - 1) * this.stride[d] - 2 * padding[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1;
        if (w < min || w >= min + this.stride[d]) {
          throw new ValueError(`requested an output size of [${want.join(', ')}], but valid sizes range from [${min}] to [${min + this.stride[d] - 1}] (for an input of [${hw.join(', ')}])`);
        }
        return w - min;
      });
    }
    return convTranspose2d(input, this.weight, this.bias, { stride: this.stride, padding, outputPadding, groups: this.groups, dilation: this.dilation });
  }
}
