import { describe, expect, it } from 'vitest';
import type { DType } from '@flambeau/tensor';
import { fixtures, makeProblem } from './problem.js';
import { build, trainStep } from './optimizers.test.js';

describe('stateDict / loadStateDict resume training bit for bit', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const straight = makeProblem(c.dtype as DType);
      const optStraight = build(c, straight);
      for (let i = 0; i < 20; i++) trainStep(optStraight, straight);

      const first = makeProblem(c.dtype as DType);
      const optFirst = build(c, first);
      for (let i = 0; i < 10; i++) trainStep(optFirst, first);
      const sd = optFirst.stateDict();

      const resumed = makeProblem(c.dtype as DType);
      resumed.w.detach().copy_(first.w.detach());
      resumed.v.detach().copy_(first.v.detach());
      const optResumed = build(c, resumed);
      optResumed.loadStateDict(sd);
      // The saved dict shares tensors with optFirst; loading must have copied them.
      trainStep(optFirst, first);
      for (let i = 0; i < 10; i++) trainStep(optResumed, resumed);

      expect(resumed.flat()).toEqual(straight.flat());
    });
  }
});
