import { afterEach, beforeEach, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataLocation } from 'onnx-buf';
import { manualSeed, randn } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { checkOnnx, exportOnnx } from '../src/index.js';
import { writeModel } from '../src/external_data.js';
import { runOrt } from './ort_helpers.js';

/**
 * Past 2 GB, initializers go to `<file>.data` (ONNX external data). The limit is lowered here so
 * a small model takes that path; onnxruntime then loads the pair from disk.
 */
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'flambeau-onnx-ext-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes large initializers to external data that onnxruntime reads', async () => {
  manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 16));
  const bytes = exportOnnx(net, [randn(2, 64)], { returnBytes: true });
  const path = join(dir, 'net.onnx');
  writeModel(fromBinary(ModelProtoSchema, bytes), path, 1000);
  expect(readdirSync(dir).sort()).toEqual(['net.onnx', 'net.onnx.data']);
  const model = fromBinary(ModelProtoSchema, readFileSync(path));
  const external = model.graph!.initializer.filter((t) => t.dataLocation === TensorProto_DataLocation.EXTERNAL).map((t) => t.name);
  // 64·32 and 32·16 float weights pass the 1 KiB inline threshold; the biases stay inline.
  expect(external).toEqual(['0.weight', '2.weight']);
  expect(statSync(`${path}.data`).size).toBeGreaterThanOrEqual((64 * 32 + 32 * 16) * 4);
  checkOnnx(path);
  const x = randn(2, 64);
  const session = await ort.InferenceSession.create(path);
  const got = await session.run({ input: new ort.Tensor('float32', x.contiguous().dataSync() as Float32Array, [2, 64]) });
  const want = await runOrt(bytes, { input: x });
  expect(Array.from(got.output.data as Float32Array)).toEqual(want[0].data);
});

it('leaves nothing behind when the model file cannot be written', () => {
  manualSeed(0);
  const bytes = exportOnnx(new nn.Linear(64, 32), [randn(2, 64)], { returnBytes: true });
  const path = join(dir, 'missing', 'net.onnx');
  expect(() => writeModel(fromBinary(ModelProtoSchema, bytes), path, 1000)).toThrow(/ENOENT/);
  expect(existsSync(join(dir, 'missing'))).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});
