import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import { gradcheck, gradgradcheck } from '@flambeau/autograd';
import { F } from '@flambeau/nn';

/**
 * The losses, activations, norms, linear and embedding that run as single ops (named as PyTorch's
 * nodes) have hand-written backwards: check them and their double backward numerically (float64).
 */
const f64 = { dtype: 'float64' as const };
const leaf = (t: Tensor): Tensor => t.to('float64').requiresGrad_(true);
const randn = (...s: number[]) => leaf(torch.randn(s, f64));
const prob = (...s: number[]) => leaf(torch.rand(s, f64).mul(0.8).add(0.1));

type Case = [string, () => Tensor[], (...a: Tensor[]) => Tensor];

torch.manualSeed(0);
const target = torch.randn([3, 4], f64);
const probTarget = torch.rand([3, 4], f64);
const classes = torch.tensor([1, 0, 4]);
const classWeight = torch.rand([5], f64);
const runningMean = torch.randn([3], f64);
const runningVar = torch.rand([3], f64).add(0.5);

const cases: Case[] = [];
for (const reduction of ['mean', 'sum', 'none'] as const) {
  cases.push(
    [`mseLoss ${reduction}`, () => [randn(3, 4), randn(3, 4)], (x, t) => F.mseLoss(x, t, { reduction })],
    [`smoothL1Loss ${reduction}`, () => [randn(3, 4).mul(2).detach().requiresGrad_(true), randn(3, 4)], (x, t) => F.smoothL1Loss(x, t, { reduction, beta: 0.7 })],
    [`huberLoss ${reduction}`, () => [randn(3, 4).mul(2).detach().requiresGrad_(true), randn(3, 4)], (x, t) => F.huberLoss(x, t, { reduction, delta: 0.8 })],
    [`nllLoss ${reduction}`, () => [randn(3, 5)], (x) => F.nllLoss(x, classes, { reduction, weight: classWeight, ignoreIndex: 0 })],
    [`binaryCrossEntropy ${reduction}`, () => [prob(3, 4), prob(3, 4), prob(3, 4)], (x, t, w) => F.binaryCrossEntropy(x, t, { reduction, weight: w })],
    [`binaryCrossEntropyWithLogits ${reduction}`, () => [randn(3, 4), prob(3, 4), prob(3, 4), prob(4)], (x, t, w, pw) => F.binaryCrossEntropyWithLogits(x, t, { reduction, weight: w, posWeight: pw })],
  );
}
cases.push(
  ['nllLoss 1-D input', () => [randn(5)], (x) => F.nllLoss(x, torch.tensor(3))],
  ['nllLoss [N, C, d]', () => [randn(2, 5, 3)], (x) => F.nllLoss(x, torch.tensor([[1, 0, 4], [2, 2, 3]]))],
  ['binaryCrossEntropyWithLogits plain', () => [randn(3, 4)], (x) => F.binaryCrossEntropyWithLogits(x, probTarget)],
  ['crossEntropy probabilities', () => [randn(3, 4)], (x) => F.crossEntropy(x, probTarget.softmax(1))],
  ['mseLoss target only', () => [randn(3, 4)], (t) => F.mseLoss(target, t)],
  ['linear 2-D + bias', () => [randn(3, 4), randn(5, 4), randn(5)], (x, w, b) => F.linear(x, w, b)],
  ['linear 3-D + bias', () => [randn(2, 3, 4), randn(5, 4), randn(5)], (x, w, b) => F.linear(x, w, b)],
  ['hardtanh', () => [randn(3, 4)], (x) => F.hardtanh(x, -0.5, 0.5)],
  ['leakyRelu', () => [randn(3, 4)], (x) => F.leakyRelu(x, 0.1)],
  ['elu', () => [randn(3, 4)], (x) => F.elu(x, 1.3)],
  ['gelu', () => [randn(3, 4)], (x) => F.gelu(x)],
  ['gelu tanh', () => [randn(3, 4)], (x) => F.gelu(x, { approximate: 'tanh' })],
  ['silu', () => [randn(3, 4)], (x) => F.silu(x)],
  ['mish', () => [randn(3, 4)], (x) => F.mish(x)],
  ['softplus', () => [randn(3, 4)], (x) => F.softplus(x, 2, 1)],
  ['logsigmoid', () => [randn(3, 4)], (x) => F.logsigmoid(x)],
  ['batchNorm training', () => [randn(4, 3, 2), randn(3), randn(3)], (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true })],
  ['batchNorm eval', () => [randn(4, 3, 2), randn(3), randn(3)], (x, w, b) => F.batchNorm(x, runningMean, runningVar, { weight: w, bias: b })],
  ['layerNorm', () => [randn(2, 3, 4), randn(3, 4), randn(3, 4)], (x, w, b) => F.layerNorm(x, [3, 4], w, b)],
  ['groupNorm', () => [randn(2, 4, 3), randn(4), randn(4)], (x, w, b) => F.groupNorm(x, 2, w, b)],
  // The padding row's zero gradient is by design not the numerical one, so gradcheck runs without it.
  ['embedding', () => [randn(6, 3)], (w) => F.embedding(torch.tensor([[0, 2, 2], [5, 1, 0]]), w)],
);

describe('fused ops: gradcheck and gradgradcheck (float64)', () => {
  for (const [name, make, fn] of cases) {
    it(name, () => {
      const inputs = make();
      expect(gradcheck(fn, inputs), 'gradcheck').toBe(true);
      expect(gradgradcheck(fn, inputs), 'gradgradcheck').toBe(true);
    });
  }
});

describe('conv1d runs as one op', () => {
  it('gradcheck and gradgradcheck with padding and bias', () => {
    const fn = (x: Tensor, w: Tensor, b: Tensor) => F.conv1d(x, w, b, { padding: 1, stride: 2 });
    const inputs = [randn(2, 2, 5), randn(3, 2, 3), randn(3)];
    expect(gradcheck(fn, inputs)).toBe(true);
    expect(gradgradcheck(fn, inputs)).toBe(true);
  });
  it('unbatched input', () => {
    expect(gradcheck((x: Tensor, w: Tensor, b: Tensor) => F.conv1d(x, w, b, { padding: 'same' }), [randn(2, 5), randn(3, 2, 2), randn(3)])).toBe(true);
  });
});

describe('adaptive pools run as one op', () => {
  for (const size of [[4, 4], [3, 2], [1, 1]]) {
    it(`adaptiveAvgPool2d ${size}`, () => {
      const fn = (x: Tensor) => F.adaptiveAvgPool2d(x, size);
      expect(gradcheck(fn, [randn(1, 2, 6, 5)])).toBe(true);
      expect(gradgradcheck(fn, [randn(1, 2, 6, 5)])).toBe(true);
    });
    it(`adaptiveMaxPool2d ${size}`, () => {
      const fn = (x: Tensor) => F.adaptiveMaxPool2d(x, size);
      expect(gradcheck(fn, [randn(2, 6, 5)])).toBe(true);
      expect(gradgradcheck(fn, [randn(2, 6, 5)])).toBe(true);
    });
  }
});
