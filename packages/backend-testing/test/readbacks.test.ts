/**
 * What a training step costs on an asynchronous device: the op, layer, loss, optimizer and
 * autograd code must not read device data back (each read would stall a GPU's queue) nor upload
 * anything but the batch the user moves there (JS numbers stay host values; creation and random
 * ops run as device kernels).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import { testing } from '../src/index.js';
import { CNNNet } from '../../../apps/trainer/src/models/index.js';


class LSTMTagger extends nn.Module {
  lstm = new nn.LSTM(8, 16, { numLayers: 2, batchFirst: true });
  head = new nn.Linear(16, 5);
  override forward(x: Tensor): Tensor {
    const [out] = this.lstm(x) as [Tensor, unknown];
    return this.head(out.reshape(-1, 16));
  }
}

class Encoder extends nn.Module {
  layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
  head = new nn.Linear(16, 3);
  override forward(x: Tensor): Tensor {
    return this.head(this.layer(x).mean(1));
  }
}

interface Case {
  name: string;
  model: () => nn.Module;
  batch: () => [Tensor, Tensor];
  optimizer: (p: Iterable<nn.Parameter>) => optim.Optimizer;
}

const CASES: Case[] = [
  {
    name: 'MLP with Adam',
    model: () => new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)),
    batch: () => [torch.rand(64, 784), torch.randint(10, [64])],
    optimizer: (p) => new optim.Adam(p, { lr: 1e-3 }),
  },
  {
    name: 'seed CIFAR CNNNet with SGD momentum',
    model: () => new CNNNet(),
    batch: () => [torch.rand(8, 3, 32, 32), torch.randint(10, [8])],
    optimizer: (p) => new optim.SGD(p, { lr: 1e-3, momentum: 0.9 }),
  },
  {
    name: 'two-layer LSTM with AdamW and clipGradNorm_',
    model: () => new LSTMTagger(),
    batch: () => [torch.rand(4, 6, 8), torch.randint(5, [24])],
    optimizer: (p) => new optim.AdamW(p, { lr: 1e-3 }),
  },
  {
    name: 'Transformer encoder layer with Adam',
    model: () => new Encoder(),
    batch: () => [torch.rand(4, 7, 16), torch.randint(3, [4])],
    optimizer: (p) => new optim.Adam(p, { lr: 1e-3 }),
  },
];

describe('training steps on the asynchronous test device', () => {
  for (const c of CASES) {
    it(`${c.name}: no readback, only the batch uploaded`, async () => {
      torch.manualSeed(0);
      const model = c.model().to('testing');
      const opt = c.optimizer(model.parameters());
      const lossFn = new nn.CrossEntropyLoss();
      const step = (x: Tensor, y: Tensor) => {
        const loss = lossFn(model(x), y);
        opt.zeroGrad();
        loss.backward();
        nn.utils.clipGradNorm_(model.parameters(), 1.0);
        opt.step();
        return loss;
      };
      // Warm-up: optimizer state is created on the first step.
      const [x0, y0] = c.batch();
      step(x0.to('testing'), y0.to('testing'));
      for (let i = 0; i < 3; i++) {
        const [xc, yc] = c.batch();
        testing.reset();
        const loss = step(xc.to('testing'), yc.to('testing'));
        expect(testing.counters.reads, 'readbacks in a step').toBe(0);
        expect(testing.counters.uploads, 'uploads in a step: the input and the target').toBe(2);
        // The user's own readback is the only one.
        expect(Number.isFinite(await loss.item())).toBe(true);
        expect(testing.counters.reads).toBe(1);
      }
    });
  }
});
