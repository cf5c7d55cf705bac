/**
 * The data helpers run on the CPU whatever the default device is: a user who sets the default to
 * a GPU still gets batches on the host (moved with `.to(device)` in the loop, as in PyTorch).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import { DataLoader, Dataset, RandomSampler, TensorDataset, WeightedRandomSampler, randomSplit, transforms } from '@flambeau/data';
import '../src/index.js';

class Numbers extends Dataset<number> {
  get length(): number { return 4; }
  getItem(i: number): number { return i * 1.5; }
}

describe('data helpers with the default device set to an asynchronous one', () => {
  afterEach(() => torch.setDefaultDevice('cpu'));

  it('collate, samplers, splits and transforms stay on the CPU', async () => {
    const x = torch.rand(10, 3, 4, 4, { device: 'cpu' });
    const y = torch.arange(10, { device: 'cpu' });
    torch.setDefaultDevice('testing');
    const ds = new TensorDataset(x, y);
    const loader = new DataLoader(ds, { batchSize: 4, sampler: new RandomSampler(ds) });
    for await (const [xb, yb] of loader) {
      expect(String(xb.device)).toBe('cpu');
      expect(String(yb.device)).toBe('cpu');
    }
    const numbers = new DataLoader(new Numbers(), { batchSize: 2 });
    for await (const b of numbers) expect(String((b as torch.Tensor).device)).toBe('cpu');
    expect([...new WeightedRandomSampler([0.2, 0.8], 5)].length).toBe(5);
    const [a, b] = randomSplit(ds, [6, 4]);
    expect(a.length + b.length).toBe(10);
    const t = new transforms.Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2]);
    expect(String(t.forward(x.select(0, 0)).device)).toBe('cpu');
  });
});
