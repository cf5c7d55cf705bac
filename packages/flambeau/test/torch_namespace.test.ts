import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { torch } from '../src/index.js';

// The names PyTorch 1.13 has (tools/gen_signatures.py): `torch.X` functions and `Tensor.X` methods.
const SIGNATURES = (JSON.parse(readFileSync(new URL('./fixtures/signatures.json', import.meta.url), 'utf8')) as { signatures: Record<string, unknown> }).signatures;
const camel = (s: string): string => s.replace(/(?<=[A-Za-z0-9])_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pyTorch = Object.keys(SIGNATURES).filter((k) => k.startsWith('torch.')).map((k) => k.slice('torch.'.length));
const pyTensor = new Set(Object.keys(SIGNATURES).filter((k) => k.startsWith('Tensor.')).map((k) => k.slice('Tensor.'.length)));

const methods = new Set<string>();
for (let p = torch.Tensor.prototype as object; p !== Object.prototype; p = Object.getPrototypeOf(p) as object) {
  for (const k of Object.getOwnPropertyNames(p)) if (k !== 'constructor') methods.add(k);
}
const ns = torch as unknown as Record<string, unknown>;

/** `torch.X` names with a Flambeau method `x.X` but deliberately no function form, and why. */
const NO_FUNCTION: Record<string, string> = {};
/** `torch.X` functions whose PyTorch method `x.X` Flambeau deliberately lacks, and why. */
const NO_METHOD: Record<string, string> = {};

describe('the torch namespace', () => {
  const both = pyTorch.filter((n) => methods.has(camel(n)));
  it('has PyTorch names to compare', () => expect(both.length).toBeGreaterThan(150));
  it('offers torch.X for every Tensor method that PyTorch also has as torch.X', () => {
    const missing = both.filter((n) => typeof ns[camel(n)] !== 'function' && !(camel(n) in NO_FUNCTION));
    expect(missing).toEqual([]);
  });
  it('offers x.X for every torch.X that PyTorch also has as a Tensor method', () => {
    const missing = pyTorch.filter((n) => pyTensor.has(n) && typeof ns[camel(n)] === 'function' && !methods.has(camel(n)) && !(camel(n) in NO_METHOD));
    expect(missing).toEqual([]);
  });
  it('lists absences only for names that are absent', () => {
    for (const n of Object.keys(NO_FUNCTION)) expect(ns[n], n).toBeUndefined();
    for (const n of Object.keys(NO_METHOD)) expect(methods.has(n), n).toBe(false);
  });

  it('function forms compute what their methods do, in place ones included', () => {
    const x = torch.tensor([[0.5, -1], [2, 3]]);
    const idx = torch.tensor([[0, 0], [1, 0]]);
    const cases: [string, torch.Tensor, torch.Tensor][] = [
      ['sin', torch.sin(x), x.sin()], ['neg', torch.neg(x), x.neg()], ['logsumexp', torch.logsumexp(x, 1), x.logsumexp(1)],
      ['norm', torch.norm(x), x.norm()], ['scatterAdd', torch.scatterAdd(torch.zeros(2, 2), 0, idx, x), torch.zeros(2, 2).scatterAdd(0, idx, x)],
      ['diag', torch.diag(x), x.diag()], ['trueDivide', torch.trueDivide(x, 2), x.div(2)],
    ];
    for (const [name, got, want] of cases) expect(got.tolistSync(), name).toEqual(want.tolistSync());
    const y = x.clone();
    expect(torch.relu_(y)).toBe(y);
    expect(y.tolistSync()).toEqual([[0.5, 0], [2, 3]]);
    expect(torch.zero_(y).tolistSync()).toEqual([[0, 0], [0, 0]]);
    torch.manualSeed(0);
    const a = torch.bernoulli(torch.full([8], 0.5));
    torch.manualSeed(0);
    expect(torch.full([8], 0.5).bernoulli().tolistSync()).toEqual(a.tolistSync());
  });

  it('has the dtype objects, torch.dtype and torch.Size', () => {
    for (const n of ['float16', 'half', 'float32', 'float', 'float64', 'double', 'int64', 'long', 'int32', 'int', 'bool', 'uint8']) expect(ns[n], n).toBeInstanceOf(torch.dtype);
    expect(torch.float).toBe(torch.float32);
    expect(String(torch.Size([2, 3]))).toBe('torch.Size([2, 3])');
  });
});
