/** The sampler and pruner rules on hand-made trial histories. */
import { describe, expect, it } from 'vitest';
import { MedianPruner, SuccessiveHalvingPruner } from '../src/tune/pruners.js';
import { RandomSampler, TPESampler } from '../src/tune/samplers.js';
import { SEARCH_SPACE } from '../src/tune/space.js';
import type { Trial } from '../src/tune/storage.js';

const trial = (id: number, state: Trial['state'], values: number[], params: Trial['params'] = null): Trial =>
  ({ id, number: id, state, params, value: state === 'COMPLETE' ? values[values.length - 1] : null, worker: 'w', intermediate: new Map(values.map((v, i) => [i + 1, v])) });

describe('pruners', () => {
  it('median: prunes below the median of completed trials at the same step', () => {
    const p = new MedianPruner(1, 0);
    const done = [trial(0, 'COMPLETE', [0.5, 0.7]), trial(1, 'COMPLETE', [0.3, 0.6]), trial(2, 'COMPLETE', [0.9, 0.95])];
    const me = trial(3, 'RUNNING', [0.45]);
    expect(p.shouldPrune(me, 1, 0.45, [...done, me])).toBe(true); // median of 0.5, 0.3, 0.9 is 0.5
    expect(p.shouldPrune(me, 1, 0.5, [...done, me])).toBe(false);
    // Pruned and running trials do not count, and nothing is pruned before a trial completes.
    expect(p.shouldPrune(me, 1, 0.1, [trial(4, 'PRUNED', [0.9]), me])).toBe(false);
  });

  it('successive halving: only the top 1/η at a rung (the best below η trials) goes on', () => {
    const p = new SuccessiveHalvingPruner(1, 3);
    const others = [trial(0, 'COMPLETE', [0.8]), trial(1, 'PRUNED', [0.2])];
    const me = trial(2, 'RUNNING', [0.5]);
    expect(p.shouldPrune(me, 1, 0.5, [...others, me])).toBe(true); // 3 values: only the best continues
    expect(p.shouldPrune(me, 1, 0.85, [...others, me])).toBe(false);
    expect(p.shouldPrune(me, 2, 0.0, [...others, me])).toBe(false); // step 2 is not a rung (1, 3, 9, …)
    const six = [0.9, 0.8, 0.7, 0.6, 0.5].map((v, i) => trial(10 + i, 'COMPLETE', [v, v, v]));
    expect(p.shouldPrune(me, 3, 0.85, [...six, me])).toBe(false); // 2nd of 6: top 2 go on
    expect(p.shouldPrune(me, 3, 0.75, [...six, me])).toBe(true);
  });
});

describe('samplers', () => {
  it('random: draws depend on the seed and the trial number only, within the space', () => {
    const a = new RandomSampler(3).sample(SEARCH_SPACE, [], 5);
    expect(new RandomSampler(3).sample(SEARCH_SPACE, [trial(0, 'COMPLETE', [1])], 5)).toEqual(a);
    expect(new RandomSampler(3).sample(SEARCH_SPACE, [], 6)).not.toEqual(a);
    expect(a.lr).toBeGreaterThanOrEqual(1e-4);
    expect(a.lr).toBeLessThanOrEqual(1e-1);
    expect([32, 64, 128]).toContain(a.batchSize);
    expect(['sgd', 'adam', 'adamw', 'rmsprop']).toContain(a.optimizer);
  });

  it('TPE: after the random start-up, samples concentrate near the best trials', () => {
    // The best trials used lr ≈ 0.03 with adam; the worst lr ≈ 2e-4 with sgd.
    const history = Array.from({ length: 20 }, (_, i) => {
      const good = i < 4;
      return trial(i, 'COMPLETE', [good ? 0.9 + i / 100 : 0.2 + i / 100], { lr: good ? 0.03 * (1 + i / 10) : 2e-4 * (1 + i / 20), batchSize: 64, optimizer: good ? 'adam' : 'sgd', weightDecay: 1e-4 });
    });
    const tpe = new TPESampler(0, 4);
    const draws = Array.from({ length: 30 }, (_, n) => tpe.sample(SEARCH_SPACE, history, 100 + n));
    const nearGood = draws.filter((d) => Math.abs(Math.log((d.lr as number) / 0.03)) < Math.abs(Math.log((d.lr as number) / 2e-4))).length;
    expect(nearGood).toBeGreaterThanOrEqual(24);
    expect(draws.filter((d) => d.optimizer === 'adam').length).toBeGreaterThan(draws.filter((d) => d.optimizer === 'sgd').length);
    // Before `startupTrials` results, TPE is the random sampler.
    expect(new TPESampler(0, 4).sample(SEARCH_SPACE, history.slice(0, 3), 7)).toEqual(new RandomSampler(0).sample(SEARCH_SPACE, [], 7));
  });
});
