/** `flambeau-train bench`: training and inference throughput of the models on random batches. */
import { torch, nn, type Tensor } from 'flambeau';
import { MODELS, IMAGE_SIZE } from './models/index.js';
import { pick } from './errors.js';
import { makeOptimizer } from './optimizers.js';
import { selectDevice } from './device.js';
import type { Parsed, Specs } from './options.js';

export const BENCH_SPECS: Specs = {
  model: { type: 'string', default: 'all', help: `models to measure, comma-separated (${Object.keys(MODELS).join(', ')}) or all` },
  'batch-size': { type: 'string', kind: 'int', default: '64', help: 'images per batch' },
  steps: { type: 'string', kind: 'int', default: '10', help: 'timed steps per model (after 2 warm-up steps)' },
  device: { type: 'string', default: 'cpu', help: 'device: cpu|webgpu|tfjs' },
  json: { type: 'boolean', help: 'one JSON object per model' },
};

export async function runBench(v: Parsed): Promise<number> {
  await selectDevice(v.device as string);
  const names = v.model === 'all' ? Object.keys(MODELS) : String(v.model).split(',');
  const bs = v['batch-size'] as number, steps = v.steps as number;
  for (const name of names) {
    const spec = pick(MODELS, name, 'model');
    torch.manualSeed(0);
    const channels = spec.channels ?? 1;
    const model = spec.create(channels, 10);
    const opt = makeOptimizer(model.parameters(), { optimizer: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 0, scheduler: 'none', epochs: 1 });
    const x = torch.randn(bs, channels, IMAGE_SIZE, IMAGE_SIZE), y = torch.randint(0, 10, [bs]);
    const criterion = new nn.CrossEntropyLoss();
    const trainStep = async () => {
      opt.zeroGrad();
      const loss = criterion(model(x) as Tensor, y);
      loss.backward();
      opt.step();
      await loss.item();
    };
    const inferStep = async () => { await torch.noGrad(() => (model(x) as Tensor).sum()).item(); };
    const time = async (f: () => Promise<void>) => {
      await f(); await f();
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) await f();
      return (performance.now() - t0) / steps;
    };
    model.train();
    const trainMs = await time(trainStep);
    model.eval();
    const inferMs = await time(inferStep);
    const row = { model: name, batchSize: bs, trainMsPerStep: trainMs, trainImagesPerSecond: (1000 * bs) / trainMs, inferMsPerBatch: inferMs, inferImagesPerSecond: (1000 * bs) / inferMs };
    process.stdout.write(v.json ? `${JSON.stringify({ event: 'bench', ...row })}\n`
      : `${name.padEnd(10)} train ${trainMs.toFixed(1).padStart(7)} ms/step ${row.trainImagesPerSecond.toFixed(0).padStart(6)} img/s | inference ${inferMs.toFixed(1).padStart(7)} ms/batch ${row.inferImagesPerSecond.toFixed(0).padStart(6)} img/s\n`);
  }
  return 0;
}
