import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Tensor, tensor } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import { CNNNet } from '../../../apps/trainer/src/models/index.js';
import { exportOnnx } from '../src/index.js';
import { flatOutputs, runOrt } from './ort_helpers.js';

/**
 * tools/gen_onnx_fixtures.py exported these models with torch.onnx.export (torch 1.13) from the
 * weights it saved; Flambeau loads the same weights, exports its own file, and both files run in
 * onnxruntime on the same input (a batch other than the export's example).
 */
const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Fixture {
  opset: number;
  dynamic_axes: Record<string, string>;
  example_shape: number[];
  input: { shape: number[]; data: number[] };
  outputs: { name: string; shape: number[]; data: number[] }[];
}

class LSTMNet extends nn.Module {
  lstm = new nn.LSTM(4, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
  override forward(x: Tensor): Tensor[] {
    const [out, [h, c]] = this.lstm(x);
    return [out, h, c];
  }
}

const models: [string, () => nn.Module][] = [
  ['lstm', () => new LSTMNet()],
  ['transformer_encoder_layer', () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1 })],
  ['cnn', () => new CNNNet()],
];

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const report: string[] = [];
afterAll(() => console.log(`PyTorch fixtures (max |difference|): torch's .onnx in onnxruntime vs torch; Flambeau's .onnx vs torch's .onnx, both in onnxruntime; Flambeau forward vs torch\n${report.join('\n')}`));

describe('PyTorch-exported ONNX and Flambeau-exported ONNX agree in onnxruntime', () => {
  for (const [name, make] of models) {
    it(name, async () => {
      const fx = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as Fixture;
      const model = make();
      model.loadStateDict(nn.load(`${dir}${name}.safetensors`));
      model.eval();
      const input = tensor(fx.input.data, { dtype: 'float32' }).reshape(fx.input.shape);
      const torchOrt = await runOrt(readFileSync(`${dir}${name}.onnx`), { input });

      const example = tensor(new Float32Array(fx.example_shape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i))).reshape(fx.example_shape);
      const outputNames = fx.outputs.map((o) => o.name);
      const axes = Object.keys(fx.dynamic_axes).map(Number);
      const ours = exportOnnx(model, [example], { returnBytes: true }, { opsetVersion: fx.opset, outputNames, dynamicAxes: { input: axes } });
      const oursOrt = await runOrt(ours, { input });
      const forward = flatOutputs(noGrad(() => (model as unknown as (x: Tensor) => unknown)(input)));

      const d = { torchOrt: 0, vsTorchOnnx: 0, forward: 0 };
      fx.outputs.forEach((o, i) => {
        expect(torchOrt[i].dims).toEqual(o.shape);
        expect(oursOrt[i].dims).toEqual(o.shape);
        d.torchOrt = Math.max(d.torchOrt, maxDiff(torchOrt[i].data, o.data));
        d.vsTorchOnnx = Math.max(d.vsTorchOnnx, maxDiff(oursOrt[i].data, torchOrt[i].data));
        d.forward = Math.max(d.forward, maxDiff(forward[i].contiguous().dataSync(), o.data));
      });
      report.push(`${name.padEnd(27)} opset ${fx.opset}: ${d.torchOrt.toExponential(1)}  ${d.vsTorchOnnx.toExponential(1)}  ${d.forward.toExponential(1)}`);
      expect(d.torchOrt).toBeLessThanOrEqual(1e-4);
      expect(d.vsTorchOnnx).toBeLessThanOrEqual(1e-4);
      expect(d.forward).toBeLessThanOrEqual(1e-4);
    });
  }
});

/** Upsample's Resize against torch.nn.functional.interpolate's own outputs (fixtures/interpolate.json). */
describe('Upsample exported as Resize gives PyTorch\'s interpolate', () => {
  const fx = JSON.parse(readFileSync(`${dir}interpolate.json`, 'utf8')) as {
    cases: { opts: { scale_factor?: number; size?: number[]; mode: string; align_corners?: boolean }; input: { shape: number[]; data: number[] }; output: { shape: number[]; data: number[] } }[];
  };
  for (const c of fx.cases) {
    it(JSON.stringify(c.opts), async () => {
      const up = new nn.Upsample({ scaleFactor: c.opts.scale_factor ?? null, size: c.opts.size ?? null, mode: c.opts.mode as 'nearest', alignCorners: c.opts.align_corners ?? null });
      const x = tensor(c.input.data, { dtype: 'float32' }).reshape(c.input.shape);
      const [y] = await runOrt(exportOnnx(up, [x], { returnBytes: true }), { input: x });
      expect(y.dims).toEqual(c.output.shape);
      const d = maxDiff(y.data, c.output.data);
      report.push(`interpolate ${JSON.stringify(c.opts).padEnd(60)} onnxruntime vs torch ${d.toExponential(1)}`);
      expect(d).toBeLessThanOrEqual(1e-4);
    });
  }
});
