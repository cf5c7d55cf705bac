import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, fromArray } from '@flambeau/tensor';

/** Helpers shared by conv.test.ts and pool.test.ts (fixtures/conv_ops.json, from tools/gen_conv_fixtures.py). */
export interface Flat { shape: number[]; data: number[] }

/** The cases of conv_ops.json, typed by the test that reads them. */
export function loadConvOps<F>(): F {
  return JSON.parse(readFileSync(new URL('./fixtures/conv_ops.json', import.meta.url), 'utf8')) as F;
}

export const T = (f: Flat, dtype: DType): Tensor => fromArray(dtype === 'float32' ? Float32Array.from(f.data) : Float64Array.from(f.data), f.shape, { dtype });

export function expectClose(t: Tensor, f: Flat, tol: number): void {
  expect(t.shape).toEqual(f.shape);
  const d = t.dataSync();
  let worst = 0;
  for (let i = 0; i < f.data.length; i++) worst = Math.max(worst, Math.abs(d[i] - f.data[i]) / (1 + Math.abs(f.data[i])));
  expect(worst).toBeLessThan(tol);
}
