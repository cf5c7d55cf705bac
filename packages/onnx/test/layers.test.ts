import { afterAll, describe, expect, it } from 'vitest';
import { type Tensor, manualSeed, randint, randn } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import { exportAndCompare } from './ort_helpers.js';

/**
 * Every nn layer exported, run in onnxruntime with a batch size other than the example's, and
 * compared with Flambeau's own forward. Dynamic axis: the batch (dim 1 for time-major layers).
 */
interface Case {
  name: string;
  make: () => nn.Module;
  input: (batch: number) => Tensor[];
  batchDim?: number;
  /** Opsets below this refuse the model (checked by the opset test in errors.test.ts). */
  minOpset?: number;
}

const img = (c: number, h: number, w = h) => (n: number) => [randn(n, c, h, w)];
const seq = (c: number, l: number) => (n: number) => [randn(n, c, l)];
const vec = (...rest: number[]) => (n: number) => [randn(n, ...rest)];
const tm = (l: number, e: number) => (n: number) => [randn(l, n, e)];

/** A BatchNorm whose running statistics are not the defaults (so eval mode is really checked). */
function trainedBn<T extends nn.Module>(m: T, c: number, dims: number[]): T {
  m.train();
  noGrad(() => { for (let i = 0; i < 3; i++) (m as unknown as (x: Tensor) => Tensor)(randn(4, c, ...dims).mul(2).add(1)); });
  return m;
}

const cases: Case[] = [
  { name: 'Conv2d', make: () => new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, dilation: 1, groups: 2 }), input: img(4, 9) },
  { name: 'Conv2d dilation', make: () => new nn.Conv2d(3, 4, 3, { dilation: 2, padding: 'same' }), input: img(3, 8) },
  { name: 'Conv2d reflect', make: () => new nn.Conv2d(3, 4, 3, { padding: 1, paddingMode: 'reflect' }), input: img(3, 7) },
  { name: 'Conv2d replicate', make: () => new nn.Conv2d(3, 4, 3, { padding: 2, paddingMode: 'replicate', bias: false }), input: img(3, 7) },
  { name: 'Conv2d circular', make: () => new nn.Conv2d(3, 4, 3, { padding: 1, paddingMode: 'circular' }), input: img(3, 7), minOpset: 19 },
  { name: 'Conv1d', make: () => new nn.Conv1d(4, 8, 3, { groups: 4, padding: 2, dilation: 2 }), input: seq(4, 10) },
  { name: 'Conv1d reflect', make: () => new nn.Conv1d(3, 5, 3, { padding: 1, paddingMode: 'reflect' }), input: seq(3, 10) },
  { name: 'ConvTranspose2d', make: () => new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), input: img(4, 5) },
  { name: 'MaxPool2d', make: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 1, ceilMode: true }), input: img(3, 8) },
  { name: 'MaxPool2d dilation', make: () => new nn.MaxPool2d(2, { stride: 1, dilation: 2 }), input: img(3, 7) },
  { name: 'MaxPool2d indices', make: () => new nn.MaxPool2d(2, { returnIndices: true }), input: img(3, 6) },
  { name: 'MaxPool1d', make: () => new nn.MaxPool1d(3, { stride: 2 }), input: seq(3, 11) },
  { name: 'AvgPool2d', make: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), input: img(3, 8) },
  { name: 'AvgPool2d ceil', make: () => new nn.AvgPool2d(2, { ceilMode: true }), input: img(3, 7) },
  { name: 'AvgPool2d divisor', make: () => new nn.AvgPool2d(2, { divisorOverride: 3 }), input: img(3, 6) },
  { name: 'AvgPool1d', make: () => new nn.AvgPool1d(2), input: seq(3, 8) },
  { name: 'AdaptiveAvgPool2d', make: () => new nn.AdaptiveAvgPool2d([2, 3]), input: img(3, 8, 9) },
  { name: 'AdaptiveAvgPool2d global', make: () => new nn.AdaptiveAvgPool2d(1), input: img(3, 5) },
  { name: 'AdaptiveAvgPool1d', make: () => new nn.AdaptiveAvgPool1d(4), input: seq(3, 8) },
  { name: 'AdaptiveMaxPool2d', make: () => new nn.AdaptiveMaxPool2d(2), input: img(3, 6) },
  { name: 'BatchNorm2d', make: () => trainedBn(new nn.BatchNorm2d(3), 3, [5, 5]), input: img(3, 5) },
  { name: 'BatchNorm1d', make: () => trainedBn(new nn.BatchNorm1d(4), 4, [6]), input: seq(4, 6) },
  { name: 'BatchNorm1d 2-D', make: () => trainedBn(new nn.BatchNorm1d(4, { affine: false }), 4, []), input: vec(4) },
  { name: 'Dropout', make: () => new nn.Sequential(new nn.Linear(5, 5), new nn.Dropout(0.5)), input: vec(5) },
  { name: 'Dropout2d', make: () => new nn.Sequential(new nn.Conv2d(3, 3, 1), new nn.Dropout2d(0.5)), input: img(3, 4) },
  { name: 'Flatten', make: () => new nn.Flatten(), input: img(3, 4) },
  { name: 'Flatten middle', make: () => new nn.Flatten(1, 2), input: img(3, 4) },
  { name: 'Unflatten', make: () => new nn.Unflatten(1, [2, 6]), input: vec(12) },
  { name: 'Linear', make: () => new nn.Linear(6, 4), input: vec(6) },
  { name: 'Linear 3-D no bias', make: () => new nn.Linear(6, 4, { bias: false }), input: vec(3, 6) },
  { name: 'Identity', make: () => new nn.Sequential(new nn.Identity(), new nn.Linear(3, 3)), input: vec(3) },
  { name: 'LayerNorm', make: () => new nn.LayerNorm([4, 5]), input: vec(3, 4, 5) },
  { name: 'LayerNorm no affine', make: () => new nn.LayerNorm(5, { elementwiseAffine: false }), input: vec(3, 5) },
  { name: 'GroupNorm', make: () => new nn.GroupNorm(2, 6), input: img(6, 4) },
  { name: 'GroupNorm no affine', make: () => new nn.GroupNorm(3, 6, { affine: false }), input: seq(6, 5) },
  { name: 'Embedding', make: () => new nn.Embedding(10, 4, { paddingIdx: 0 }), input: (n) => [randint(0, 10, [n, 5])] },
  { name: 'RNN', make: () => new nn.RNN(4, 5, { numLayers: 2 }), input: tm(6, 4), batchDim: 1 },
  { name: 'RNN relu bidirectional', make: () => new nn.RNN(4, 5, { nonlinearity: 'relu', bidirectional: true, batchFirst: true }), input: vec(6, 4) },
  { name: 'LSTM', make: () => new nn.LSTM(4, 5), input: tm(6, 4), batchDim: 1 },
  { name: 'LSTM batchFirst bidirectional 2 layers', make: () => new nn.LSTM(4, 5, { numLayers: 2, bidirectional: true, batchFirst: true }), input: vec(6, 4) },
  { name: 'GRU', make: () => new nn.GRU(4, 5, { numLayers: 2, bidirectional: true }), input: tm(6, 4), batchDim: 1 },
  { name: 'MultiheadAttention', make: () => new SelfAttention(new nn.MultiheadAttention(8, 2)), input: tm(5, 8), batchDim: 1 },
  { name: 'MultiheadAttention batchFirst', make: () => new SelfAttention(new nn.MultiheadAttention(8, 4, { batchFirst: true })), input: vec(5, 8) },
  { name: 'TransformerEncoderLayer', make: () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), input: tm(5, 8), batchDim: 1 },
  { name: 'TransformerEncoderLayer gelu norm_first', make: () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', normFirst: true, batchFirst: true }), input: vec(5, 8) },
  { name: 'TransformerEncoder', make: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, null, { enableNestedTensor: false }), input: tm(5, 8), batchDim: 1 },
  { name: 'TransformerDecoderLayer', make: () => new DecoderSelf(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true })), input: vec(5, 8) },
  { name: 'TransformerDecoder', make: () => new DecoderSelf(new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2)), input: tm(5, 8), batchDim: 1 },
  { name: 'Transformer', make: () => new DecoderSelf(new nn.Transformer(8, 2, { numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 })), input: tm(5, 8), batchDim: 1 },
  { name: 'ReLU inplace', make: () => new nn.Sequential(new nn.Linear(5, 5), new nn.ReLU(true), new nn.Linear(5, 2)), input: vec(5) },
  { name: 'Upsample nearest', make: () => new nn.Upsample({ scaleFactor: 2, mode: 'nearest' }), input: img(2, 3, 4) },
  { name: 'Upsample bilinear', make: () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }), input: img(2, 3, 4) },
  { name: 'Upsample bilinear align', make: () => new nn.Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }), input: img(2, 3, 4) },
  { name: 'interpolate nearest (functional)', make: () => new Interp(), input: img(2, 3, 4) },
];

for (const act of ['ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'GELU', 'SiLU', 'Mish', 'Sigmoid', 'Tanh', 'LogSigmoid', 'Hardtanh', 'Softplus'] as const) {
  cases.push({ name: act, make: () => new (nn[act] as unknown as new () => nn.Module)(), input: (n) => [randn(n, 3, 7).mul(4)] });
}
cases.push(
  { name: 'GELU tanh', make: () => new nn.GELU({ approximate: 'tanh' }), input: vec(3, 7) },
  { name: 'LeakyReLU 0.2', make: () => new nn.LeakyReLU(0.2), input: vec(7) },
  { name: 'ELU 0.5', make: () => new nn.ELU(0.5), input: vec(7) },
  { name: 'Softplus beta threshold', make: () => new nn.Softplus(2, 3), input: (n) => [randn(n, 7).mul(4)] },
  { name: 'Hardtanh -2 3', make: () => new nn.Hardtanh(-2, 3), input: (n) => [randn(n, 7).mul(4)] },
  { name: 'Softmax', make: () => new nn.Softmax(1), input: vec(3, 7) },
  { name: 'LogSoftmax', make: () => new nn.LogSoftmax(-1), input: vec(3, 7) },
  { name: 'Softmin', make: () => new nn.Softmin(2), input: vec(3, 7) },
);

class SelfAttention extends nn.Module {
  constructor(public attn: nn.MultiheadAttention) { super(); }
  override forward(x: Tensor): [Tensor, Tensor | null] { return this.attn(x, x, x); }
}
/** Decoder-style modules called with a second input derived from the first (memory / tgt). */
class DecoderSelf extends nn.Module {
  constructor(public layer: nn.Module) { super(); }
  override forward(x: Tensor): Tensor { return (this.layer as unknown as (a: Tensor, b: Tensor) => Tensor)(x, x.mul(0.5)); }
}
class Interp extends nn.Module {
  override forward(x: Tensor): Tensor { return nn.F.interpolate(x, { scaleFactor: 2, mode: 'nearest' }); }
}

const OPSETS = [13, 17, 18, 26];
const report: string[] = [];
afterAll(() => console.log(`max |onnxruntime - flambeau| per layer and opset (${OPSETS.join(', ')}):\n${report.join('\n')}`));

describe('each nn layer exports and matches in onnxruntime', () => {
  for (const c of cases) {
    it(c.name, async () => {
      manualSeed(1);
      const model = c.make();
      const example = c.input(2);
      const test = c.input(3);
      const bd = c.batchDim ?? 0;
      const diffs: string[] = [];
      for (const opset of OPSETS) {
        if (opset < (c.minOpset ?? 0)) continue;
        const { maxDiff } = await exportAndCompare(model, example, test, { opsetVersion: opset, dynamicAxes: { input: [bd] } }, `${c.name}_opset${opset}`);
        diffs.push(maxDiff.toExponential(1));
        expect(maxDiff, `opset ${opset}`).toBeLessThanOrEqual(1e-4);
      }
      report.push(`${c.name.padEnd(42)} ${diffs.join('  ')}`);
    });
  }
});
