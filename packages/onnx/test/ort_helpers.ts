import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { type Tensor, tensor } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import type { Module } from '@flambeau/nn';
import { type ExportOptions, exportOnnx } from '../src/index.js';

const ORT_TYPE: Record<string, ort.Tensor.Type> = { float32: 'float32', float64: 'float64', int64: 'int64', int32: 'int32', bool: 'bool', uint8: 'uint8' };

function toOrt(t: Tensor): ort.Tensor {
  const d = t.contiguous().dataSync();
  const type = ORT_TYPE[t.dtype];
  const data = type === 'int64' ? BigInt64Array.from(Array.from(d, (v) => BigInt(v))) : type === 'bool' ? Uint8Array.from(d) : d;
  return new ort.Tensor(type, data as Float32Array, [...t.shape]);
}

/** Runs an ONNX model in onnxruntime-node (CPU provider); outputs in graph order as flat numbers. */
export async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<{ data: number[]; dims: number[] }[]> {
  const session = await ort.InferenceSession.create(bytes);
  const input: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) input[k] = toOrt(v);
  const res = await session.run(input);
  return session.outputNames.map((n) => ({ data: Array.from(res[n].data as ArrayLike<number | bigint>, Number), dims: [...res[n].dims] }));
}

/** Flattens a forward's result (tensors in nested arrays) in output order. */
export function flatOutputs(x: unknown): Tensor[] {
  if (Array.isArray(x)) return x.flatMap(flatOutputs);
  return x === null || x === undefined ? [] : [x as Tensor];
}

/**
 * Exports `model` with `example`, runs the file in onnxruntime on `test` (another batch size),
 * and returns the largest |onnxruntime − Flambeau| over every output.
 */
export async function exportAndCompare(model: Module, example: Tensor[], test: Tensor[], opts: ExportOptions = {}, label?: string): Promise<{ maxDiff: number; bytes: Uint8Array }> {
  const bytes = exportOnnx(model, example, { returnBytes: true }, opts);
  // tools/check_onnx_exports.py collects the exported files this way to run onnx.checker on them.
  const dump = process.env.FLAMBEAU_ONNX_DUMP;
  if (dump && label) writeFileSync(join(dump, `${label.replace(/[^A-Za-z0-9_.-]+/g, '_')}.onnx`), bytes);
  const names = opts.inputNames ?? (test.length === 1 ? ['input'] : test.map((_, i) => `input_${i}`));
  const feeds: Record<string, Tensor> = {};
  test.forEach((t, i) => { feeds[names[i]] = t; });
  const got = await runOrt(bytes, feeds);
  if ((opts.training ?? 'eval') === 'eval') model.eval();
  const want = flatOutputs(noGrad(() => (model as unknown as (...a: Tensor[]) => unknown)(...test)));
  if (got.length !== want.length) throw new Error(`onnxruntime gave ${got.length} outputs, Flambeau ${want.length}`);
  let maxDiff = 0;
  want.forEach((w, i) => {
    if (got[i].dims.join() !== w.shape.join()) throw new Error(`output ${i}: onnxruntime shape [${got[i].dims}] vs Flambeau [${w.shape}]`);
    const wd = w.contiguous().dataSync();
    for (let k = 0; k < wd.length; k++) {
      const d = Math.abs(Number(wd[k]) - got[i].data[k]);
      if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    }
  });
  return { maxDiff, bytes };
}

export { tensor };
