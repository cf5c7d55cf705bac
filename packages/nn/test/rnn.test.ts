import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { type Tensor, manualSeed, randn, zeros } from '@flambeau/tensor';
import '@flambeau/autograd';
import { type Case, type InitCase, checkCase, checkInit, toTensor } from './rnn_transformer_fixtures.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type Module } from '@flambeau/nn';

const fx = JSON.parse(readFileSync(new URL('./fixtures/rnn.json', import.meta.url), 'utf8')) as {
  cases: Case[]; inits: InitCase[]; reprs: Record<string, string>;
};

const CTORS: Record<string, new (a: number, b: number, o: never) => Module> = {
  RNN: RNN as never, LSTM: LSTM as never, GRU: GRU as never, RNNCell: RNNCell as never, LSTMCell: LSTMCell as never, GRUCell: GRUCell as never,
};

function build(kind: string, args: number[], opts: Record<string, unknown>): Module {
  return new CTORS[kind](args[0], args[1], opts as never);
}

describe('RNN / LSTM / GRU and cells against PyTorch', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      checkCase(build(c.kind, c.args, c.opts), c, () => {
        const leaves: Tensor[] = [];
        const inputs = c.inputs.map((x) => {
          if (x === null) return null;
          if (Array.isArray(x)) return x.map((y) => { const t = toTensor(y, true); leaves.push(t); return t; });
          const t = toTensor(x, true);
          leaves.push(t);
          return t;
        });
        return [inputs, leaves];
      }, 1e-5);
    });
  }
});

describe('default initialisation draws what PyTorch draws', () => {
  for (const c of fx.inits) {
    it(c.name, () => checkInit(c, () => build(c.kind, c.args, c.opts), 1e-7));
  }
});

describe('RNN API details', () => {
  it('prints like PyTorch', () => {
    for (const [want, got] of Object.entries(fx.reprs)) expect(want).toBe(got);
    expect(String(new LSTM(10, 20, { numLayers: 2, batchFirst: true }))).toBe('LSTM(10, 20, num_layers=2, batch_first=True)');
    expect(String(new RNNCell(3, 4, { nonlinearity: 'relu' }))).toBe('RNNCell(3, 4, nonlinearity=relu)');
    expect(String(new GRU(3, 4, { bias: false, numLayers: 2, dropout: 0.5, bidirectional: true }))).toBe(
      'GRU(3, 4, num_layers=2, bias=False, dropout=0.5, bidirectional=True)',
    );
  });

  it('checks input and hidden shapes with PyTorch messages', () => {
    const lstm = new LSTM(3, 4);
    expect(() => lstm(randn(2, 2, 5))).toThrow('input.size(-1) must be equal to input_size. Expected 3, got 5');
    expect(() => lstm(randn(2, 2, 3), [zeros(1, 3, 4), zeros(1, 2, 4)])).toThrow('Expected hidden[0] size (1, 2, 4), got [1, 3, 4]');
    expect(() => new GRU(3, 4)(randn(2, 2, 3), zeros(2, 4))).toThrow('For batched 3-D input, hx should also be 3-D but got 2-D tensor');
    expect(() => new RNN(3, 4, { nonlinearity: 'gelu' as never })).toThrow("Unknown nonlinearity 'gelu'");
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow('proj_size has to be smaller than hidden_size');
  });

  it('applies inter-layer dropout only in training mode', () => {
    manualSeed(0);
    const rnn = new GRU(3, 4, { numLayers: 2, dropout: 0.9 });
    const x = randn(5, 2, 3);
    rnn.eval();
    const a = rnn(x)[0];
    const b = rnn(x)[0];
    expect(a.equal(b)).toBe(true);
    rnn.train();
    const c = rnn(x)[0];
    expect(c.allclose(a)).toBe(false);
  });
});
