// Inputs for the tests that call CPU kernels directly (no tensors): reproducible values and
// minimal storages and views around typed arrays.
import type { Storage, StridedView } from '../src/backend.js';
import type { TypedArray } from '../src/dtype.js';

/** Deterministic values in [-1, 1) (an LCG), so failures reproduce; float64 unless `Ctor` says otherwise. */
export function values<T extends Float32Array | Float64Array = Float64Array>(n: number, seed: number,
  Ctor: new (n: number) => T = Float64Array as unknown as new (n: number) => T): T {
  const out = new Ctor(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The kernels' `make`: a bare storage around the array. */
export const make = (_: unknown, data: TypedArray) => ({ data }) as unknown as Storage;
export const dataOf = (s: Storage) => (s as unknown as { data: TypedArray }).data;

/** A dense row-major view of `data` with this shape. */
export function denseView(data: Float32Array | Float64Array, shape: number[]): StridedView {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return { storage: { data } as unknown as Storage, dtype: data instanceof Float32Array ? 'float32' : 'float64', shape, strides, offset: 0 };
}
