import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, fromArray } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import type * as nn from '@flambeau/nn';

/** Fixtures written by tools/gen_conv_fixtures.py, shared by the conv, pooling and normalization tests. */
export interface Flat { shape: number[]; data: number[] }
export interface LayerCase {
  name: string; repr: string; dtype: DType; training: boolean; params: Record<string, Flat>; inputs: Flat[]; outputs: Flat[];
  gradOut: Flat; grads: Record<string, Flat>; buffers: Record<string, Flat>;
}
export const fx = JSON.parse(readFileSync(new URL('./fixtures/conv_layers.json', import.meta.url), 'utf8')) as {
  cases: LayerCase[];
  unpool: { repr: string; values: Flat; indices: Flat; outputSize: number[]; output: Flat; gradOut: Flat; grad: Flat };
  reprs: Record<string, string>;
  init: Record<string, Record<string, Flat>>;
};

export const T = (f: Flat, dtype: DType = 'float64'): Tensor =>
  fromArray(dtype === 'float32' ? Float32Array.from(f.data) : Float64Array.from(f.data), f.shape, { dtype });

export function expectClose(t: Tensor | null, f: Flat, tol: number): void {
  expect(t).not.toBeNull();
  expect(t!.shape).toEqual(f.shape);
  const d = t!.dataSync();
  let worst = 0;
  for (let i = 0; i < f.data.length; i++) worst = Math.max(worst, Math.abs(d[i] - f.data[i]) / (1 + Math.abs(f.data[i])));
  expect(worst).toBeLessThan(tol);
}

/**
 * Runs one fixture case: copies the fixture's parameters in, runs every step, compares outputs,
 * the last step's gradients (input and parameters) and the buffers afterwards.
 */
export function runCase(c: LayerCase, m: nn.Module): void {
  const tol = c.dtype === 'float32' ? 2e-5 : 1e-10;
  m.to(c.dtype);
  noGrad(() => {
    for (const [k, p] of m.namedParameters()) p.copy_(T(c.params[k], c.dtype));
  });
  m.train(c.training);
  let x: Tensor | null = null;
  let out: Tensor | null = null;
  c.inputs.forEach((inp, i) => {
    x = T(inp, c.dtype).requiresGrad_();
    const r = m(x) as Tensor | Tensor[];
    out = Array.isArray(r) ? r[0] : r;
    expectClose(out, c.outputs[i], tol);
  });
  out!.backward(T(c.gradOut, c.dtype));
  expectClose(x!.grad, c.grads.input, tol);
  for (const [k, p] of m.namedParameters()) expectClose(p.grad, c.grads[k], tol);
  const buffers = Object.fromEntries(m.namedBuffers());
  expect(Object.keys(buffers).sort()).toEqual(Object.keys(c.buffers).sort());
  for (const [k, b] of Object.entries(c.buffers)) expectClose(buffers[k], b, tol);
  expect(String(m)).toBe(c.repr);
}

