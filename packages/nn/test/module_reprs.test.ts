import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ones, zeros } from '@flambeau/tensor';
import * as nn from '../src/index.js';

// PyTorch 1.13's outputs (tools/gen_repr_fixtures.py).
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/module_reprs.json', import.meta.url), 'utf8')) as {
  matched: string;
  missing_unexpected: string;
  replaced: { repr: string; keys: string[]; keys_after: string[] };
};

describe("loadStateDict returns PyTorch's _IncompatibleKeys", () => {
  it('prints <All keys matched successfully> when every key matched', () => {
    const sd = new nn.Linear(2, 2).stateDict();
    const r = new nn.Linear(2, 2).loadStateDict(sd);
    expect(String(r)).toBe(FIXTURE.matched);
    expect(r.missingKeys).toEqual([]);
    expect(r.unexpectedKeys).toEqual([]);
  });
  it('lists missing and unexpected keys with strict: false', () => {
    const sd = new nn.Linear(2, 2).stateDict();
    const r = new nn.Linear(2, 2).loadStateDict({ weight: sd.weight, extra: zeros(1) }, { strict: false });
    expect(String(r)).toBe(FIXTURE.missing_unexpected);
    const [missing, unexpected] = r;
    expect([missing, unexpected]).toEqual([['bias'], ['extra']]);
    expect(r.missingKeys).toEqual(['bias']);
  });
});

describe("assigning to a registered name keeps its slot, as PyTorch's __setattr__", () => {
  class Net extends nn.Module {
    static override readonly __name__: string = 'Net';
    a: nn.Module = new nn.Linear(1, 1);
    b: nn.Module = new nn.ReLU();
    c: nn.Module = new nn.Linear(1, 2);
  }
  it('printing and stateDict order', () => {
    const n = new Net();
    n.a = new nn.Tanh();
    expect(String(n)).toBe(FIXTURE.replaced.repr);
    expect(Object.keys(n.stateDict())).toEqual(FIXTURE.replaced.keys);
    n.c = new nn.Linear(1, 3);
    n.registerParameter('w', new nn.Parameter(ones(1)));
    n.b = new nn.Linear(2, 2);
    expect(Object.keys(n.stateDict())).toEqual(FIXTURE.replaced.keys_after);
  });
});
