import { type DType, Tensor, fromArray } from '@flambeau/tensor';
import { type Image, makeImage } from '../src/image.js';

export interface Enc { shape: number[]; dtype: string; data: number[] }

export function dec(e: Enc): Tensor {
  const dtype = e.dtype as DType;
  const Arr = dtype === 'uint8' || dtype === 'bool' ? Uint8Array : dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Float64Array;
  return fromArray(new Arr(e.data), e.shape, { dtype });
}

/** CHW uint8 tensor → Image (HWC). */
export function toImage(t: Tensor): Image {
  const [c, h, w] = t.shape;
  const src = t.dataSync();
  const out = new Uint8Array(c * h * w);
  for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) out[p * c + k] = src[k * h * w + p];
  return makeImage(w, h, c, out);
}

/** Largest |a - b| and the count of differing elements; throws on shape/dtype mismatch. */
export function diff(actual: Tensor, expected: Enc): { max: number; count: number } {
  if (actual.shape.join() !== expected.shape.join()) throw new Error(`shape [${actual.shape}] != [${expected.shape}]`);
  if (actual.dtype !== expected.dtype) throw new Error(`dtype ${actual.dtype} != ${expected.dtype}`);
  const a = actual.dataSync();
  let max = 0, count = 0;
  expected.data.forEach((v, i) => {
    const d = Math.abs(a[i] - v);
    if (d > 0) count++;
    if (d > max || Number.isNaN(d)) max = Number.isNaN(d) ? Infinity : d;
  });
  return { max, count };
}
