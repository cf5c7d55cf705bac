import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type DType, type Tensor, fromArray } from '@flambeau/tensor';

/** Fixture helpers for the nn core tests (fixtures from tools/gen_nn_fixtures.py). */
export interface TJ { shape: number[]; dtype: DType; data: number[] }

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function toTensor(j: TJ, requiresGrad = false): Tensor {
  const Arr = { float32: Float32Array, float64: Float64Array, int64: Float64Array, int32: Int32Array, bool: Uint8Array, uint8: Uint8Array }[j.dtype];
  const t = fromArray(Arr.from(j.data), j.shape, { dtype: j.dtype });
  return requiresGrad ? t.requiresGrad_(true) : t;
}

export function stateOf(s: Record<string, TJ>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, toTensor(v)]));
}

/** Max error relative to 1 + |want| below `tol`, shapes equal. */
export function expectClose(actual: Tensor | null, want: TJ, tol: number, what: string): void {
  expect(actual, what).not.toBeNull();
  const a = (actual as Tensor).dataSync();
  expect((actual as Tensor).shape, what).toEqual(want.shape);
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(a[i] - want.data[i]) / (1 + Math.abs(want.data[i])));
  expect(worst, `${what}: max relative error`).toBeLessThan(tol);
}

/** Bit-exact comparison (same dtype, same values). */
export function expectExact(actual: Tensor, want: TJ, what: string): void {
  expect(actual.shape, what).toEqual(want.shape);
  expect(actual.dtype, what).toBe(want.dtype);
  expect(Array.from(actual.dataSync()), what).toEqual(Array.from(toTensor(want).dataSync()));
}
