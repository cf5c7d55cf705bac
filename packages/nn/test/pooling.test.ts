import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { T, expectClose, fx, runCase } from './layer-fixtures.js';

const factories: Record<string, () => nn.Module> = {
  'maxpool2d ceil': () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  'maxpool2d dilation': () => new nn.MaxPool2d([2, 3], { stride: [1, 2], dilation: 2 }),
  'maxpool1d': () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
  'avgpool2d exclude pad': () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
  'avgpool2d divisor': () => new nn.AvgPool2d(2, { divisorOverride: 3 }),
  'avgpool1d': () => new nn.AvgPool1d(4, { stride: 2, padding: 1 }),
  'adaptiveavgpool2d uneven': () => new nn.AdaptiveAvgPool2d([3, 5]),
  'adaptiveavgpool2d even': () => new nn.AdaptiveAvgPool2d(2),
  'adaptiveavgpool2d none': () => new nn.AdaptiveAvgPool2d([null, 3]),
  'adaptiveavgpool1d': () => new nn.AdaptiveAvgPool1d(3),
  'adaptivemaxpool2d uneven': () => new nn.AdaptiveMaxPool2d([3, 4]),
  'adaptivemaxpool2d even': () => new nn.AdaptiveMaxPool2d(2),
  'upsample nearest x2': () => new nn.Upsample({ scaleFactor: 2 }),
  'upsample nearest size': () => new nn.Upsample({ size: [5, 7] }),
  'upsample nearest 1.5': () => new nn.Upsample({ scaleFactor: 1.5 }),
  'upsample bilinear': () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }),
  'upsample bilinear align': () => new nn.Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }),
  'upsample bilinear down': () => new nn.Upsample({ size: [2, 3], mode: 'bilinear' }),
};

describe('pooling and upsampling layers match PyTorch (forward, gradients, printout)', () => {
  for (const c of fx.cases.filter((k) => k.name in factories)) it(c.name, () => runCase(c, factories[c.name]()));

  it('MaxUnpool2d restores values at the pooled indices', () => {
    const u = fx.unpool;
    const unpool = new nn.MaxUnpool2d(2, { stride: 2 });
    expect(String(unpool)).toBe(u.repr);
    const v = T(u.values).requiresGrad_();
    const out = unpool(v, T(u.indices).long(), u.outputSize);
    expectClose(out, u.output, 1e-12);
    out.backward(T(u.gradOut));
    expectClose(v.grad, u.grad, 1e-12);
  });

  it('AdaptiveMaxPool2d and MaxPool2d return PyTorch indices', () => {
    const x = torch.arange(0, 63, { dtype: 'float64' }).reshape(1, 1, 7, 9);
    const [, i] = new nn.AdaptiveMaxPool2d([3, 4], { returnIndices: true })(x) as Tensor[];
    // Each window's max is its bottom-right element: rows end at ⌈(o+1)·7/3⌉ - 1 = 2, 4, 6, columns at ⌈(o+1)·9/4⌉ - 1 = 2, 4, 6, 8.
    expect(i.tolistSync()).toEqual([[[[20, 22, 24, 26], [38, 40, 42, 44], [56, 58, 60, 62]]]]);
    const [, j] = new nn.MaxPool2d(2, { returnIndices: true })(x) as Tensor[];
    expect(j.shape).toEqual([1, 1, 3, 4]);
    expect(j.tolistSync()).toEqual([[[[10, 12, 14, 16], [28, 30, 32, 34], [46, 48, 50, 52]]]]);
  });
});

describe('seed examples', () => {
  const x = torch.tensor([[[[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [2, 1, 0, 1, 1], [2, 1, 0, 1, 1]]]], { dtype: 'float32' });
  it('MaxPool2d(3) with and without ceilMode', () => {
    expect((new nn.MaxPool2d(3)(x) as Tensor).tolistSync()).toEqual([[[[2]]]]);
    expect((new nn.MaxPool2d(3, { ceilMode: true })(x) as Tensor).tolistSync()).toEqual([[[[2, 3], [2, 1]]]]);
  });
  it('avgPool2d on the 1×2×4×4 ramp', () => {
    const ramp = torch.arange(0, 8, { dtype: 'float32' }).reshape(1, 2, 4, 1).expand(1, 2, 4, 4);
    const a = nn.F.avgPool2d(ramp, 2, { stride: 1, padding: 1 });
    expect(a.shape).toEqual([1, 2, 5, 5]);
    expect((a.tolistSync() as number[][][][])[0][0][1]).toEqual([0.25, 0.5, 0.5, 0.5, 0.25]);
    expect(nn.F.avgPool2d(ramp, 4).tolistSync()).toEqual([[[[1.5]], [[5.5]]]]);
  });
});

describe('printing', () => {
  const cases: [string, () => nn.Module][] = [
    ['MaxPool2d(2)', () => new nn.MaxPool2d(2)],
    ['MaxPool2d((3, 2), stride=(2, 1), ceil)', () => new nn.MaxPool2d([3, 2], { stride: [2, 1], ceilMode: true })],
    ['MaxPool1d(3)', () => new nn.MaxPool1d(3)],
    ['AvgPool2d(2)', () => new nn.AvgPool2d(2)],
    ['AvgPool1d(3, stride=2)', () => new nn.AvgPool1d(3, { stride: 2 })],
    ['AdaptiveAvgPool2d((5, 7))', () => new nn.AdaptiveAvgPool2d([5, 7])],
    ['AdaptiveAvgPool2d(1)', () => new nn.AdaptiveAvgPool2d(1)],
    ['AdaptiveMaxPool2d((None, 7))', () => new nn.AdaptiveMaxPool2d([null, 7])],
    ['MaxUnpool2d(2)', () => new nn.MaxUnpool2d(2)],
    ['Upsample(scale_factor=2)', () => new nn.Upsample({ scaleFactor: 2 })],
    ['Upsample(size=(5, 7), bilinear)', () => new nn.Upsample({ size: [5, 7], mode: 'bilinear' })],
  ];
  for (const [key, make] of cases) it(key, () => expect(String(make())).toBe(fx.reprs[key]));
});

describe('errors like PyTorch 1.13', () => {
  it('pool arguments and sizes', () => {
    const z = torch.zeros(1, 1, 5, 5);
    expect(() => nn.F.maxPool2d(z, 3, { padding: 2 })).toThrow('pad should be at most half of kernel size, but got pad=2 and kernel_size=3');
    expect(() => nn.F.maxPool2d(torch.zeros(1, 1, 2, 2), 3)).toThrow('Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small');
    expect(() => nn.F.avgPool2d(torch.zeros(5, 5), 3)).toThrow('non-empty 3D or 4D (batch mode) tensor expected for input');
  });
  it('interpolate arguments', () => {
    expect(() => nn.F.interpolate(torch.zeros(1, 1, 2, 2))).toThrow('either size or scale_factor should be defined');
    expect(() => nn.F.interpolate(torch.zeros(1, 1, 2, 2), { size: 4, alignCorners: true })).toThrow('align_corners option can only be set with the interpolating modes');
  });
});
