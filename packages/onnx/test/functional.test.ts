import { afterAll, describe, expect, it } from 'vitest';
import { type Tensor, manualSeed, randint, randn } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { OnnxExportError, exportOnnx } from '../src/index.js';
import { exportAndCompare } from './ort_helpers.js';

const F = nn.F;

/** A module whose forward is one functional call on its input and fixed parameters. */
class Fn extends nn.Module {
  w = new nn.Parameter(randn(6, 3, 3, 3).mul(0.3));
  w1 = new nn.Parameter(randn(6, 3, 3).mul(0.3));
  wt = new nn.Parameter(randn(3, 4, 3, 3).mul(0.3));
  b = new nn.Parameter(randn(6));
  lin = new nn.Parameter(randn(5, 8));
  bil = new nn.Parameter(randn(2, 8, 8));
  gamma = new nn.Parameter(randn(3));
  beta = new nn.Parameter(randn(3));
  constructor(readonly f: (m: Fn, x: Tensor) => Tensor | Tensor[]) {
    super();
    this.registerBuffer('mean', randn(3));
    this.registerBuffer('var', randn(3).abs().add(0.5));
  }
  override forward(x: Tensor): Tensor | Tensor[] { return this.f(this, x); }
}
type M = Fn & { mean: Tensor; var: Tensor };

const img = (n: number) => randn(n, 3, 8, 8);
const seq = (n: number) => randn(n, 3, 10);
const vec = (n: number) => randn(n, 8);

const cases: [string, (m: M, x: Tensor) => Tensor | Tensor[], (n: number) => Tensor][] = [
  ['linear', (m, x) => F.linear(x, m.lin), vec],
  ['bilinear', (m, x) => F.bilinear(x, x.mul(0.5), m.bil), vec],
  ['relu relu6 leakyRelu elu', (_, x) => F.elu(F.leakyRelu(F.relu6(F.relu(x).sub(1)).add(x), 0.1), 0.7), vec],
  ['gelu silu mish softplus', (_, x) => F.softplus(F.mish(F.silu(F.gelu(x))), 2), vec],
  ['logsigmoid hardtanh sigmoid tanh', (_, x) => F.tanh(F.sigmoid(F.hardtanh(F.logsigmoid(x), -0.5, 0.5))), vec],
  ['softmax logSoftmax softmin', (_, x) => [F.softmax(x, 1), F.logSoftmax(x, -1), F.softmin(x, 1)], vec],
  ['dropout (not training)', (_, x) => F.dropout(x, 0.5, false), vec],
  ['dropout2d (not training)', (_, x) => F.dropout2d(x, 0.5, false), img],
  ['conv2d', (m, x) => F.conv2d(x, m.w, m.b, { stride: 2, padding: 1 }), img],
  ['conv1d', (m, x) => F.conv1d(x, m.w1, m.b, { padding: 'same' }), seq],
  ['convTranspose2d', (m, x) => F.convTranspose2d(x, m.wt, { stride: 2, padding: 1, outputPadding: 1 }), img],
  ['maxPool2d', (_, x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), img],
  ['maxPool2dWithIndices', (_, x) => F.maxPool2dWithIndices(x, 2), img],
  ['maxPool1d', (_, x) => F.maxPool1d(x, 2), seq],
  ['maxPool1dWithIndices', (_, x) => F.maxPool1dWithIndices(x, 2), seq],
  ['avgPool2d', (_, x) => F.avgPool2d(x, 2, { countIncludePad: false, padding: 1 }), img],
  ['avgPool1d', (_, x) => F.avgPool1d(x, 2), seq],
  ['adaptiveAvgPool2d', (_, x) => F.adaptiveAvgPool2d(x, 4), img],
  ['adaptiveAvgPool1d', (_, x) => F.adaptiveAvgPool1d(x, 5), seq],
  ['adaptiveMaxPool2d', (_, x) => F.adaptiveMaxPool2d(x, 2), img],
  ['batchNorm (eval, running stats as buffers)', (m, x) => F.batchNorm(x, m.mean, m.var, { weight: m.gamma, bias: m.beta, training: false }), img],
  ['layerNorm', (_, x) => F.layerNorm(x, [8, 8]), img],
  ['groupNorm', (m, x) => F.groupNorm(x, 3, m.gamma, m.beta), img],
  ['interpolate bilinear', (_, x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }), img],
  ['interpolate nearest size', (_, x) => F.interpolate(x, { size: [5, 11] }), img],
  ['pad reflect', (_, x) => F.pad(x, [1, 2, 0, 1], 'reflect'), img],
  ['pad constant negative', (_, x) => F.pad(x, [1, -1, 2, 0], 'constant', 0.5), img],
];

const report: string[] = [];
afterAll(() => console.log(`functional ops, max |onnxruntime - flambeau| at opsets 13 and 18:\n${report.join('\n')}`));

describe('functional ops in a custom forward export at op level', () => {
  for (const [name, f, input] of cases) {
    it(name, async () => {
      manualSeed(2);
      const m = new Fn(f as (m: Fn, x: Tensor) => Tensor);
      const diffs: string[] = [];
      for (const opset of [13, 18]) {
        const { maxDiff } = await exportAndCompare(m, [input(2)], [input(3)], { opsetVersion: opset, dynamicAxes: { input: [0] } });
        diffs.push(maxDiff.toExponential(1));
        expect(maxDiff).toBeLessThanOrEqual(1e-4);
      }
      report.push(`${name.padEnd(44)} ${diffs.join('  ')}`);
    });
  }

  it('refuses what has no ONNX form, naming the op', () => {
    manualSeed(2);
    const unpool = new Fn((_, x) => {
      const [v, i] = F.maxPool2dWithIndices(x, 2);
      return F.maxUnpool2d(v, i, 2);
    });
    expect(() => exportOnnx(unpool, [img(2)], { returnBytes: true })).toThrow(OnnxExportError);
    expect(() => exportOnnx(unpool, [img(2)], { returnBytes: true })).toThrow(/^cannot export \w+ \(<top>\): /);
    // F.embedding validates indices by reading them (CPU only), so inside a custom forward it reads
    // tensor values; nn.Embedding is exported whole and avoids that.
    const emb = new Fn((m, x) => F.embedding(x, m.lin));
    expect(() => exportOnnx(emb, [randint(0, 5, [2, 3])], { returnBytes: true })).toThrow(/forward reads tensor values/);
  });
});
