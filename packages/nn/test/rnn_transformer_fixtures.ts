import { expect } from 'vitest';
import { type Tensor, fromArray, manualSeed } from '@flambeau/tensor';
import type { Module } from '@flambeau/nn';

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

function flatten(out: unknown): Tensor[] {
  return Array.isArray(out) ? out.flatMap(flatten) : out === null ? [] : [out as Tensor];
}

/**
 * Checks `m` against a PyTorch case: repr and state keys, then, with the case's weights, the
 * outputs of `m(...args)` and the parameter and input grads. `call` makes the arguments from the
 * case's inputs and returns them with the leaves whose grads are checked.
 */
export function checkCase(m: Module, c: Case, call: () => [unknown[], Tensor[]], outputTol: number): void {
  expect(String(m)).toBe(c.repr);
  expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.state));
  m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, toTensor(v)])));
  if (c.trainSeed === null) m.eval();
  const [args, leaves] = call();
  // Seeded training-mode cases: dropout masks must be PyTorch's own draws.
  if (c.trainSeed !== null) manualSeed(c.trainSeed);
  const outs = flatten((m as unknown as (...a: unknown[]) => unknown)(...args));
  expect(outs.length).toBe(c.outputs.length);
  outs.forEach((o, i) => expectClose(o, c.outputs[i], outputTol, `output ${i}`));

  let loss = outs[0].mul(toTensor(c.gradOutputs[0])).sum();
  for (let i = 1; i < outs.length; i++) loss = loss.add(outs[i].mul(toTensor(c.gradOutputs[i])).sum());
  loss.backward();
  for (const [name, p] of m.namedParameters()) expectClose(p.grad!, c.paramGrads[name], 1e-4, `grad ${name}`);
  leaves.forEach((t, i) => expectClose(t.grad!, c.inputGrads[i]!, 1e-4, `input grad ${i}`));
}

/** Builds the module after seeding as the generator did, and compares its repr and initial state. */
export function checkInit(c: InitCase, build: () => Module, tol: number): void {
  manualSeed(c.seed);
  const m = build();
  expect(String(m)).toBe(c.repr);
  const sd = m.stateDict();
  expect(Object.keys(sd)).toEqual(Object.keys(c.state));
  for (const [k, v] of Object.entries(c.state)) expectClose(sd[k], v, tol, k);
}
