/**
 * The float16 fixture cases (test/fixtures/float16.json, written by tools/gen_half_fixtures.py from
 * PyTorch 1.13) as a suite any device can run: the CPU (test/float16.test.ts) and webgpu
 * (packages/backend-webgpu/test/float16.test.ts). Values are compared in float16 ulps of
 * PyTorch's value; `ulps` says how many each group may differ by on the device under test.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';

interface Flat { shape: number[]; data: (number | string)[] }
type Group = Record<string, Flat | Record<string, Flat>>;
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/float16.json', import.meta.url), 'utf8')) as { cases: Record<string, Group> };

const num = (v: number | string): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);
const values = (f: Flat): number[] => f.data.map(num);

/** The spacing of float16 values at |v| (2^-24 in the subnormal range). */
export function halfUlp(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(a)) - 10);
}

/** Elements of `got` more than `ulps` float16 ulps from `want` (NaN must meet NaN, ±Infinity itself). */
export function halfMismatches(got: ArrayLike<number>, want: readonly number[], ulps: number): string[] {
  expect(got.length).toBe(want.length);
  const bad: string[] = [];
  want.forEach((w, i) => {
    const g = got[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= ulps * halfUlp(w);
    if (!ok) bad.push(`[${i}] ${g} vs PyTorch ${w}`);
  });
  return bad.slice(0, 5);
}

export interface HalfTolerance { exact: number; unary: number; reduce: number; matmul: number; softmax: number }

/** Registers the float16 fixture tests for tensors on `device`. */
export function float16Suite(device: string, tol: HalfTolerance): void {
  const c = fixtures.cases;
  const half = (f: Flat): Tensor => torch.tensor(values(f), { dtype: 'float32', device }).reshape(...f.shape).half();
  const check = async (t: Tensor, want: Flat, ulps: number, dtype = 'float16') => {
    expect(t.dtype).toBe(dtype);
    expect(t.shape).toEqual(want.shape);
    expect(String(t.device).split(':')[0]).toBe(device);
    expect(halfMismatches(await t.contiguous().dataAsync(), values(want), ulps)).toEqual([]);
  };

  it('float32 → float16 rounds to nearest even, overflows to inf, keeps subnormals and NaN', async () => {
    const g = c.castFromFloat32 as Record<string, Flat>;
    await check(torch.tensor(values(g.input), { dtype: 'float32', device }).half(), g.output, 0);
  });

  it('float16 → int32 truncates; float16 → bool', async () => {
    const i = c.castToInt32 as Record<string, Flat>;
    await check(half(i.input).to('int32'), i.output, 0, 'int32');
    const b = c.castToBool as Record<string, Flat>;
    await check(half(b.input).to('bool'), b.output, 0, 'bool');
  });

  it('binary ops and scalars compute in float and store float16 (PyTorch fixtures)', async () => {
    const g = c.binary as { x: Flat; y: Flat; out: Record<string, Flat> };
    const x = half(g.x), y = half(g.y);
    const got: Record<string, Tensor> = {
      add: x.add(y), sub: x.sub(y), mul: x.mul(y), div: x.div(y), mulScalar: x.mul(0.1), addScalar: x.add(1.7),
      pow2: x.pow(2), maximum: x.maximum(y),
    };
    for (const [k, t] of Object.entries(got)) await check(t, g.out[k], tol.exact);
  });

  it('unary ops (PyTorch fixtures)', async () => {
    const g = c.unary as { x: Flat; pos: Flat; out: Record<string, Flat> };
    const x = half(g.x), pos = half(g.pos);
    const got: Record<string, Tensor> = {
      neg: x.neg(), abs: x.abs(), exp: x.exp(), tanh: x.tanh(), sigmoid: x.sigmoid(), relu: x.relu(), sin: x.sin(),
      sqrt: pos.sqrt(), log: pos.log(),
    };
    for (const [k, t] of Object.entries(got)) await check(t, g.out[k], ['neg', 'abs', 'relu'].includes(k) ? 0 : tol.unary);
  });

  it('reductions accumulate in float32 and return float16 (PyTorch fixtures)', async () => {
    const g = c.reduce as { x: Flat; big: Flat; out: Record<string, Flat> };
    const x = half(g.x), big = half(g.big);
    await check(x.sum(), g.out.sumAll, tol.reduce);
    await check(x.sum(1), g.out.sum1, tol.reduce);
    await check(x.mean(0), g.out.mean0, tol.reduce);
    await check(x.max(1).values, g.out.max1, 0);
    await check(x.argmax(1), g.out.argmax1, 0, 'int64');
    await check(big.sum(), g.out.bigSum, tol.reduce);
    await check(big.mean(), g.out.bigMean, tol.reduce);
  });

  it('matmul accumulates in float32 (PyTorch fixtures, plain and batched)', async () => {
    const g = c.matmul as Record<string, Flat>;
    await check(half(g.a).matmul(half(g.b)), g.out, tol.matmul);
    await check(half(g.ba).matmul(half(g.bb)), g.bout, tol.matmul);
  });

  it('softmax (PyTorch fixtures)', async () => {
    const g = c.softmax as Record<string, Flat>;
    await check(half(g.x).softmax(1), g.out, tol.softmax);
  });

  it('float16 promotes like PyTorch: with float32 → float32, with integers and Python floats → float16', () => {
    const h = torch.tensor([1, 2], { dtype: 'float16', device });
    expect(h.add(torch.tensor([1, 2], { dtype: 'float32', device })).dtype).toBe('float32');
    expect(h.add(torch.tensor([1, 2], { dtype: 'int64', device })).dtype).toBe('float16');
    expect(h.mul(0.5).dtype).toBe('float16');
    expect(torch.isFloating(h.dtype)).toBe(true);
  });
}
