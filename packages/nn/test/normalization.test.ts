import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { fx, runCase } from './layer-fixtures.js';

const factories: Record<string, () => nn.Module> = {
  'batchnorm2d train': () => new nn.BatchNorm2d(3),
  'batchnorm2d eval': () => new nn.BatchNorm2d(3),
  'batchnorm1d cumulative': () => new nn.BatchNorm1d(4, { momentum: null }),
  'batchnorm1d 3d no affine': () => new nn.BatchNorm1d(3, { affine: false, eps: 1e-3 }),
  'batchnorm2d no running stats': () => new nn.BatchNorm2d(2, { trackRunningStats: false }),
  'batchnorm2d float32': () => new nn.BatchNorm2d(3, { momentum: 0.3 }),
  'layernorm': () => new nn.LayerNorm([3, 4]),
  'layernorm no affine': () => new nn.LayerNorm(6, { elementwiseAffine: false, eps: 1e-6 }),
  'groupnorm': () => new nn.GroupNorm(2, 6),
  'groupnorm no affine': () => new nn.GroupNorm(3, 3, { affine: false }),
};

describe('normalization layers match PyTorch (forward, gradients, running stats, printout)', () => {
  for (const c of fx.cases.filter((k) => k.name in factories)) it(c.name, () => runCase(c, factories[c.name]()));
});

describe('BatchNorm state', () => {
  it('registers PyTorch state-dict keys', () => {
    const bn = new nn.BatchNorm2d(4);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.numBatchesTracked!.dtype).toBe('int64');
    bn(torch.randn(2, 4, 3, 3));
    expect(bn.numBatchesTracked!.itemSync()).toBe(1);
    expect(Object.keys(new nn.BatchNorm1d(3, { trackRunningStats: false }).stateDict())).toEqual(['weight', 'bias']);
  });
  it('rejects wrong ranks and single-value batches', () => {
    expect(() => new nn.BatchNorm2d(3)(torch.randn(2, 3))).toThrow('expected 4D input (got 2D input)');
    expect(() => new nn.BatchNorm1d(3)(torch.randn(1, 3))).toThrow('Expected more than 1 value per channel when training, got input size torch.Size([1, 3])');
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels and scales the rest in training, identity in eval', () => {
    torch.manualSeed(0);
    const d = new nn.Dropout2d(0.5);
    const y = d(torch.ones(8, 16, 3, 3));
    const v = y.dataSync();
    let zeros = 0;
    for (let ch = 0; ch < 8 * 16; ch++) {
      const plane = Array.from(v.slice(ch * 9, ch * 9 + 9));
      expect(new Set(plane).size).toBe(1);
      expect([0, 2]).toContain(plane[0]);
      if (plane[0] === 0) zeros++;
    }
    expect(zeros).toBeGreaterThan(30);
    expect(zeros).toBeLessThan(98);
    d.eval();
    expect(d(torch.ones(2, 2, 2, 2)).sum().itemSync()).toBe(16);
  });
});

describe('printing', () => {
  const cases: [string, () => nn.Module][] = [
    ['BatchNorm2d(32)', () => new nn.BatchNorm2d(32)],
    ['BatchNorm1d(10, momentum=None, affine=False)', () => new nn.BatchNorm1d(10, { momentum: null, affine: false })],
    ['BatchNorm1d(4, eps=0.001, track_running_stats=False)', () => new nn.BatchNorm1d(4, { eps: 0.001, trackRunningStats: false })],
    ['LayerNorm(10)', () => new nn.LayerNorm(10)],
    ['LayerNorm([3, 4], eps=1e-6, no affine)', () => new nn.LayerNorm([3, 4], { eps: 1e-6, elementwiseAffine: false })],
    ['GroupNorm(2, 6)', () => new nn.GroupNorm(2, 6)],
    ['Dropout2d()', () => new nn.Dropout2d()],
    ['Dropout2d(0.2)', () => new nn.Dropout2d(0.2)],
  ];
  for (const [key, make] of cases) it(key, () => expect(String(make())).toBe(fx.reprs[key]));
});
