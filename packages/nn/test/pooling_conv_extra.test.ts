import { describe, expect, it } from 'vitest';
import { type Tensor } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { F } from '@flambeau/nn';
import { type TJ, expectClose, expectExact, fixture, stateOf, toTensor } from './core-fixtures.js';

const fx = fixture<{
  adaptiveMax: { repr: string; x: TJ; values: TJ; indices: TJ; unpooled: TJ };
  convTranspose: { state: Record<string, TJ>; x: TJ; y: TJ; gradFn: string; gradOut: TJ; xGrad: TJ; weightGrad: TJ; biasGrad: TJ; unbatchedX: TJ; unbatchedY: TJ };
  intPool: { x2: TJ; x1: TJ; cases: Record<string, { value?: TJ; error?: string }> };
}>('nn_extra.json');

describe('AdaptiveMaxPool2d / MaxUnpool2d typing and values', () => {
  it('returnIndices: true types the call as [values, indices]', () => {
    const a = fx.adaptiveMax;
    const pool = new nn.AdaptiveMaxPool2d([3, 4], { returnIndices: true });
    expect(String(pool)).toBe(a.repr);
    const [v, i] = pool(toTensor(a.x));
    expectExact(v, a.values, 'values');
    expectExact(i, a.indices, 'indices');
  });
  it('without returnIndices the call is a Tensor (x = pool(x) needs no cast)', () => {
    let x: Tensor = toTensor(fx.adaptiveMax.x);
    x = new nn.AdaptiveMaxPool2d([3, 4])(x);
    expectExact(x, fx.adaptiveMax.values, 'values');
  });
  it('MaxPool2d indices feed MaxUnpool2d', () => {
    const x = toTensor(fx.adaptiveMax.x);
    const [v, i] = new nn.MaxPool2d(2, { returnIndices: true })(x);
    const y: Tensor = new nn.MaxUnpool2d(2)(v, i, x.shape);
    expectExact(y, fx.adaptiveMax.unpooled, 'unpooled');
  });
});

describe('ConvTranspose2d with bias is one ConvolutionBackward0 op', () => {
  const c = fx.convTranspose;
  const m = new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dtype: 'float64' });
  m.loadStateDict(stateOf(c.state));
  it('forward, grad_fn and all three gradients match PyTorch', () => {
    const x = toTensor(c.x, true);
    const y = m(x);
    expect(y.gradFn!.name).toBe(c.gradFn);
    expectClose(y, c.y, 1e-12, 'y');
    y.backward(toTensor(c.gradOut));
    expectClose(x.grad, c.xGrad, 1e-12, 'x.grad');
    expectClose(m.weight.grad, c.weightGrad, 1e-12, 'weight.grad');
    expectClose(m.bias!.grad, c.biasGrad, 1e-12, 'bias.grad');
  });
  it('unbatched input', () => {
    expectClose(m(toTensor(c.unbatchedX)), c.unbatchedY, 1e-12, 'unbatched y');
  });
  it('F.convTranspose2d with a bias prints ConvolutionBackward0', () => {
    const x = toTensor(c.x, true);
    const y = F.convTranspose2d(x, m.weight, m.bias, { stride: 2, groups: 2 });
    expect(String(y)).toMatch(/grad_fn=<ConvolutionBackward0>\)$/);
  });
});

describe('integer pooling as PyTorch 1.13 (int64 average pooling truncates; the rest raise)', () => {
  const p = fx.intPool;
  const x2 = toTensor(p.x2);
  const x1 = toTensor(p.x1);
  const calls: Record<string, () => Tensor> = {
    'avgPool2d k2': () => F.avgPool2d(x2, 2),
    'avgPool2d k2 s1 p1': () => F.avgPool2d(x2, 2, { stride: 1, padding: 1 }),
    'avgPool2d k3 s1 p1 exclude pad': () => F.avgPool2d(x2, 3, { stride: 1, padding: 1, countIncludePad: false }),
    'avgPool2d k2 ceil': () => F.avgPool2d(x2, 2, { ceilMode: true }),
    'avgPool2d k2 s1 divisor 3': () => F.avgPool2d(x2, 2, { stride: 1, divisorOverride: 3 }),
    'avgPool2d unbatched': () => F.avgPool2d(x2.select(0, 0), 2, { stride: 1 }),
    'avgPool1d k3': () => F.avgPool1d(x1, 3),
    'avgPool1d k2 s1 p1': () => F.avgPool1d(x1, 2, { stride: 1, padding: 1 }),
    'AvgPool2d layer': () => new nn.AvgPool2d(2, { stride: 1 })(x2),
    'maxPool2d int64': () => F.maxPool2d(x2, 2),
    'maxPool1d int64': () => F.maxPool1d(x1, 2),
    'avgPool2d int32': () => F.avgPool2d(x2.int(), 2),
    'avgPool2d uint8': () => F.avgPool2d(x2.abs().to('uint8'), 2),
  };
  for (const [name, want] of Object.entries(p.cases)) {
    it(name, () => {
      if (want.error !== undefined) expect(calls[name]).toThrow(want.error);
      else expectExact(calls[name](), want.value!, name);
    });
  }
});
