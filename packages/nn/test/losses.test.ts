import { describe, expect, it } from 'vitest';
import { type Tensor, tensor, zeros } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { F } from '@flambeau/nn';
import { type TJ, expectClose, fixture, toTensor } from './core-fixtures.js';

interface LossCase { name: string; fn: string; input: TJ; target: TJ; opts: Record<string, unknown>; output: TJ; gradOutput: TJ; inputGrad: TJ | null }
const fx = fixture<{ cases: LossCase[] }>('losses.json');

const fns: Record<string, (x: Tensor, t: Tensor, o: Record<string, unknown>) => Tensor> = {
  mse_loss: (x, t, o) => F.mseLoss(x, t, o),
  l1_loss: (x, t, o) => F.l1Loss(x, t, o),
  smooth_l1_loss: (x, t, o) => F.smoothL1Loss(x, t, o),
  huber_loss: (x, t, o) => F.huberLoss(x, t, o),
  cross_entropy: (x, t, o) => F.crossEntropy(x, t, o),
  nll_loss: (x, t, o) => F.nllLoss(x, t, o),
  binary_cross_entropy: (x, t, o) => F.binaryCrossEntropy(x, t, o),
  binary_cross_entropy_with_logits: (x, t, o) => F.binaryCrossEntropyWithLogits(x, t, o),
  kl_div: (x, t, o) => F.klDiv(x, t, o),
};

/** PyTorch's snake_case keyword names to Flambeau's options. */
function options(o: Record<string, unknown>): Record<string, unknown> {
  const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), typeof v === 'object' && v !== null ? toTensor(v as TJ) : v]));
}

describe('functional losses match PyTorch (float64, forward and input gradient)', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const x = toTensor(c.input, true);
      const y = fns[c.fn](x, toTensor(c.target), options(c.opts));
      expectClose(y, c.output, 1e-12, 'loss');
      y.mul(toTensor(c.gradOutput)).sum().backward();
      if (c.inputGrad) expectClose(x.grad, c.inputGrad, 1e-12, 'input grad');
    });
  }
});

describe('loss modules', () => {
  it('are callable, forward their options, and print like PyTorch', () => {
    const w = tensor([1, 2, 3]).double();
    const ce = new nn.CrossEntropyLoss({ weight: w, ignoreIndex: 1, labelSmoothing: 0.1, reduction: 'sum' });
    const x = tensor([[1, 2, 3], [0.5, -1, 2]]).double();
    const t = tensor([2, 1]);
    expect(ce(x, t).itemSync()).toBeCloseTo(F.crossEntropy(x, t, { weight: w, ignoreIndex: 1, labelSmoothing: 0.1, reduction: 'sum' }).itemSync(), 14);
    expect(String(ce)).toBe('CrossEntropyLoss()');
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    const bce = new nn.BCEWithLogitsLoss({ posWeight: tensor([2, 1]).float() });
    expect(Object.keys(bce.stateDict())).toEqual(['pos_weight']);
    expect(bce(zeros(2), tensor([1, 0]).float()).itemSync()).toBeCloseTo((2 * Math.LN2 + Math.LN2) / 2, 6);
    expect(new nn.MSELoss({ reduction: 'sum' })(tensor([1, 2]).float(), tensor([1, 4]).float()).itemSync()).toBe(4);
    expect(new nn.L1Loss()(tensor([1, 2]).float(), tensor([1, 4]).float()).itemSync()).toBe(1);
    expect(new nn.SmoothL1Loss({ beta: 0.5 })(zeros(1), tensor([0.25])).itemSync()).toBeCloseTo(0.0625, 7);
    expect(new nn.HuberLoss({ delta: 2 })(zeros(1), tensor([3]).float()).itemSync()).toBe(4);
    expect(new nn.NLLLoss()(tensor([[-1, -2]]).float(), tensor([1])).itemSync()).toBe(2);
    expect(new nn.BCELoss()(tensor([0, 1]).float(), tensor([1, 0]).float()).itemSync()).toBe(100);
    expect(new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true })(zeros(2, 2), zeros(2, 2)).itemSync()).toBe(0);
  });
});

describe('loss input errors name the problem', () => {
  it('class index out of range', () => {
    expect(() => F.crossEntropy(zeros(3, 10), tensor([1, 10, 2]))).toThrow(expect.objectContaining({ name: 'IndexError', message: 'Target 10 is out of bounds.' }));
    expect(() => new nn.CrossEntropyLoss()(zeros(3, 10), tensor([1, -3, 2]))).toThrow('Target -3 is out of bounds.');
  });
  it('batch size and target shapes', () => {
    expect(() => F.crossEntropy(zeros(3, 10), tensor([1, 2]))).toThrow(expect.objectContaining({ name: 'ValueError', message: 'Expected input batch_size (3) to match target batch_size (2).' }));
    expect(() => F.crossEntropy(zeros(2, 4, 3), tensor([[1, 2], [0, 1]]))).toThrow('Expected target size [2, 3], got [2, 2]');
    expect(() => F.nllLoss(zeros(3, 10), tensor([1.5, 2, 3]))).toThrow('expected scalar type Long but found Float');
    expect(() => F.crossEntropy(zeros(3, 4), tensor([1, 2, 3]), { weight: zeros(3) })).toThrow('weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]');
    expect(() => F.crossEntropy(zeros(3, 4), zeros(3, 4).long())).toThrow('Expected floating point type for target with class probabilities, got Long');
  });
  it('BCE size and range, reductions', () => {
    expect(() => F.binaryCrossEntropy(zeros(3, 2), zeros(3))).toThrow(
      'Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 2])) is deprecated. Please ensure they have the same size.',
    );
    expect(() => F.binaryCrossEntropy(tensor([1.5]), tensor([1]).float())).toThrow('all elements of input should be between 0 and 1');
    expect(() => F.binaryCrossEntropyWithLogits(zeros(2), zeros(3))).toThrow('Target size (torch.Size([3])) must be the same as input size (torch.Size([2]))');
    expect(() => F.mseLoss(zeros(2), zeros(2), { reduction: 'avg' as 'mean' })).toThrow('avg is not a valid value for reduction');
  });
});
