import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import { gradgradcheck } from '@flambeau/autograd';
import { CASES, NEEDS_OP, NO_GRADCHECK } from './cases.js';

interface Fix { data: unknown; shape: number[]; dtype: string }
const fixtures: { cases: { name: string; inputs: Fix[] }[] } = JSON.parse(readFileSync(new URL('./fixtures/grads.json', import.meta.url), 'utf8'));

describe('double backward (createGraph) passes gradgradcheck in float64', () => {
  for (const c of fixtures.cases) {
    if (NO_GRADCHECK.has(c.name)) continue;
    const available = NEEDS_OP[c.name] === undefined || torch.hasOp(NEEDS_OP[c.name]);
    it.skipIf(!available)(c.name, () => {
      const inputs = c.inputs.map((f) => {
        const t = torch.tensor(f.data as number[], { dtype: f.dtype === 'float32' ? 'float64' : (f.dtype as 'int64' | 'bool') });
        return f.shape.length === 0 ? t.reshape([]) : t.reshape(f.shape);
      });
      for (const x of inputs) if (x.isFloatingPoint()) x.requiresGrad = true;
      const fn = (...xs: Tensor[]) => {
        const r = CASES[c.name](...xs);
        return r.dtype === 'float64' ? r : r.double();
      };
      torch.manualSeed(1);
      expect(gradgradcheck(fn, inputs)).toBe(true);
    });
  }
});
