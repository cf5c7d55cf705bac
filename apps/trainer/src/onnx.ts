/**
 * ONNX export and inference through optional packages: `@flambeau/onnx` (`exportOnnx`) and
 * `onnxruntime-node` (`InferenceSession`). Both are loaded with a dynamic import so the trainer
 * works without them; `export` and `.onnx` predictions say what to install.
 */
import { torch, type nn, type Tensor } from 'flambeau';
import { UsageError } from './errors.js';

// Kept in variables so the type checker does not require the optional packages.
const ONNX_PKG = '@flambeau/onnx';
const ORT_PKG = 'onnxruntime-node';

interface OnnxModule {
  exportOnnx(model: nn.Module, exampleInputs: Tensor[], path: string, opts: { opsetVersion?: number; inputNames?: string[]; outputNames?: string[]; dynamicAxes?: Record<string, Record<number, string>> }): unknown;
}
interface OrtTensor { data: Float32Array; dims: readonly number[] }
interface OrtModule {
  InferenceSession: { create(path: string): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; inputNames: readonly string[]; outputNames: readonly string[] }> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

async function optional<T>(pkg: string): Promise<T | null> {
  try {
    return (await import(pkg)) as T;
  } catch {
    return null;
  }
}

/** Runs an `.onnx` file in onnxruntime on a float32 NCHW batch; returns the first output. */
export async function runOnnx(path: string, x: Tensor): Promise<Tensor> {
  const ort = await optional<OrtModule>(ORT_PKG);
  if (!ort) throw new UsageError(`running ${path} needs onnxruntime-node: pnpm add onnxruntime-node@1.30.0 (its CPU provider is bundled; install with ONNXRUNTIME_NODE_INSTALL=skip)`);
  const session = await ort.InferenceSession.create(path);
  const input = new ort.Tensor('float32', Float32Array.from(x.contiguous().dataSync() as Float32Array), x.shape);
  const result = await session.run({ [session.inputNames[0]]: input });
  const outT = result[session.outputNames[0]];
  return torch.tensor(Array.from(outT.data), { dtype: 'float32' }).reshape(...outT.dims);
}

export type ExportResult = { ok: true; path: string; maxAbsDiff: number } | { ok: false; reason: string };

/**
 * Exports `model` (opset 17, dynamic batch axis) to `path`, then runs `example` through
 * onnxruntime and compares with the model's own output.
 */
export async function exportModel(model: nn.Module, example: Tensor, path: string): Promise<ExportResult> {
  const onnx = await optional<OnnxModule>(ONNX_PKG);
  if (!onnx) return { ok: false, reason: `${ONNX_PKG} is not installed (it provides exportOnnx)` };
  if (!(await optional<OrtModule>(ORT_PKG))) return { ok: false, reason: `${ORT_PKG} is not installed (pnpm add onnxruntime-node@1.30.0) to verify the export` };
  model.eval();
  await onnx.exportOnnx(model, [example], path, { opsetVersion: 17, inputNames: ['input'], outputNames: ['logits'], dynamicAxes: { input: { 0: 'batch' }, logits: { 0: 'batch' } } });
  const want = torch.noGrad(() => model(example) as Tensor);
  const got = await runOnnx(path, example);
  const maxAbsDiff = await got.sub(want).abs().max().item();
  return { ok: true, path, maxAbsDiff };
}
