import { expect } from 'vitest';
import { type Tensor, fromArray } from '@flambeau/tensor';

/** Fixture helpers shared by rnn.test.ts and transformer.test.ts (fixtures from tools/gen_rnn_fixtures.py). */
export interface TJ { shape: number[]; dtype: string; data: (number | string)[] }
export type In = TJ | TJ[] | null;
export interface Case {
  name: string; kind: string; args: number[]; opts: Record<string, unknown>; trainSeed: number | null; repr: string;
  state: Record<string, TJ>; inputs: In[]; callOpts: Record<string, unknown>;
  outputs: TJ[]; gradOutputs: TJ[]; paramGrads: Record<string, TJ>; inputGrads: (TJ | null)[];
}
export interface InitCase { name: string; kind: string; args: number[]; opts: Record<string, unknown>; seed: number; repr: string; state: Record<string, TJ> }

/** The generator writes non-finite floats as Python's `str()`: 'inf', '-inf', 'nan'. */
function num(x: number | string): number {
  return typeof x === 'number' ? x : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN;
}

export function toTensor(j: TJ, requiresGrad = false): Tensor {
  const data = j.data.map(num);
  const arr = j.dtype === 'bool' ? Uint8Array.from(data) : j.dtype === 'float64' || j.dtype === 'int64' ? Float64Array.from(data) : Float32Array.from(data);
  const t = fromArray(arr, j.shape, { dtype: j.dtype as 'float32' });
  return requiresGrad ? t.requiresGrad_(true) : t;
}

export function expectClose(actual: Tensor, want: TJ, tol: number, what: string): void {
  expect(actual.shape, what).toEqual(want.shape);
  const a = actual.dataSync();
  const w = want.data.map(num);
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    if (a[i] === w[i] || (Number.isNaN(a[i]) && Number.isNaN(w[i]))) continue;
    worst = Math.max(worst, Math.abs(a[i] - w[i]) / (1 + Math.abs(w[i])));
  }
  expect(worst, `${what}: max relative error`).toBeLessThan(tol);
}

export function flatten(out: unknown): Tensor[] {
  return Array.isArray(out) ? out.flatMap(flatten) : out === null ? [] : [out as Tensor];
}
