/**
 * Owned storage on an asynchronous device: a long training loop keeps device memory flat, and a
 * garbage collection frees nothing that is still referenced (a Parameter sharing the storage of
 * a tensor that died, `setData`, `module.to`).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import { collectGarbage as collect, testing } from '../src/index.js';

function deviceBytes(): number {
  return torch.memory().testing?.bytes ?? 0;
}

class Tagger extends nn.Module {
  lstm = new nn.LSTM(6, 8);
  head = new nn.Linear(8, 4);
  override forward(x: Tensor): Tensor {
    const [out] = this.lstm(x) as [Tensor, unknown];
    return this.head(out.reshape(-1, 8));
  }
}

describe('device memory over a training loop', () => {
  const cases = [
    { name: 'MLP with Adam', model: () => new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 5)), x: () => torch.rand(16, 20), y: () => torch.randint(5, [16]), opt: (m: nn.Module) => new optim.Adam(m.parameters()) },
    { name: 'LSTM with SGD momentum', model: () => new Tagger(), x: () => torch.rand(3, 2, 6), y: () => torch.randint(4, [6]), opt: (m: nn.Module) => new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }) },
  ];
  for (const c of cases) {
    it(`${c.name}: live device bytes after step 100 and step 2000 are equal`, async () => {
      torch.manualSeed(0);
      const model = c.model().to('testing');
      const opt = c.opt(model);
      const lossFn = new nn.CrossEntropyLoss();
      let at100 = 0;
      let lastLoss = 0;
      for (let step = 1; step <= 2000; step++) {
        const loss = lossFn(model(c.x().to('testing')), c.y().to('testing'));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        if (step === 100) {
          await collect();
          at100 = deviceBytes();
        }
        if (step === 2000) lastLoss = await loss.item();
      }
      await collect();
      expect(Number.isFinite(lastLoss)).toBe(true);
      expect(at100).toBeGreaterThan(0);
      expect(deviceBytes()).toBe(at100);
    }, 400_000);
  }
});

describe('a garbage collection frees nothing still referenced', () => {
  it('a Parameter made from a tensor that died keeps its storage', async () => {
    let p: nn.Parameter | null = (() => new nn.Parameter(torch.rand(3, 4).to('testing')))();
    await collect();
    expect((await p.sum().tolist()) as number).toBeGreaterThan(0);
    const before = deviceBytes();
    p = null;
    await collect();
    expect(deviceBytes()).toBeLessThan(before);
  });

  it('module.to and setData keep parameters readable after the temporaries are collected', async () => {
    torch.manualSeed(0);
    const m = new nn.Linear(4, 2);
    const want = await m.weight.tolist();
    m.to('testing');
    await collect();
    expect(await m.weight.tolist()).toEqual(want);
    const src = torch.zeros(2, 4).to('testing');
    nn.setData(m.weight, src);
    await collect();
    expect(await m.weight.sum().item()).toBe(0);
  });

  it('backward releases the graph: saved tensors are freed once the step is done', async () => {
    const w = new nn.Parameter(torch.rand(8, 8).to('testing'));
    await collect();
    const base = deviceBytes();
    let x: Tensor | null = torch.rand(8, 8).to('testing');
    let loss: Tensor | null = x.matmul(w).relu().sum();
    loss.backward();
    x = null;
    loss = null;
    await collect();
    // Only the gradient remains beside the parameter.
    expect(deviceBytes()).toBe(base + 8 * 8 * 4);
    expect(testing.counters.liveBytes).toBe(deviceBytes());
  });
});

describe('graphs that never run backward', () => {
  it('free what they saved once collected', async () => {
    const lin = new nn.Linear(4, 3).to('testing');
    await collect();
    const base = deviceBytes();
    for (let i = 0; i < 5; i++) lin(torch.rand(2, 4).to('testing')).relu().sum();
    await collect();
    expect(deviceBytes()).toBe(base);
  });
});
