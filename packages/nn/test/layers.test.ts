import { describe, expect, it } from 'vitest';
import { type Tensor, arange, manualSeed, ones, tensor } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { F, type Module } from '@flambeau/nn';
import { type TJ, expectClose, fixture, stateOf, toTensor } from './core-fixtures.js';

interface LayerCase {
  name: string; state: Record<string, TJ>; inputs: TJ[]; output: TJ; gradOutput: TJ;
  inputGrads: (TJ | null)[]; paramGrads: Record<string, TJ>;
}
const fx = fixture<{
  cases: LayerCase[]; activationReprs: Record<string, string>;
  embeddingMaxNorm: { state: Record<string, TJ>; input: TJ; output: TJ; weightAfter: TJ };
  dropout: Record<string, TJ>;
}>('layers.json');

const make: Record<string, () => Module> = {
  Linear: () => new nn.Linear(5, 3),
  Linear_nobias_3d: () => new nn.Linear(5, 3, { bias: false }),
  Bilinear: () => new nn.Bilinear(3, 4, 2),
  Embedding_pad: () => new nn.Embedding(10, 3, { paddingIdx: 0 }),
  Flatten: () => new nn.Flatten(),
  Flatten_0_2: () => new nn.Flatten(0, 2),
  Unflatten: () => new nn.Unflatten(1, [2, 3]),
  Identity: () => new nn.Identity(),
  ReLU: () => new nn.ReLU(),
  ReLU6: () => new nn.ReLU6(),
  LeakyReLU: () => new nn.LeakyReLU(0.2),
  ELU: () => new nn.ELU(0.5),
  GELU: () => new nn.GELU(),
  GELU_tanh: () => new nn.GELU({ approximate: 'tanh' }),
  SiLU: () => new nn.SiLU(),
  Mish: () => new nn.Mish(),
  Sigmoid: () => new nn.Sigmoid(),
  Tanh: () => new nn.Tanh(),
  Hardtanh: () => new nn.Hardtanh(-0.5, 0.8),
  Softplus: () => new nn.Softplus(),
  Softplus_beta2_th3: () => new nn.Softplus(2, 3),
  Softmax: () => new nn.Softmax(1),
  LogSoftmax: () => new nn.LogSoftmax(1),
  Softmax0: () => new nn.Softmax(0),
  LogSigmoid: () => new nn.LogSigmoid(),
  Softmin: () => new nn.Softmin(1),
};

describe('layers match PyTorch (forward and gradients, float64)', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const m = make[c.name]().double();
      m.loadStateDict(stateOf(c.state));
      const xs = c.inputs.map((j) => toTensor(j, j.dtype === 'float64'));
      const y = (m as (...a: Tensor[]) => Tensor)(...xs);
      expectClose(y, c.output, 1e-12, 'output');
      y.mul(toTensor(c.gradOutput)).sum().backward();
      c.inputGrads.forEach((g, i) => { if (g) expectClose(xs[i].grad, g, 1e-12, `input ${i} grad`); });
      for (const [name, p] of m.namedParameters()) expectClose(p.grad, c.paramGrads[name], 1e-12, `${name} grad`);
    });
  }
  it('activation printouts', () => {
    for (const [name, repr] of Object.entries(fx.activationReprs)) expect(String(make[name]()), name).toBe(repr);
  });
});

describe('Embedding', () => {
  it('max_norm renormalises the looked-up rows in place, as PyTorch', () => {
    const e = fx.embeddingMaxNorm;
    const emb = new nn.Embedding(6, 4, { maxNorm: 1.0 }).double();
    emb.loadStateDict(stateOf(e.state));
    expectClose(emb(toTensor(e.input)), e.output, 1e-7, 'output');
    expectClose(emb.weight, e.weightAfter, 1e-7, 'weight after');
  });
  it('fromPretrained freezes by default; bad indices are IndexErrors', () => {
    const emb = nn.Embedding.fromPretrained(tensor([[1, 2], [3, 4]]).float());
    expect(emb.weight.requiresGrad).toBe(false);
    expect(emb(tensor([1])).tolistSync()).toEqual([[3, 4]]);
    expect(() => emb(tensor([2]))).toThrow('index out of range in self');
    expect(() => emb(tensor([0.5]))).toThrow(/Expected tensor for argument #1 'indices'/);
  });
});

describe('Dropout', () => {
  it('draws the same mask as PyTorch after manualSeed', () => {
    manualSeed(0);
    expectClose(F.dropout(ones(4, 8), 0.3), fx.dropout.p03_ones_4x8, 1e-6, 'F.dropout');
    manualSeed(0);
    expectClose(new nn.Dropout(0.5)(arange(1, 21).reshape(4, 5).float()), fx.dropout.p05_arange_4x5, 1e-6, 'nn.Dropout');
  });
  it('is the identity in eval mode and for p = 0; p = 1 zeroes', () => {
    const d = new nn.Dropout(0.5);
    const x = ones(3);
    d.eval();
    expect(d(x)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    expect(F.dropout(x, 1).tolistSync()).toEqual([0, 0, 0]);
    expect(() => F.dropout(x, 1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
  });
});
