import { type Backend, type DType, type Storage, type StridedView, arrayType, contiguousStrides, cpu } from '@flambeau/tensor';
import { expect } from 'vitest';

/** A small deterministic generator for test data (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randn(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** The same data stored on the GPU and on the CPU, viewed through the same geometry. */
export class Pair {
  constructor(readonly gpu: Backend) {}
  store(data: ArrayLike<number>, dtype: DType): [Storage, Storage] {
    const arr = new (arrayType(dtype))(data as number[]);
    return [this.gpu.fromArray(arr, dtype), cpu.fromArray(arr, dtype)];
  }
  view(data: ArrayLike<number>, dtype: DType, shape: readonly number[], strides?: readonly number[], offset = 0): [StridedView, StridedView] {
    const [g, c] = this.store(data, dtype);
    const st = strides ?? contiguousStrides(shape);
    return [{ storage: g, dtype, shape, strides: st, offset }, { storage: c, dtype, shape, strides: st, offset }];
  }
}

/** GPU result against the CPU reference: equal for integers, within float32 tolerance otherwise. */
export async function expectMatch(gpu: Backend, got: Storage, want: Storage, rtol = 1e-4, atol = 1e-5): Promise<void> {
  expect(got.dtype).toBe(want.dtype);
  const g = await gpu.read(got);
  const w = await cpu.read(want);
  expect(g.length).toBe(w.length);
  const bad: string[] = [];
  for (let i = 0; i < w.length; i++) {
    const ok = Number.isNaN(w[i]) ? Number.isNaN(g[i]) : want.dtype === 'float32' ? Math.abs(g[i] - w[i]) <= atol + rtol * Math.abs(w[i]) : g[i] === w[i];
    if (!ok && bad.length < 6) bad.push(`[${i}] got ${g[i]} want ${w[i]}`);
  }
  expect(bad).toEqual([]);
}
