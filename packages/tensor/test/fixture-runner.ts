/**
 * Replays the PyTorch-generated cases of test/fixtures/ops_*.json (written by
 * tools/gen_tensor_fixtures.py) and compares results: dtype and shape exactly, values with
 * float32 rtol 1e-5 / atol 1e-6, float64 1e-12, integers and bools exactly, errors by class and text.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { DTypeError, FlambeauError, IndexError, RuntimeError, Tensor, ValueError, type DType } from '../src/index.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface EncTensor { values: (number | string)[]; shape: number[]; dtype: DType }
interface Call { kind: string; name: string; args: Json[]; kwargs: Record<string, Json> }
export interface Case { name: string; call: Call; expect: Json }

export function loadCases(group: string): Case[] {
  const url = new URL(`./fixtures/ops_${group}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: Case[] }).cases;
}

export function num(v: number | string | boolean): number {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function buildTensor(t: EncTensor): Tensor {
  const a = torch.allocArray(t.dtype, t.values.length);
  t.values.forEach((v, i) => { a[i] = num(v); });
  return torch.fromArray(a, t.shape, { dtype: t.dtype });
}

/** Applies recorded view steps: `['t']`, `['transpose', 0, 1]`, `['step', dim, start, stop, step]`. */
export function applyView(x: Tensor, steps: Json[]): Tensor {
  let t = x;
  for (const s of steps as Json[][]) {
    const [op, ...a] = s as [string, ...Json[]];
    if (op === 'step') {
      const [d, st, e, step] = a as (number | null)[];
      t = t.index(...Array<torch.IndexItem>(d as number).fill(torch.slice()), torch.slice(st, e, step));
    } else {
      t = (t as unknown as Record<string, (...x: unknown[]) => Tensor>)[camel(op)](...a.map(decode));
    }
  }
  return t;
}

function decode(a: Json): unknown {
  if (a === null || typeof a === 'boolean') return a;
  if (typeof a === 'number' || a === 'NaN' || a === 'Infinity' || a === '-Infinity') return num(a);
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return a.map(decode);
  if ('t' in a) return applyView(buildTensor(a.t as unknown as EncTensor), a.view as Json[]);
  if ('slice' in a) {
    const [s, e, st] = a.slice as (number | null)[];
    return torch.slice(s, e, st);
  }
  if ('dtype' in a) return a.dtype;
  throw new Error(`cannot decode ${JSON.stringify(a)}`);
}

/** Positional parameters before the trailing options object, where the call may omit some. */
const ARITY: Record<string, number> = {
  sum: 1, mean: 1, prod: 1, amax: 1, amin: 1, all: 1, any: 1, argmax: 1, argmin: 1, max: 1, min: 1, var: 1, std: 1,
  logsumexp: 1, norm: 2, cumsum: 1, cumprod: 1, sort: 1, argsort: 1, topk: 2, add: 1, sub: 1, div: 1, divide: 1,
  indexAdd: 3, scatter: 3, eye: 2, full: 2, fullLike: 2, tensor: 1, zerosLike: 1, onesLike: 1, randLike: 1, randnLike: 1,
  randint: 3, randperm: 1, normal: 3, linspace: 3, div_: 1, multinomial: 2,
};
/** Keyword arguments PyTorch takes by name that Flambeau takes positionally. */
const POSITIONAL_KW: Record<string, string[]> = { sort: ['dim'] };

function fnOf(name: string): (...a: unknown[]) => unknown {
  const n = camel(name.startsWith('F.') ? name.slice(2) : name);
  const f = (torch as unknown as Record<string, unknown>)[n];
  if (typeof f !== 'function') throw new Error(`no torch.${n}`);
  return f as (...a: unknown[]) => unknown;
}

function withKwargs(name: string, args: unknown[], kwargs: Record<string, Json>): unknown[] {
  const kw: Record<string, unknown> = {};
  const pos = [...args];
  for (const [k, v] of Object.entries(kwargs)) kw[camel(k)] = decode(v);
  for (const k of POSITIONAL_KW[name] ?? []) {
    if (k in kw) { pos.push(kw[k]); delete kw[k]; }
  }
  if (Object.keys(kw).length === 0) return pos;
  const arity = ARITY[name];
  while (arity !== undefined && pos.length < arity) pos.push(undefined);
  return [...pos, kw];
}

export function runCall(c: Call): unknown {
  const name = camel(c.name);
  if (c.kind === 'seeded') {
    torch.manualSeed(c.kwargs.seed as number);
    return (c.args as unknown as Call[]).map(runCall);
  }
  const args = c.args.map(decode);
  switch (c.kind) {
    case 'method': {
      const [self, ...rest] = args as [Tensor, ...unknown[]];
      const m = (self as unknown as Record<string, (...x: unknown[]) => unknown>)[name];
      if (typeof m !== 'function') throw new Error(`no Tensor.${name}`);
      return m.apply(self, withKwargs(name, rest, c.kwargs));
    }
    case 'fn':
      return fnOf(c.name)(...withKwargs(camel(c.name.replace(/^F\./, '')), args, c.kwargs));
    case 'index': {
      const [self, ...items] = args as [Tensor, ...torch.IndexItem[]];
      return self.index(...items);
    }
    case 'inplace': {
      const [self, ...rest] = args as [Tensor, ...unknown[]];
      (self as unknown as Record<string, (...x: unknown[]) => unknown>)[name](...withKwargs(name, rest, c.kwargs));
      return self;
    }
    case 'viewWrite': {
      const [base, , ...rest] = args as [Tensor, unknown, ...unknown[]];
      const v = applyView(base, c.args[1] as Json[]);
      (v as unknown as Record<string, (...x: unknown[]) => unknown>)[name](...withKwargs(name, rest, c.kwargs));
      return base;
    }
    case 'indexPut': {
      const [self, items, value] = args as [Tensor, torch.IndexItem[], Tensor | number];
      return self.indexPut_(items, value);
    }
  }
  throw new Error(`unknown call kind ${c.kind}`);
}

const ERRORS: Record<string, new (m: string) => FlambeauError> = { RuntimeError, IndexError, DTypeError, ValueError };

function close(got: number, want: number, dtype: DType): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  if (dtype === 'float32') return Math.abs(got - want) <= 1e-6 + 1e-5 * Math.abs(want);
  if (dtype === 'float64') return Math.abs(got - want) <= 1e-12 + 1e-12 * Math.abs(want);
  return got === want;
}

export function compare(got: unknown, want: Json, where = 'result'): void {
  const w = want as Record<string, Json>;
  if ('list' in w) {
    const g = got instanceof Tensor ? null : got && typeof got === 'object' && 'values' in got && 'indices' in got
      ? [(got as torch.ValuesIndices).values, (got as torch.ValuesIndices).indices] : got;
    expect(Array.isArray(g), `${where}: expected a list`).toBe(true);
    const arr = g as unknown[];
    expect(arr.length, `${where}: list length`).toBe((w.list as Json[]).length);
    (w.list as Json[]).forEach((x, i) => compare(arr[i], x, `${where}[${i}]`));
    return;
  }
  if ('scalar' in w) {
    expect(close(Number(got), num(w.scalar as number), 'float64'), `${where}: ${String(got)} vs ${String(w.scalar)}`).toBe(true);
    return;
  }
  expect(got, `${where}: expected a Tensor`).toBeInstanceOf(Tensor);
  const t = got as Tensor;
  const e = w as unknown as EncTensor;
  expect(t.dtype, `${where}: dtype`).toBe(e.dtype);
  expect([...t.shape], `${where}: shape`).toEqual(e.shape);
  const data = t.dataSync();
  const bad: string[] = [];
  e.values.forEach((v, i) => {
    const want1 = num(v);
    if (!close(data[i], want1, e.dtype)) bad.push(`[${i}] ${data[i]} != ${want1}`);
  });
  expect(bad.slice(0, 6), `${where}: ${bad.length} of ${e.values.length} values differ`).toEqual([]);
}

export interface RunOptions {
  /** Cases whose error text legitimately differs from PyTorch's (class is still checked): name → reason. */
  looseMessages?: Record<string, string>;
}

/** Messages PyTorch words in terms of Python signatures or C++ internals, not the misuse itself. */
const INTERNAL = /received an invalid combination of arguments|INDICES element is out of DATA bounds|_vml_cpu|_kernel_impl|lastdim/;

export function checkCase(c: Case, opts: RunOptions = {}): void {
  const w = c.expect as Record<string, Json>;
  if ('error' in w) {
    let err: unknown = null;
    let result: unknown;
    try {
      result = runCall(c.call);
      // On an asynchronous device a failed value check is raised at the next readback.
      readBack(result);
    } catch (e) {
      err = e;
    }
    expect(err, `expected ${String(w.error)}: ${String(w.message)}; got ${result instanceof Tensor ? `tensor ${result.dtype} [${result.shape}]` : String(result)}`).not.toBe(null);
    expect(err).toBeInstanceOf(FlambeauError);
    const Cls = ERRORS[w.error as string];
    // Exact class: a RuntimeError case must not pass with a DTypeError (PyTorch's TypeError), nor the reverse.
    expect(err instanceof Cls && (w.error === 'DTypeError' || !(err instanceof DTypeError)), `${(err as Error).name} instead of ${String(w.error)}: ${(err as Error).message}`).toBe(true);
    if (!(c.name in (opts.looseMessages ?? {})) && !INTERNAL.test(w.message as string)) {
      expect((err as Error).message).toBe(w.message);
    }
    return;
  }
  compare(runCall(c.call), c.expect);
}

function readBack(x: unknown): void {
  if (x instanceof Tensor) x.dataSync();
  else if (Array.isArray(x)) x.forEach(readBack);
  else if (x && typeof x === 'object' && 'values' in x) readBack(Object.values(x));
}

/** One `it` per case. */
export function runGroup(group: string, opts: RunOptions = {}): void {
  for (const c of loadCases(group)) it(c.name, () => checkCase(c, opts));
}
