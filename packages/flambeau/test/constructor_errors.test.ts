import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { data, nn, optim, torch } from '../src/index.js';

// PyTorch 1.13's errors for invalid constructor arguments (tools/gen_constructor_errors.py).
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/constructor_errors.json', import.meta.url), 'utf8')) as { errors: Record<string, [string, string]> };

const p = () => [new nn.Parameter(torch.ones(1))];
const CASES: Record<string, () => unknown> = {
  'Linear(-1, 2)': () => new nn.Linear(-1, 2),
  'Conv2d(3, 2, 3, groups=2)': () => new nn.Conv2d(3, 2, 3, { groups: 2 }),
  'Conv2d(4, 2, 3, groups=4)': () => new nn.Conv2d(4, 2, 3, { groups: 4 }),
  'Conv2d(1, 2, 3, groups=0)': () => new nn.Conv2d(1, 2, 3, { groups: 0 }),
  "Conv2d(1, 2, 3, stride=2, padding='same')": () => new nn.Conv2d(1, 2, 3, 2, 'same'),
  'Dropout(1.5)': () => new nn.Dropout(1.5),
  'Dropout(-0.1)': () => new nn.Dropout({ p: -0.1 }),
  'Dropout2d(1.5)': () => new nn.Dropout2d(1.5),
  'Embedding(10, 3, padding_idx=10)': () => new nn.Embedding(10, 3, 10),
  'Embedding(-1, 3)': () => new nn.Embedding(-1, 3),
  'LSTM(4, 4, dropout=2)': () => new nn.LSTM(4, 4, { dropout: 2 }),
  "RNN(4, 4, nonlinearity='sig')": () => new nn.RNN(4, 4, 1, 'sig' as never),
  'LSTM(4, 4, proj_size=4)': () => new nn.LSTM(4, 4, { projSize: 4 }),
  'LSTM(4, 4, proj_size=-1)': () => new nn.LSTM(4, 4, { projSize: -1 }),
  'MultiheadAttention(8, 3)': () => new nn.MultiheadAttention(8, 3),
  "TransformerEncoderLayer(8, 2, activation='tanh')": () => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as never }),
  'GroupNorm(3, 4)': () => new nn.GroupNorm(3, 4),
  'BatchNorm2d(-1)': () => new nn.BatchNorm2d(-1),
  'LayerNorm(-1)': () => new nn.LayerNorm(-1),
  'SGD(lr=-1)': () => new optim.SGD(p(), -1),
  'Adam(betas=(1.5, 0.9))': () => new optim.Adam(p(), { betas: [1.5, 0.9] }),
  'Adadelta(rho=2)': () => new optim.Adadelta(p(), 1.0, 2),
  'CosineAnnealingWarmRestarts(T_0=0)': () => new optim.lrScheduler.CosineAnnealingWarmRestarts(new optim.SGD(p(), 0.1), 0),
  'ReduceLROnPlateau(factor=2)': () => new optim.lrScheduler.ReduceLROnPlateau(new optim.SGD(p(), 0.1), { factor: 2 }),
  'BatchSampler(batch_size=0)': () => new data.BatchSampler([0, 1], 0, false),
  "Conv2d(1, 2, 3, padding_mode='foo')": () => new nn.Conv2d(1, 2, 3, { paddingMode: 'foo' as never }),
  "Conv2d(1, 2, 3, padding='foo')": () => new nn.Conv2d(1, 2, 3, { padding: 'foo' as never }),
  'RNN(4, 4, proj_size=2)': () => new nn.RNN(4, 4, { projSize: 2 } as never),
  'GRU(4, 4, dropout=-1)': () => new nn.GRU(4, 4, { dropout: -1 }),
  'TransformerEncoderLayer(8, 3)': () => new nn.TransformerEncoderLayer(8, 3),
  'Embedding.from_pretrained(ones(3))': () => nn.Embedding.fromPretrained(torch.ones(3)),
  'Adam(lr=-1)': () => new optim.Adam(p(), -1),
  'Adam(eps=-1)': () => new optim.Adam(p(), { eps: -1 }),
  'SGD(lr=0.1, nesterov=True)': () => new optim.SGD(p(), { lr: 0.1, nesterov: true }),
  'DataLoader(ds, sampler=s, shuffle=True)': () => new data.DataLoader([0, 1] as never, { sampler: [0, 1], shuffle: true }),
  'DataLoader(ds, num_workers=-1)': () => new data.DataLoader([0, 1] as never, { numWorkers: -1 }),
  'RandomSampler(ds, num_samples=0)': () => new data.RandomSampler([0, 1], { numSamples: 0 }),
};

/** A Python set prints in hash order: `{'b', 'a'}` compares as `{'a', 'b'}`. */
const setsSorted = (msg: string): string => msg.replace(/\{('[^']*'(?:, '[^']*')*)\}/g, (_, items: string) => `{${items.split(', ').sort().join(', ')}}`);

describe("constructors validate their arguments with PyTorch's error and wording", () => {
  it('covers every recorded case', () => expect(Object.keys(CASES).sort()).toEqual(Object.keys(FIXTURE.errors).sort()));
  for (const [name, make] of Object.entries(CASES)) {
    it(name, () => {
      const [cls, message] = FIXTURE.errors[name];
      let err: Error | undefined;
      try { make(); } catch (e) { err = e as Error; }
      expect(err, 'expected an error').toBeDefined();
      // PyTorch asserts these (AssertionError): Flambeau has no assertion class and raises ValueError.
      const expected = cls === 'AssertionError' ? 'ValueError' : cls;
      expect((err!.constructor as { __name__?: string }).__name__ ?? err!.name).toBe(expected);
      expect(setsSorted(err!.message)).toBe(setsSorted(message));
    });
  }
});
