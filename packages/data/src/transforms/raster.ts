import { DTypeError, type DType, Tensor, type TypedArray, allocArray, defaultGenerator, fromArray } from '@flambeau/tensor';
import { type Image, isImage, makeImage } from '../image_buffer.js';

/**
 * The pixels of an `Image` (HWC bytes) or of a `[..., C, H, W]` tensor, as one typed array that
 * the kernels index directly: `planes` counts channels times any leading batch dims.
 */
export interface Raster {
  data: TypedArray;
  dtype: DType;
  /** Channels per image (C). */
  channels: number;
  /** C times the product of leading dims; equal to `channels` for an Image. */
  planes: number;
  h: number;
  w: number;
  /** HWC (Image) or planar CHW (tensor). */
  hwc: boolean;
  /** Leading dims of a tensor input (empty for an Image or a CHW tensor). */
  lead: number[];
}

export type ImageOrTensor = Image | Tensor;

export function toRaster(x: ImageOrTensor, what = 'img'): Raster {
  if (isImage(x)) return { data: x.data, dtype: 'uint8', channels: x.channels, planes: x.channels, h: x.height, w: x.width, hwc: true, lead: [] };
  if (x instanceof Tensor) {
    if (x.ndim < 2) throw new DTypeError(`Tensor is not a torch image: expected at least 2 dims, got shape [${x.shape.join(', ')}]`);
    const s = x.shape;
    const h = s[s.length - 2], w = s[s.length - 1];
    const channels = x.ndim === 2 ? 1 : s[s.length - 3];
    const lead = s.slice(0, Math.max(0, s.length - 3));
    return { data: x.contiguous().dataSync(), dtype: x.dtype, channels, planes: lead.reduce((a, b) => a * b, channels), h, w, hwc: false, lead: x.ndim === 2 ? [-1] : lead };
  }
  throw new DTypeError(`${what} should be an Image or a Tensor. Got ${x === null ? 'null' : typeof x === 'object' ? (x as object).constructor?.name : typeof x}`);
}

/** A raster of the same kind (Image/tensor, dtype, leading dims) with new pixels. */
export function fromRaster(r: Raster, data: TypedArray, h: number, w: number, channels = r.channels): ImageOrTensor {
  if (r.hwc) return makeImage(w, h, channels, data as Uint8Array);
  if (r.lead[0] === -1) return fromArray(data, [h, w], { dtype: r.dtype, device: 'cpu' });
  return fromArray(data, [...r.lead, channels, h, w], { dtype: r.dtype, device: 'cpu' });
}

export function alloc(r: Raster, h: number, w: number, channels = r.channels): TypedArray {
  return allocArray(r.dtype, (r.planes / r.channels) * channels * h * w);
}

/** (height, width) of an Image or tensor, torchvision's `get_dimensions` minus channels. */
export function dims(x: ImageOrTensor): { c: number; h: number; w: number } {
  if (isImage(x)) return { c: x.channels, h: x.height, w: x.width };
  const s = (x as Tensor).shape;
  return { c: s.length === 2 ? 1 : s[s.length - 3], h: s[s.length - 2], w: s[s.length - 1] };
}

// ---- random draws, consumed from the default generator exactly as torchvision's calls consume it

/** `torch.randint(low, high, size=(1,)).item()`. */
export function randintItem(low: number, high: number): number {
  return low + (defaultGenerator.random() % (high - low));
}

/** `torch.rand(1).item()` (float32). */
export function randItem(): number {
  return defaultGenerator.uniformFloat();
}

/** `torch.empty(1).uniform_(a, b).item()`: float32 arithmetic, as PyTorch's CPU kernel. */
export function uniformItem(a: number, b: number): number {
  const f = Math.fround;
  const from = f(a), to = f(b);
  const x = defaultGenerator.uniformFloat();
  return f(f(x * f(to - from)) + from);
}

/** Python's `round()`: half to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
