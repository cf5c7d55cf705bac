import { describe, expect, it } from 'vitest';
import { empty, manualSeed } from '@flambeau/tensor';
import { Bilinear, Embedding, Linear, Sequential, init } from '@flambeau/nn';
import { type TJ, expectClose, expectExact, fixture } from './core-fixtures.js';

const fx = fixture<{ modules: Record<string, Record<string, TJ>>; functions: Record<string, TJ>; gains: Record<string, number> }>('init.json');

describe('default initialisation reproduces PyTorch after manualSeed', () => {
  it('Linear(5, 3): kaiming_uniform_(a=√5) then bias U(±1/√fan_in), bit for bit', () => {
    manualSeed(0);
    const sd = new Linear(5, 3).stateDict();
    expectExact(sd.weight, fx.modules.linear_5_3.weight, 'weight');
    expectExact(sd.bias, fx.modules.linear_5_3.bias, 'bias');
  });
  it('consecutive layers consume the stream in order', () => {
    manualSeed(1);
    const sd = new Sequential(new Linear(576, 128), new Linear(128, 10)).stateDict();
    expectExact(sd['0.bias'], fx.modules.linear_576_128_then_128_10['0.bias'], '0.bias');
    expectExact(sd['1.bias'], fx.modules.linear_576_128_then_128_10['1.bias'], '1.bias');
    manualSeed(2);
    expectExact(new Linear(4, 6, { bias: false }).weight, fx.modules.linear_nobias_4_6.weight, 'no-bias weight');
  });
  it('Bilinear and Embedding (normal_, padding row zeroed)', () => {
    manualSeed(3);
    const b = new Bilinear(3, 4, 2);
    expectExact(b.weight, fx.modules.bilinear_3_4_2.weight, 'bilinear weight');
    expectExact(b.bias as never, fx.modules.bilinear_3_4_2.bias, 'bilinear bias');
    manualSeed(4);
    expectClose(new Embedding(10, 3, { paddingIdx: 0 }).weight, fx.modules.embedding_10_3_pad0.weight, 1e-6, 'embedding');
  });
});

describe('nn.init functions', () => {
  const cases: [string, number[], (t: ReturnType<typeof empty>) => unknown, number][] = [
    ['uniform', [3, 4], (t) => init.uniform_(t, -2, 3), 0],
    ['normal_small', [3, 4], (t) => init.normal_(t, 1, 2), 1e-6],
    ['normal_large', [5, 7], (t) => init.normal_(t, 1, 2), 1e-6],
    ['xavier_uniform', [4, 6], (t) => init.xavierUniform_(t, 2), 0],
    ['xavier_normal', [6, 5], (t) => init.xavierNormal_(t), 1e-6],
    ['kaiming_uniform', [5, 3, 2, 2], (t) => init.kaimingUniform_(t), 0],
    ['kaiming_normal_fan_out_relu', [5, 8], (t) => init.kaimingNormal_(t, { mode: 'fan_out', nonlinearity: 'relu' }), 1e-6],
    ['orthogonal_tall', [6, 4], (t) => init.orthogonal_(t), 1e-5],
    ['orthogonal_wide', [3, 5], (t) => init.orthogonal_(t, 1.5), 1e-5],
    ['eye', [3, 4], (t) => init.eye_(t), 0],
  ];
  for (const [name, shape, fn, tol] of cases) {
    it(name, () => {
      manualSeed(5);
      const t = empty(shape);
      fn(t);
      if (tol === 0) expectExact(t, fx.functions[name], name);
      else expectClose(t, fx.functions[name], tol, name);
    });
  }
  it('calculateGain', () => {
    expect(init.calculateGain('linear')).toBe(fx.gains.linear);
    expect(init.calculateGain('tanh')).toBeCloseTo(fx.gains.tanh, 15);
    expect(init.calculateGain('relu')).toBe(fx.gains.relu);
    expect(init.calculateGain('leaky_relu')).toBe(fx.gains.leaky_relu);
    expect(init.calculateGain('leaky_relu', 0.2)).toBe(fx.gains['leaky_relu_0.2']);
    expect(init.calculateGain('selu')).toBe(fx.gains.selu);
  });
  it('fan computation needs 2 dims', () => {
    expect(() => init.xavierUniform_(empty(3))).toThrow('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
    expect(init._calculateFanInAndFanOut(empty(8, 3, 5, 5))).toEqual([75, 200]);
  });
});
