/**
 * Convolution and pooling on the tfjs device against the CPU backend, forward and backward
 * (through Flambeau's autograd, so each case runs the forward kernel and both backward kernels),
 * over the attribute combinations that need the NHWC conversion, explicit padding, per-group
 * convolutions, ceil-mode overhang and PyTorch's avg-pool divisors.
 */
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { nn, torch, type Tensor } from 'flambeau';
import { useTfjs } from '../src/index.js';

await useTfjs('cpu');
const F = nn.functional;

/** The op's output and its inputs' gradients for a fixed upstream gradient, on `device`. */
async function outAndGrads(device: string, inputs: Tensor[], op: (...xs: Tensor[]) => Tensor, seed: number): Promise<number[][]> {
  const xs = inputs.map((t) => t.detach().to(device).requiresGrad_());
  const y = op(...xs);
  torch.manualSeed(seed);
  const g = torch.randn(...y.shape).to(device);
  y.backward(g);
  return Promise.all([y, ...xs.map((x) => x.grad!)].map(async (t) => Array.from(await t.dataAsync())));
}

async function expectSame(inputs: Tensor[], op: (...xs: Tensor[]) => Tensor): Promise<void> {
  const want = await outAndGrads('cpu', inputs, op, 7);
  const got = await outAndGrads('tfjs', inputs, op, 7);
  want.forEach((w, k) => {
    const what = k === 0 ? 'output' : `grad of input ${k - 1}`;
    expect(got[k].length, what).toBe(w.length);
    const worst = Math.max(...w.map((v, i) => Math.abs(got[k][i] - v) / (1e-4 + Math.abs(v))));
    expect(worst, `${what}: worst relative error`).toBeLessThan(1e-3);
  });
}

describe('conv2d on tfjs matches the CPU backend, forward and backward', () => {
  const cases: [string, number[], number[], Parameters<typeof F.conv2d>[3]][] = [
    ['plain', [2, 3, 7, 7], [4, 3, 3, 3], {}],
    ['stride 2, padding 1', [2, 3, 8, 9], [5, 3, 3, 3], { stride: 2, padding: 1 }],
    ['rectangular kernel, uneven stride', [1, 2, 9, 8], [3, 2, 2, 4], { stride: [2, 3], padding: [1, 2] }],
    ['groups 2', [2, 4, 6, 6], [6, 2, 3, 3], { groups: 2, padding: 1 }],
    ['dilation 2 (backward falls back to the CPU)', [1, 2, 9, 9], [2, 2, 3, 3], { dilation: 2 }],
    ['stride and dilation together', [1, 2, 11, 11], [3, 2, 3, 3], { stride: 2, dilation: 2, padding: 1 }],
  ];
  for (const [name, xs, ws, opts] of cases) {
    it(name, async () => {
      torch.manualSeed(3);
      await expectSame([torch.randn(...xs), torch.randn(...ws), torch.randn(ws[0])], (x, w, b) => F.conv2d(x, w, b, opts));
    });
  }
});

describe('pooling on tfjs matches the CPU backend, forward and backward', () => {
  const x = () => { torch.manualSeed(5); return torch.randn(2, 3, 7, 8); };
  it('maxPool2d 2x2', () => expectSame([x()], (t) => F.maxPool2d(t, 2)));
  it('maxPool2d 3x3 stride 2 padding 1 ceil mode', () => expectSame([x()], (t) => F.maxPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true })));
  it('maxPool2d indices are PyTorch\'s flat plane indices', async () => {
    const t = x();
    const [, want] = F.maxPool2dWithIndices(t, 3, { stride: 2, padding: 1 });
    const [, got] = F.maxPool2dWithIndices(t.to('tfjs'), 3, { stride: 2, padding: 1 });
    expect(got.dtype).toBe('int64');
    expect(Array.from(await got.dataAsync())).toEqual(Array.from(await want.dataAsync()));
  });
  it('maxPool2d returns NaN for a window holding one, with the index of its last NaN (PyTorch 1.13: [4, 6])', async () => {
    const t = torch.tensor([[[[1, NaN, 3, 2], [NaN, 0, 5, 4]]]]);
    const [wv, wi] = F.maxPool2dWithIndices(t, 2);
    const [gv, gi] = F.maxPool2dWithIndices(t.to('tfjs'), 2);
    expect(Array.from(await gv.dataAsync())).toEqual(Array.from(await wv.dataAsync()));
    expect(Array.from(await gi.dataAsync())).toEqual(Array.from(await wi.dataAsync()));
    expect(Array.from(await gi.dataAsync())).toEqual([4, 6]);
  });
  it('avgPool2d 2x2', () => expectSame([x()], (t) => F.avgPool2d(t, 2)));
  it('avgPool2d padding 1, ceil mode, counting the padding', () => expectSame([x()], (t) => F.avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true })));
  it('avgPool2d padding 1, ceil mode, not counting the padding', () =>
    expectSame([x()], (t) => F.avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })));
  it('avgPool2d divisor override', () => expectSame([x()], (t) => F.avgPool2d(t, [2, 3], { stride: [2, 1], divisorOverride: 5 })));
});
