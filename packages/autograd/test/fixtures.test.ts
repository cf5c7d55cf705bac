import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { DType, Tensor } from '@flambeau/tensor';
import { gradcheck } from '@flambeau/autograd';
import { CASES, NEEDS_OP, NO_GRADCHECK } from './cases.js';
import { expectClose } from './expect_close.js';

/** Skips cases whose forward op is not defined yet (conv/pool are added to @flambeau/tensor separately). */
const available = (name: string) => NEEDS_OP[name] === undefined || torch.hasOp(NEEDS_OP[name]);

interface Fix {
  data: unknown;
  shape: number[];
  dtype: string;
}
interface Case {
  name: string;
  inputs: Fix[];
  output: Fix;
  gradOutput: unknown;
  grads: (unknown | null)[];
}

const fixtures: { cases: Case[] } = JSON.parse(readFileSync(new URL('./fixtures/grads.json', import.meta.url), 'utf8'));
const DTYPES: Record<string, DType> = { float32: 'float32', float64: 'float64', int64: 'int64', bool: 'bool' };

function make(f: Fix, dtype?: DType): Tensor {
  const d = dtype && (f.dtype === 'float32' || f.dtype === 'float64') ? dtype : DTYPES[f.dtype];
  const t = torch.tensor(f.data as number[], { dtype: d });
  return f.shape.length === 0 ? t.reshape([]) : t.reshape(f.shape);
}

describe('gradients match PyTorch (float32 fixtures)', () => {
  it('covers every case', () => {
    expect(fixtures.cases.map((c) => c.name).sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const c of fixtures.cases) {
    it.skipIf(!available(c.name))(c.name, () => {
      const inputs = c.inputs.map((f) => make(f));
      for (const x of inputs) if (x.isFloatingPoint()) x.requiresGrad = true;
      const y = CASES[c.name](...inputs);
      expect(y.shape).toEqual(c.output.shape);
      expectClose(y, c.output.data, 'output');
      y.backward(make({ data: c.gradOutput, shape: c.output.shape, dtype: c.output.dtype }));
      c.grads.forEach((g, i) => {
        if (g === null) expect(inputs[i].grad, `grad ${i}`).toBeNull();
        else expectClose(inputs[i].grad!, g, `grad ${i}`);
      });
    });
  }
});

describe('gradcheck (float64)', () => {
  for (const c of fixtures.cases) {
    if (NO_GRADCHECK.has(c.name)) continue;
    it.skipIf(!available(c.name))(c.name, () => {
      const inputs = c.inputs.map((f) => make(f, 'float64'));
      for (const x of inputs) if (x.isFloatingPoint()) x.requiresGrad = true;
      // `cast` and `view` build float32 constants inside; compare in float64 throughout.
      const fn = (...xs: Tensor[]) => {
        const r = CASES[c.name](...xs);
        return r.dtype === 'float64' ? r : r.double();
      };
      expect(gradcheck(fn, inputs, { atol: 1e-5, rtol: 1e-3 })).toBe(true);
    });
  }
});
