import { afterAll, describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { type Tensor, manualSeed, rand, randn } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { CNN, CNNNet, LeNet, Seed000Net as Net, SimpleCNN, Yk } from '../../../apps/trainer/src/models/index.js';
import { exportOnnx } from '../src/index.js';
import { exportAndCompare } from './ort_helpers.js';

/** The seed programs' models, their example batch and the batch onnxruntime runs. */
const seeds: [string, () => nn.Module, number[]][] = [
  ['seed000 Net', () => new Net(), [3, 32, 32]],
  ['seed000 CNN', () => new CNN(), [1, 32, 32]],
  ['seed000 SimpleCNN', () => new SimpleCNN(), [3, 32, 32]],
  ['seed001 CNNNet', () => new CNNNet(), [3, 32, 32]],
  ['seed003 LeNet', () => new LeNet(), [1, 32, 32]],
  ['seed002 Yk', () => new Yk(), [3, 32, 32]],
];

const OPSETS = [13, 17, 18, 26];
const report: string[] = [];
afterAll(() => console.log(`seed models, max |onnxruntime - flambeau| at opsets ${OPSETS.join(', ')} (example batch 4, run at batch 7):\n${report.join('\n')}`));

describe('seed models export with a dynamic batch and match in onnxruntime', () => {
  for (const [name, make, shape] of seeds) {
    it(name, async () => {
      manualSeed(3);
      const model = make();
      const diffs: string[] = [];
      for (const opset of OPSETS) {
        const { maxDiff, bytes } = await exportAndCompare(model, [randn(4, ...shape)], [rand(7, ...shape)], {
          opsetVersion: opset, inputNames: ['images'], outputNames: ['logits'], dynamicAxes: { images: { 0: 'batch' }, logits: { 0: 'batch' } },
        }, `${name}_opset${opset}`);
        diffs.push(maxDiff.toExponential(1));
        expect(maxDiff).toBeLessThanOrEqual(1e-4);
        const m = fromBinary(ModelProtoSchema, bytes);
        // The batch is symbolic on both ends, and no Reshape bakes in the example's batch of 4.
        const dim0 = (v: NonNullable<typeof m.graph>['input'][0]) => v.type?.value.case === 'tensorType' ? v.type.value.value.shape?.dim[0].value : undefined;
        expect(dim0(m.graph!.input[0])).toEqual({ case: 'dimParam', value: 'batch' });
        expect(dim0(m.graph!.output[0])).toEqual({ case: 'dimParam', value: 'batch' });
        expect(Number(m.opsetImport[0].version)).toBe(opset);
      }
      report.push(`${name.padEnd(20)} ${diffs.join('  ')}`);
    });
  }

  it('names values after module paths, as torch.onnx does', () => {
    manualSeed(0);
    const bytes = exportOnnx(new Yk(), [randn(2, 3, 32, 32)], { returnBytes: true }, { dynamicAxes: { input: [0] } });
    const g = fromBinary(ModelProtoSchema, bytes).graph!;
    expect(g.initializer.map((t) => t.name)).toContain('model1.0.weight');
    expect(g.initializer.map((t) => t.name)).toContain('model1.8.bias');
    expect(g.node.map((n) => n.name)).toContain('/model1/0/Conv');
    expect(g.node.find((n) => n.name === '/model1/0/Conv')!.output).toEqual(['/model1/0/Conv_output_0']);
    expect(g.node.find((n) => n.opType === 'Gemm' && n.name === '/model1/8/Gemm')).toBeTruthy();
    expect(g.output[0].name).toBe('output');
  });
});
