import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import { gradcheck } from '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import { expectClose, fx, runCase } from './layer-fixtures.js';

const factories: Record<string, () => nn.Module> = {
  'conv2d stride 2 pad 1': () => new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1 }),
  'conv2d same dilation groups': () => new nn.Conv2d(4, 6, [3, 2], { padding: 'same', dilation: 2, groups: 2, bias: false }),
  'conv2d same even kernel': () => new nn.Conv2d(2, 3, 4, { padding: 'same' }),
  'conv2d valid': () => new nn.Conv2d(2, 3, 3, { padding: 'valid' }),
  'conv2d reflect': () => new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' }),
  'conv2d replicate': () => new nn.Conv2d(2, 3, 3, { padding: [2, 1], paddingMode: 'replicate' }),
  'conv2d circular': () => new nn.Conv2d(2, 3, 3, { stride: 2, padding: 2, paddingMode: 'circular' }),
  'conv2d unbatched float32': () => new nn.Conv2d(3, 2, 3),
  'conv1d': () => new nn.Conv1d(3, 5, 3, { stride: 2, padding: 1 }),
  'conv1d same reflect': () => new nn.Conv1d(2, 4, 4, { padding: 'same', paddingMode: 'reflect', dilation: 2 }),
  'conv1d unbatched groups': () => new nn.Conv1d(4, 2, 3, { groups: 2 }),
  'convtranspose2d': () => new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  'convtranspose2d groups dilation': () => new nn.ConvTranspose2d(4, 6, [3, 2], { stride: [2, 1], groups: 2, dilation: 2, bias: false }),
  'convtranspose2d unbatched': () => new nn.ConvTranspose2d(2, 3, 2, { stride: 2 }),
};

describe('convolution layers match PyTorch (forward, gradients, printout)', () => {
  for (const c of fx.cases.filter((k) => k.name in factories)) it(c.name, () => runCase(c, factories[c.name]()));
});

describe('seed examples', () => {
  const x = torch.tensor([[[[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [2, 1, 0, 1, 1], [2, 1, 0, 1, 1]]]]);
  const k = torch.tensor([[[[1, 2, 1], [0, 1, 0], [2, 1, 0]]]]);
  it('F.conv2d with stride 1 and 2', () => {
    expect(nn.F.conv2d(x, k).tolistSync()).toEqual([[[[10, 12, 12], [11, 11, 10], [12, 6, 3]]]]);
    expect(nn.F.conv2d(x, k, null, { stride: 2 }).tolistSync()).toEqual([[[[10, 12], [12, 3]]]]);
  });
});

describe('PyTorch default initialisation', () => {
  it('Conv2d, ConvTranspose2d and Conv1d draw the same numbers from seed 0', () => {
    torch.manualSeed(0);
    const mods: Record<string, nn.Module> = {
      conv2d: new nn.Conv2d(3, 8, 5), convTranspose2d: new nn.ConvTranspose2d(4, 2, 3, { groups: 2 }), conv1d: new nn.Conv1d(2, 3, 4, { bias: false }),
    };
    for (const [name, m] of Object.entries(mods)) {
      const params = Object.fromEntries(m.namedParameters());
      expect(Object.keys(params)).toEqual(Object.keys(fx.init[name]));
      for (const [k, f] of Object.entries(fx.init[name])) expectClose(params[k], f, 1e-6);
    }
  });
});

describe('printing', () => {
  const cases: [string, () => nn.Module][] = [
    ['Conv2d(3, 8, 5)', () => new nn.Conv2d(3, 8, 5)],
    ['Conv2d(3, 32, 5, padding=2)', () => new nn.Conv2d(3, 32, 5, { padding: 2 })],
    ['Conv2d(4, 8, (3, 1), same, dilation, groups, nobias, circular)', () => new nn.Conv2d(4, 8, [3, 1], { padding: 'same', dilation: [2, 1], groups: 4, bias: false, paddingMode: 'circular' })],
    ['Conv1d(16, 33, 3, stride=2)', () => new nn.Conv1d(16, 33, 3, { stride: 2 })],
    ['ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), output_padding=1)', () => new nn.ConvTranspose2d(16, 33, [3, 5], { stride: [2, 1], padding: [4, 2], outputPadding: 1 })],
  ];
  for (const [key, make] of cases) it(key, () => expect(String(make())).toBe(fx.reprs[key]));
});

describe('argument checks', () => {
  it('rejects bad layer arguments like PyTorch', () => {
    expect(() => new nn.Conv2d(3, 8, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 4 })).toThrow('out_channels must be divisible by groups');
    expect(() => new nn.Conv2d(3, 8, 3, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
  });
  it('surfaces the op errors for bad input', () => {
    const conv = new nn.Conv2d(3, 32, 5);
    expect(() => conv(torch.zeros(64, 1024))).toThrow('Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [64, 1024]');
    expect(() => conv(torch.zeros(64, 1, 32, 32))).toThrow('Given groups=1, weight of size [32, 3, 5, 5], expected input[64, 1, 32, 32] to have 3 channels, but got 1 channels instead');
    expect(() => nn.F.convTranspose2d(torch.zeros(1, 4, 5, 5), torch.zeros(4, 2, 3, 3), null, { stride: 2, outputPadding: 2 }))
      .toThrow('output padding must be smaller than either stride or dilation');
  });
});

describe('gradcheck in float64', () => {
  it('conv2d with groups, stride, padding and dilation', () => {
    const x = torch.randn([1, 4, 5, 6], { dtype: 'float64' }).requiresGrad_();
    const w = torch.randn([4, 2, 3, 2], { dtype: 'float64' }).requiresGrad_();
    const b = torch.randn([4], { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((a: Tensor, c: Tensor, d: Tensor) => nn.F.conv2d(a, c, d, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }), [x, w, b])).toBe(true);
  });
  it('conv_transpose2d', () => {
    const x = torch.randn([1, 2, 3, 3], { dtype: 'float64' }).requiresGrad_();
    const w = torch.randn([2, 3, 3, 3], { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((a: Tensor, c: Tensor) => nn.F.convTranspose2d(a, c, null, { stride: 2, padding: 1, outputPadding: 1 }), [x, w])).toBe(true);
  });
});

describe('CIFAR-shaped batch', () => {
  it('Conv2d(3, 32, 5, padding 2) forward and backward on 64×3×32×32', () => {
    torch.manualSeed(0);
    const conv = new nn.Conv2d(3, 32, 5, { padding: 2 });
    const x = torch.randn(64, 3, 32, 32);
    const y = conv(x);
    expect(y.shape).toEqual([64, 32, 32, 32]);
    y.square().mean().backward();
    expect(conv.weight.grad!.shape).toEqual([32, 3, 5, 5]);
    expect(conv.bias!.grad!.shape).toEqual([32]);
    // d mean(y²)/d b_c = 2·mean over the channel's outputs / 32 channels.
    const yc = y.detach().select(1, 3).mean().itemSync();
    expect(conv.bias!.grad!.dataSync()[3]).toBeCloseTo((2 * yc) / 32, 5);
  });
});
