/** What a finished run leaves in its folder: metrics.json, model.safetensors, report.html, model.onnx. */
import { join } from 'node:path';
import { torch, nn, data, type Tensor } from 'flambeau';
import type { DatasetInfo } from './datasets.js';
import type { Evaluation } from './evaluate.js';
import { writeFileAtomic } from './atomic.js';
import { renderReport, type Sample } from './report.js';
import { exportModel } from './onnx.js';

export interface EpochMetrics { epoch: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number; lr: number; seconds: number; imagesPerSecond: number }
export interface StepPoint { step: number; loss: number; lr: number }

/** A CHW tensor normalized with `mean`/`std` back to an RGBA-free PNG data URI. */
export function tensorToDataUri(x: Tensor, mean: number[], std: number[]): string {
  const [ch, h, w] = x.shape;
  const src = x.contiguous().dataSync();
  const px = new Uint8Array(h * w * ch);
  for (let k = 0; k < ch; k++) for (let i = 0; i < h * w; i++) {
    px[i * ch + k] = Math.round(255 * Math.min(1, Math.max(0, Number(src[k * h * w + i]) * std[k] + mean[k])));
  }
  return `data:image/png;base64,${data.encodePng(data.makeImage(w, h, ch, px)).toString('base64')}`;
}

/** The first `n` test images with the model's top prediction. */
export async function samplePredictions(model: nn.Module, ds: Pick<DatasetInfo, 'test' | 'mean' | 'std'>, classes: string[], n = 16): Promise<Sample[]> {
  model.eval();
  const k = Math.min(n, ds.test.length);
  const items = await Promise.all(Array.from({ length: k }, (_, i) => ds.test.getItem(i)));
  const x = torch.stack(items.map(([img]) => img as Tensor), 0);
  const probs = torch.noGrad(() => (model(x) as Tensor).softmax(1));
  const rows = (await probs.tolist()) as number[][];
  return items.map(([img, label], i) => {
    const p = rows[i];
    const pred = p.indexOf(Math.max(...p));
    return { image: tensorToDataUri(img as Tensor, ds.mean, ds.std), label: classes[label as number] ?? String(label), predicted: classes[pred] ?? String(pred), probability: p[pred], correct: pred === label };
  });
}

export interface RunOutputs { metrics: string; weights: string; report: string; onnx: string | null }

/** Moves a trained model's parameters and buffers to the CPU in place, from any device (asynchronous reads). */
async function moveToCpu(model: nn.Module): Promise<void> {
  for (const [, t] of [...model.namedParameters(), ...model.namedBuffers()]) {
    if (t.device.type !== 'cpu') nn.setData(t, await t.toAsync('cpu'));
  }
}

export async function writeRunOutputs(r: {
  out: string; config: object; classes: string[]; model: nn.Module; dataset: DatasetInfo; final: Evaluation;
  history: EpochMetrics[]; steps: StepPoint[]; exportOnnx: boolean; say: (e: string, f: Record<string, unknown>, t?: string) => void;
}): Promise<RunOutputs> {
  // The outputs (weights file, sample predictions, ONNX export) are made on the CPU.
  await moveToCpu(r.model);
  const weights = join(r.out, 'model.safetensors');
  nn.save(r.model, weights);
  const samples = await samplePredictions(r.model, r.dataset, r.classes);
  const metrics = join(r.out, 'metrics.json');
  const final = { testLoss: r.final.loss, testAccuracy: r.final.accuracy, correct: r.final.correct, total: r.final.total, perClass: r.final.perClass.map((c, i) => ({ class: r.classes[i], ...c })), confusion: r.final.confusion,
    samples: samples.map(({ image: _image, ...s }, index) => ({ index, ...s })) };
  writeFileAtomic(metrics, `${JSON.stringify({ config: r.config, classes: r.classes, epochs: r.history, final, steps: r.steps }, null, 1)}\n`);
  let onnx: string | null = null;
  if (r.exportOnnx) {
    const x = torch.stack([(await r.dataset.test.getItem(0))[0] as Tensor], 0);
    const res = await exportModel(r.model, x, join(r.out, 'model.onnx'));
    if (res.ok) {
      onnx = res.path;
      r.say('export', { onnx, maxAbsDiff: res.maxAbsDiff }, `exported ${onnx}; onnxruntime max |difference| ${res.maxAbsDiff.toExponential(2)}`);
    } else {
      r.say('export-skipped', { reason: res.reason }, `ONNX export skipped: ${res.reason}`);
    }
  }
  const report = join(r.out, 'report.html');
  writeFileAtomic(report, renderReport({ title: `${(r.config as { model: string }).model} on ${(r.config as { dataset: string }).dataset}`, config: r.config, classes: r.classes, history: r.history, steps: r.steps, final: r.final, samples, onnx }));
  return { metrics, weights, report, onnx };
}
