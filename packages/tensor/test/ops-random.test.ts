import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { runGroup } from './fixture-runner.js';

describe('PyTorch fixtures: random', () => runGroup('random'));

describe('multinomial', () => {
  const w = torch.tensor([0.5, 2, 1.5, 6]);

  it('draws from an explicit generator exactly as from the seeded default one, leaving the default alone', () => {
    for (const replacement of [false, true]) {
      const n = replacement ? 20 : 3;
      torch.manualSeed(0);
      const fromDefault = [...w.multinomial(n, { replacement }).dataSync()];
      torch.manualSeed(5);
      const fromGen = [...torch.multinomial(w, n, { replacement, generator: new torch.Generator(0) }).dataSync()];
      const next = torch.rand([1]).dataSync()[0];
      expect(fromGen).toEqual(fromDefault);
      torch.manualSeed(5);
      expect(next).toBe(torch.rand([1]).dataSync()[0]);
    }
  });

  it('follows the weights: frequencies with replacement, distinct indices without', () => {
    const g = new torch.Generator(1);
    const counts = [0, 0, 0, 0];
    for (const i of torch.multinomial(w, 20000, { replacement: true, generator: g }).dataSync()) counts[i]++;
    [0.05, 0.2, 0.15, 0.6].forEach((p, i) => expect(Math.abs(counts[i] / 20000 - p)).toBeLessThan(0.015));
    const rows = torch.multinomial(torch.rand([50, 6], { generator: g }), 6, { generator: g });
    expect(rows.shape).toEqual([50, 6]);
    for (let r = 0; r < 50; r++) expect(new Set(rows.dataSync().slice(r * 6, r * 6 + 6)).size).toBe(6);
  });
});
