import { type Args, NotImplementedError, type Tensor, ValueError, declare, fromArray, indexTensor, parseArgs } from '@flambeau/tensor';

const INTERPOLATE = declare('F.interpolate', 'interpolate(Tensor input, int[]? size=None, float[]? scaleFactor=None, str mode="nearest", bool? alignCorners=None, bool? recomputeScaleFactor=None, bool antialias=False)');

export type InterpolateMode = 'nearest' | 'bilinear' | 'linear';

export interface InterpolateOptions {
  /** Output spatial size; give this or `scaleFactor`. */
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  /** Default `'nearest'`. */
  mode?: InterpolateMode;
  /** For linear modes: map corner pixel centres onto each other (default false). */
  alignCorners?: boolean | null;
  /** Compute the output size from `scaleFactor`, then interpolate as if that size had been given. */
  recomputeScaleFactor?: boolean | null;
  /** Not supported (PyTorch's anti-aliased bilinear/bicubic downsampling). */
  antialias?: boolean;
}
/** `interpolate`'s positional tail, in PyTorch's order. */
export type InterpolateTail = [size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null, antialias: boolean];

/** Float32 arithmetic: ATen computes nearest indices, and linear coordinates of float inputs, in float. */
const f32 = Math.fround;
const exact = (x: number) => x;

/** `nearest_idx`: the source index of each output index along one dim. */
function nearestIndex(inSize: number, outSize: number, scale: number | null): number[] {
  return Array.from({ length: outSize }, (_, o) => {
    if (outSize === inSize) return o;
    if (outSize === 2 * inSize) return o >> 1;
    const s = scale !== null ? f32(1 / scale) : f32(inSize / outSize);
    return Math.min(Math.floor(f32(o * s)), inSize - 1);
  });
}

/** `area_pixel_compute_source_index` + neighbours and weights for linear interpolation along one dim. */
function linearWeights(inSize: number, outSize: number, scale: number | null, alignCorners: boolean, single: boolean): { i0: number[]; i1: number[]; l1: number[] } {
  const f = single ? f32 : exact;
  const i0: number[] = [], i1: number[] = [], l1: number[] = [];
  let s: number;
  if (alignCorners) s = outSize > 1 ? f((inSize - 1) / (outSize - 1)) : 0;
  else s = scale !== null && scale > 0 ? f(1 / scale) : f(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    let src = alignCorners ? f(s * o) : f(f(s * f(o + 0.5)) - 0.5);
    if (!alignCorners && src < 0) src = 0;
    const a = Math.floor(src);
    i0.push(a);
    i1.push(a < inSize - 1 ? a + 1 : a);
    l1.push(f(src - a));
  }
  return { i0, i1, l1 };
}

/** Interpolates linearly along `dim` with gathered neighbours, so autograd differentiates it. */
function linearAlong(x: Tensor, dim: number, outSize: number, scale: number | null, alignCorners: boolean): Tensor {
  const { i0, i1, l1 } = linearWeights(x.shape[dim], outSize, scale, alignCorners, x.dtype !== 'float64');
  const shape = x.shape.map((_, d) => (d === dim ? outSize : 1));
  const arr = x.dtype === 'float64' ? Float64Array : Float32Array;
  const w1 = fromArray(arr.from(l1), shape, { dtype: x.dtype, device: x.device });
  const w0 = fromArray(arr.from(l1.map((v) => 1 - v)), shape, { dtype: x.dtype, device: x.device });
  const a = x.indexSelect(dim, indexTensor(i0, x.backend));
  const b = x.indexSelect(dim, indexTensor(i1, x.backend));
  return a.mul(w0).add(b.mul(w1));
}

/**
 * `F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None)` for
 * `nearest` (any number of spatial dims), `linear` (3-D input) and `bilinear` (4-D input).
 *
 * @example
 * F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false });
 */
export function interpolate(input: Tensor, ...rest: Args<InterpolateTail, InterpolateOptions>): Tensor {
  const opts = parseArgs(INTERPOLATE, [input, ...rest]) as Required<InterpolateOptions>;
  const mode = opts.mode;
  const spatial = input.ndim - 2;
  if (spatial < 1) throw new ValueError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  const { size, scaleFactor } = opts;
  if ((size === undefined || size === null) === (scaleFactor === undefined || scaleFactor === null)) {
    throw new ValueError(size == null ? 'either size or scale_factor should be defined' : 'only one of size or scale_factor should be defined');
  }
  const list = <T>(v: T | readonly T[]): T[] => (Array.isArray(v) ? [...(v as T[])] : new Array<T>(spatial).fill(v as T));
  if (opts.antialias) {
    if (mode !== 'bilinear') throw new ValueError('Anti-alias option is only supported for bilinear and bicubic modes');
    throw new NotImplementedError('interpolate: antialias=True is not supported');
  }
  let scales: (number | null)[] = scaleFactor != null ? list(scaleFactor) : new Array<null>(spatial).fill(null);
  const outSize = size != null ? list(size) : scales.map((s, i) => Math.floor(input.shape[2 + i] * (s as number)));
  if (opts.recomputeScaleFactor) {
    if (size != null) throw new ValueError('recompute_scale_factor is not meaningful with an explicit size.');
    scales = scales.map(() => null);
  }
  if (outSize.length !== spatial || scales.length !== spatial) {
    throw new ValueError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${input.shape.slice(2).join(', ')}] and output size of [${outSize.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
  }
  if (mode === 'nearest') {
    if (opts.alignCorners != null) throw new ValueError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
    let out = input;
    for (let i = 0; i < spatial; i++) {
      out = out.indexSelect(2 + i, indexTensor(nearestIndex(input.shape[2 + i], outSize[i], scales[i]), input.backend));
    }
    return out;
  }
  if ((mode === 'bilinear' && spatial !== 2) || (mode === 'linear' && spatial !== 1)) {
    throw new NotImplementedError(`Got ${input.ndim}D input, but ${mode} mode needs ${mode === 'linear' ? 3 : 4}D input`);
  }
  let out = input;
  for (let i = 0; i < spatial; i++) out = linearAlong(out, 2 + i, outSize[i], scales[i], opts.alignCorners ?? false);
  return out;
}
