import { type Args, RuntimeError, type Tensor, ValueError, declare, defineOp, dispatch1, pad as fPad, parseArgs } from '@flambeau/tensor';
import { registerFormula } from '@flambeau/autograd';

/** An int or one value per spatial dim (PyTorch's `_pair` / `_single`). */
export type IntOrTuple = number | readonly number[];
/** Convolution padding: per-dim amounts, or the strings PyTorch accepts. */
export type ConvPadding = IntOrTuple | 'same' | 'valid';

export interface ConvOptions {
  /** Default 1. */
  stride?: IntOrTuple;
  /** Default 0; `'same'` keeps the size (stride 1 only), `'valid'` is 0. */
  padding?: ConvPadding;
  /** Default 1. */
  dilation?: IntOrTuple;
  /** Default 1. */
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  /** Extra size added to one side of each output dim (default 0). */
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

/** `_ntuple(n)`: repeats an int, checks a tuple's length. */
export function ntuple(v: IntOrTuple, n: number, name: string): number[] {
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (v.length === 1) return new Array<number>(n).fill(v[0]);
  if (v.length !== n) {
    throw new RuntimeError(`expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=[${v.join(', ')}]`);
  }
  return [...v];
}

/** Left and right padding per dim for `padding='same'`: odd totals put the extra on the right. */
export function samePadding(kernel: readonly number[], dilation: readonly number[]): [number, number][] {
  return kernel.map((k, i) => {
    const total = dilation[i] * (k - 1);
    const left = Math.floor(total / 2);
    return [left, total - left];
  });
}

function resolvePadding(padding: ConvPadding, kernel: readonly number[], dilation: readonly number[], stride: readonly number[], input: Tensor): { input: Tensor; padding: number[] } {
  const n = kernel.length;
  if (padding === 'valid') return { input, padding: new Array<number>(n).fill(0) };
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ValueError("padding='same' is not supported for strided convolutions");
    const lr = samePadding(kernel, dilation);
    // Asymmetric totals: pad the right by the extra first, then convolve with the symmetric part.
    if (lr.some(([l, r]) => l !== r)) {
      const extra = lr.map(([l, r]) => r - l).reverse().flatMap((e) => [0, e]);
      input = fPad(input, extra);
    }
    return { input, padding: lr.map(([l]) => l) };
  }
  if (typeof padding === 'string') {
    throw new ValueError(`Invalid padding string '${padding as string}', should be one of {'valid', 'same'}`);
  }
  return { input, padding: ntuple(padding, n, 'padding') };
}

function checkRank(input: Tensor, dims: number, name: string): void {
  if (input.ndim !== dims + 1 && input.ndim !== dims + 2) {
    throw new RuntimeError(`Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${name}, but got input of size: [${input.shape.join(', ')}]`);
  }
}

const CONV_TAIL = 'Tensor? bias=None, int[2] stride=1, int[2]|str padding=0, int[2] dilation=1, int groups=1';
const CONV2D = declare('F.conv2d', `conv2d(Tensor input, Tensor weight, ${CONV_TAIL})`);
const CONV1D = declare('F.conv1d', `conv1d(Tensor input, Tensor weight, ${CONV_TAIL.replace(/int\[2\]/g, 'int[1]')})`);
const CONV_T2D = declare('F.convTranspose2d', 'conv_transpose2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0, int[2] outputPadding=0, int groups=1, int[2] dilation=1)');

/** The arguments after `weight`: positional in PyTorch's order, or by name. */
export type ConvArgs = Args<[bias: Tensor | null, stride: IntOrTuple, padding: ConvPadding, dilation: IntOrTuple, groups: number], ConvOptions & { bias?: Tensor | null }>;
export type ConvTransposeArgs = Args<[bias: Tensor | null, stride: IntOrTuple, padding: IntOrTuple, outputPadding: IntOrTuple, groups: number, dilation: IntOrTuple], ConvTransposeOptions & { bias?: Tensor | null }>;

/**
 * `F.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)` over
 * `[N, C, H, W]` or unbatched `[C, H, W]` input.
 *
 * @example
 * const y = F.conv2d(torch.randn(1, 3, 8, 8), torch.randn(4, 3, 3, 3), { padding: 1 }); // [1, 4, 8, 8]
 * F.conv2d(x, w, b, 2);                        // bias and stride by position, as in PyTorch
 */
export function conv2d(input: Tensor, weight: Tensor, ...rest: ConvArgs): Tensor {
  const opts = parseArgs(CONV2D, [input, weight, ...rest]);
  const bias = opts.bias as Tensor | null;
  checkRank(input, 2, 'conv2d');
  const stride = ntuple(opts.stride, 2, 'stride');
  const dilation = ntuple(opts.dilation, 2, 'dilation');
  const kernel = weight.ndim === 4 ? weight.shape.slice(2) : [1, 1];
  const p = resolvePadding(opts.padding, kernel, dilation, stride, input);
  const attrs = { stride, padding: p.padding, dilation, groups: opts.groups };
  return dispatch1('conv2d', bias ? [p.input, weight, bias] : [p.input, weight], attrs);
}

/**
 * `F.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)` over `[N, C, L]`
 * or `[C, L]`, run as a 2-D convolution of height 1.
 */
export function conv1d(input: Tensor, weight: Tensor, ...rest: ConvArgs): Tensor {
  const opts = parseArgs(CONV1D, [input, weight, ...rest]);
  const bias = opts.bias as Tensor | null;
  checkRank(input, 1, 'conv1d');
  const one = (v: IntOrTuple, name: string) => [1, ntuple(v, 1, name)[0]];
  let padding: ConvPadding = opts.padding;
  if (typeof padding !== 'string') padding = [0, ntuple(padding, 1, 'padding')[0]];
  const w2 = weight.ndim === 3 ? weight.unsqueeze(2) : weight;
  const stride = one(opts.stride, 'stride');
  const dilation = one(opts.dilation, 'dilation');
  const p = resolvePadding(padding, w2.ndim === 4 ? w2.shape.slice(2) : [1, 1], dilation, stride, input.unsqueeze(-2));
  // One op over the height-1 views, so the result is PyTorch's single ConvolutionBackward0 node.
  const attrs = { stride, padding: p.padding, dilation, groups: opts.groups };
  return dispatch1('conv1d', bias ? [p.input, w2, bias] : [p.input, w2], attrs);
}

defineOp('composite', 'conv1d(Tensor input, Tensor weight, Tensor? bias, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor', (inputs, attrs) => dispatch1('conv2d', inputs, attrs).squeeze(-2));

registerFormula('conv1d', {
  name: 'ConvolutionBackward0',
  save: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
  backward: ([g], c) => {
    const attrs = { stride: c.attrs.stride, padding: c.attrs.padding, dilation: c.attrs.dilation, groups: c.attrs.groups };
    const g2 = g.unsqueeze(-2);
    const gx = c.needs[0] ? dispatch1('conv2dBackwardInput', [g2, c.input(1)], { ...attrs, inputShape: [...c.inputs[0].shape] }) : null;
    const gw = c.needs[1] ? dispatch1('conv2dBackwardWeight', [g2, c.input(0)], { ...attrs, weightShape: [...c.inputs[1].shape] }) : null;
    const gb = c.inputs.length > 2 && c.needs[2] ? g.sum(g.ndim === 3 ? [0, 2] : [1]) : null;
    return [gx, gw, gb];
  },
});

/**
 * `F.conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
 * dilation=1)`; `weight` is `[C_in, C_out / groups, kH, kW]`. Computed as the input gradient of
 * the matching convolution.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, ...rest: ConvTransposeArgs): Tensor {
  const opts = parseArgs(CONV_T2D, [input, weight, ...rest]);
  const bias = opts.bias as Tensor | null;
  checkRank(input, 2, 'conv_transpose2d');
  const stride = ntuple(opts.stride, 2, 'stride');
  const padding = ntuple(opts.padding, 2, 'padding');
  const dilation = ntuple(opts.dilation, 2, 'dilation');
  const outputPadding = ntuple(opts.outputPadding, 2, 'output_padding');
  const groups = opts.groups as number;
  if (outputPadding.some((p, i) => p >= stride[i] && p >= dilation[i])) {
    throw new RuntimeError(`output padding must be smaller than either stride or dilation, but got output_padding_height: ${outputPadding[0]} output_padding_width: ${outputPadding[1]} stride_height: ${stride[0]} stride_width: ${stride[1]} dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`);
  }
  const batched = input.ndim === 4;
  const [N, , H, W] = batched ? input.shape : [1, ...input.shape];
  const k = weight.ndim === 4 ? weight.shape.slice(2) : [1, 1];
  const size = [H, W].map((s, i) => (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (k[i] - 1) + outputPadding[i] + 1);
  const channels = (weight.shape[1] ?? 0) * groups;
  const inputShape = batched ? [N, channels, ...size] : [channels, ...size];
  // One op with the bias, so the result is PyTorch's single ConvolutionBackward0 node.
  return dispatch1('convTranspose2d', bias ? [input, weight, bias] : [input, weight], { stride, padding, dilation, groups, inputShape });
}

/** The input gradient of the matching convolution, plus the bias per channel. */
defineOp('composite', 'convTranspose2d(Tensor input, Tensor weight, Tensor? bias, int[2] stride=1, int[2] padding=0, int[2] outputPadding=0, int groups=1, int[2] dilation=1) -> Tensor', ([input, weight, bias], attrs) => {
  const out = dispatch1('conv2dBackwardInput', [input, weight], attrs);
  return bias ? out.add(bias.view(input.ndim === 4 ? [1, -1, 1, 1] : [-1, 1, 1])) : out;
});

// Linear in input and weight: their gradients are a forward convolution of gradOut and the
// weight gradient of that convolution with the roles of gradOut and input swapped.
registerFormula('convTranspose2d', {
  name: 'ConvolutionBackward0',
  save: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
  backward: ([g], c) => {
    const attrs = { stride: c.attrs.stride, padding: c.attrs.padding, dilation: c.attrs.dilation, groups: c.attrs.groups };
    const gx = c.needs[0] ? dispatch1('conv2d', [g, c.input(1)], attrs) : null;
    const gw = c.needs[1] ? dispatch1('conv2dBackwardWeight', [c.input(0), g], { ...attrs, weightShape: [...c.inputs[1].shape] }) : null;
    const gb = c.inputs.length > 2 && c.needs[2] ? g.sum(g.ndim === 4 ? [0, 2, 3] : [1, 2]) : null;
    return [gx, gw, gb];
  },
});
