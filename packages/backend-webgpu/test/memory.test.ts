import * as torch from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import { expect, it } from 'vitest';
import { gpu, skipReason } from './helpers.js';

// A training loop that frees its temporaries (tidy) must reach a steady state: after warm-up the
// caching allocator serves every request from its cache (no new GPU buffers) and the bytes in use
// return to the same value after every step.
it.skipIf(!gpu)(`10 000 training steps keep GPU memory flat${skipReason ? ` (skipped: ${skipReason})` : ''}`, async () => {
  const g = gpu!;
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(16, 32), new nn.ReLU(), new nn.Linear(32, 4)).to('webgpu');
  const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
  const x = torch.randn(8, 16).to('webgpu'), y = torch.randn(8, 4).to('webgpu');
  const step = async () => {
    const loss = torch.tidy(() => {
      opt.zeroGrad();
      const l = net.forward(x).sub(y).square().mean();
      l.backward();
      opt.step();
      return l;
    });
    const v = await loss.item();
    loss.dispose();
    return v;
  };
  const first = await step();
  for (let s = 0; s < 20; s++) await step();
  const warm = { ...g.stats };
  const inUse: number[] = [];
  let last = first;
  for (let s = 0; s < 10_000; s++) {
    last = await step();
    if (s % 1000 === 0) inUse.push(g.stats.bytesInUse);
  }
  expect(last).toBeLessThan(first);
  expect(g.stats.allocations).toBe(warm.allocations);
  expect(new Set(inUse)).toEqual(new Set([warm.bytesInUse]));
  expect(g.stats.reuses).toBeGreaterThan(warm.reuses + 10_000 * 20);
}, 300_000);
