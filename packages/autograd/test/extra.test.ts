import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import { EXTRA } from './extra_cases.js';
import { expectClose, flat } from './expect_close.js';

interface Case {
  name: string;
  inputs: { data: unknown; shape: number[] }[];
  loss: number;
  grads: (unknown | null)[];
  gradFns: Record<string, string | null>;
}

const fixtures: { cases: Case[] } = JSON.parse(readFileSync(new URL('./fixtures/extra.json', import.meta.url), 'utf8'));

describe('custom Function context and views after in-place writes match PyTorch', () => {
  it('covers every case', () => {
    expect(fixtures.cases.map((c) => c.name).sort()).toEqual(Object.keys(EXTRA).sort());
  });
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const inputs = c.inputs.map((f) => torch.tensor(flat(f.data), { dtype: 'float32' }).reshape(f.shape).requiresGrad_());
      const { loss, gradFns } = EXTRA[c.name](...inputs);
      expect(gradFns).toEqual(c.gradFns);
      expectClose(loss, c.loss, 'loss');
      loss.backward();
      c.grads.forEach((g, i) => {
        if (g === null) expect(inputs[i].grad, `grad ${i}`).toBeNull();
        else expectClose(inputs[i].grad!, g, `grad ${i}`);
      });
    });
  }
});
