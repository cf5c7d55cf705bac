import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Parameter } from '@flambeau/nn';
import { ones } from '@flambeau/tensor';
import * as optim from '../src/index.js';

// str(optimizer) as PyTorch 1.13 prints it (tools/gen_repr_fixtures.py).
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/optimizer_reprs.json', import.meta.url), 'utf8')) as {
  optimizers: { name: string; options: Record<string, unknown> & { class: string; scheduler?: string }; groups: Record<string, unknown>[] | null; repr: string }[];
};

type AnyOptimizer = new (params: unknown, opts?: object) => optim.Optimizer;

describe("String(optimizer) is PyTorch's repr", () => {
  for (const { name, options, groups, repr } of FIXTURE.optimizers) {
    it(name, () => {
      const { class: cls, scheduler, ...opts } = options;
      const Cls = (optim as unknown as Record<string, AnyOptimizer>)[cls];
      const params = groups ? groups.map((g) => ({ params: [new Parameter(ones(2))], ...g })) : [new Parameter(ones(2))];
      const opt = new Cls(params, opts);
      if (scheduler === 'StepLR') new optim.lrScheduler.StepLR(opt as never, 2, 0.5);
      expect(String(opt)).toBe(repr);
    });
  }
  it('refuses the PyTorch flags it declares but does not implement', () => {
    expect(() => new optim.Adam([new Parameter(ones(2))], { fused: true })).toThrowError('Adam: fused=True is not supported');
    expect(() => new optim.SGD([new Parameter(ones(2))], { lr: 0.1, differentiable: true })).toThrowError('SGD: differentiable=True is not supported');
  });
});
