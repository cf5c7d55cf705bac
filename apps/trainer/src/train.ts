/**
 * `flambeau-train train`: the training loop with per-epoch evaluation, checkpoints, TensorBoard
 * events, exact resume (mid-epoch included) and clean stops on SIGINT/SIGTERM.
 */
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { torch, nn, data, type Tensor } from 'flambeau';
import { Generator } from '@flambeau/tensor';
import { SummaryWriter } from '@flambeau/tensorboard';
import { MODELS, type ModelSpec } from './models/index.js';
import { datasetSource, openDataset, type DatasetInfo } from './datasets.js';
import { makeOptimizer, makeSchedule, currentLr, OPTIMIZERS, SCHEDULERS } from './optimizers.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointState, type Trainable } from './checkpoint.js';
import { evaluate, formatEvaluation, type Evaluation } from './evaluate.js';
import { pick, UsageError } from './errors.js';
import { Reporter } from './progress.js';
import { prepareOut } from './run_folder.js';
import { selectDevice } from './device.js';
import { writeRunOutputs, type EpochMetrics, type StepPoint } from './outputs.js';

export interface TrainConfig {
  model: string;
  dataset: string;
  dataDir: string | null;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: string;
  momentum: number;
  weightDecay: number;
  scheduler: string;
  device: string;
  workers: number;
  seed: number;
  trainLimit: number | null;
  testLimit: number | null;
}

export interface TrainResult {
  status: 'done' | 'interrupted' | 'pruned';
  out: string;
  history: EpochMetrics[];
  final?: Evaluation;
  exitCode: number;
}

/** Hooks `tune` uses: report each epoch's test accuracy, and stop early when told to. */
export interface TrainHooks {
  onEpoch?(epoch: number, testAccuracy: number): Promise<boolean> | boolean;
  quiet?: boolean;
}

/** Checks every name in the configuration before anything is read or trained. */
export function validateConfig(c: TrainConfig): ModelSpec {
  const spec = pick(MODELS, c.model, 'model');
  datasetSource(c.dataset);
  pick(OPTIMIZERS, c.optimizer, 'optimizer');
  pick(SCHEDULERS, c.scheduler, 'scheduler');
  const positive = { epochs: c.epochs, 'batch-size': c.batchSize } as const;
  for (const [k, v] of Object.entries(positive)) if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${k} must be a positive integer, got ${v}`);
  if (!(c.lr > 0)) throw new UsageError(`--lr must be a positive number, got ${c.lr}`);
  if (!(c.momentum >= 0) || !(c.weightDecay >= 0)) throw new UsageError('--momentum and --weight-decay must be non-negative numbers');
  if (!Number.isInteger(c.workers) || c.workers < 0) throw new UsageError(`--workers must be a non-negative integer, got ${c.workers}`);
  if (!Number.isInteger(c.seed)) throw new UsageError(`--seed must be an integer, got ${c.seed}`);
  return spec;
}

/** The epoch's sample order: a Fisher–Yates shuffle from a generator seeded by (seed, epoch), so any position can be recomputed. */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  const gen = new Generator(seed * 1009 + epoch + 1);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(gen.uniformDouble() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** Batches of the epoch from batch `from` on (the resumable sampler position). */
function batchesFrom(order: number[], batchSize: number, from: number): number[][] {
  const out: number[][] = [];
  for (let b = from * batchSize; b < order.length; b += batchSize) out.push(order.slice(b, b + batchSize));
  return out;
}

/** Builds model, optimizer and schedule for a configuration (the same way for train, resume, eval). */
export function buildRun(c: TrainConfig, ds: Pick<DatasetInfo, 'channels' | 'classes'>, stepsPerEpoch: number): Trainable & { perBatch: boolean } {
  const spec = pick(MODELS, c.model, 'model');
  torch.manualSeed(c.seed);
  const model = spec.create(ds.channels, ds.classes.length);
  const optimizer = makeOptimizer(model.parameters(), c);
  const { scheduler, perBatch } = makeSchedule(optimizer, c, stepsPerEpoch);
  return { model, optimizer, scheduler, perBatch };
}

const unnormalize = (x: Tensor, mean: number[], std: number[]) =>
  x.mul(torch.tensor(std, { dtype: 'float32' }).view(1, -1, 1, 1)).add(torch.tensor(mean, { dtype: 'float32' }).view(1, -1, 1, 1)).clamp(0, 1);

export async function train(config: TrainConfig, opts: { out: string; resume: boolean; json: boolean; exportOnnx: boolean }, hooks: TrainHooks = {}): Promise<TrainResult> {
  let c = config;
  let resumed: ReturnType<typeof loadCheckpoint> | null = null;
  if (opts.resume) {
    resumed = loadCheckpoint(prepareOut(opts.out, true));
    c = resumed.config as unknown as TrainConfig;
  }
  const spec = validateConfig(c);
  await selectDevice(c.device);
  const created = !existsSync(resolve(opts.out));
  const out = prepareOut(opts.out, opts.resume);
  const reporter = hooks.quiet ? new Reporter('json', 0) : Reporter.detect(opts.json);
  const say = (event: string, fields: Record<string, unknown>, text?: string) => { if (!hooks.quiet) reporter.event(event, fields, text); };

  let ds: DatasetInfo;
  try {
    ds = openDataset(c.dataset, c.dataDir ?? undefined, spec.channels, { train: c.trainLimit ?? undefined, test: c.testLimit ?? undefined });
  } catch (e) {
    // Nothing was written yet: leave no empty run folder behind.
    if (created && readdirSync(out).length === 0) rmdirSync(out);
    throw e;
  }
  const nTrain = ds.train.length;
  const batches = Math.ceil(nTrain / c.batchSize);
  const run = buildRun(c, ds, batches);
  const { model, optimizer, scheduler, perBatch } = run;
  const device = c.device;
  if (device !== 'cpu') model.to(device);
  const classes = resumed?.classes ?? ds.classes;

  let epoch = 0, batchInEpoch = 0, globalStep = 0;
  let running = { lossSum: 0, correct: 0, seen: 0 };
  let history: { epochs: EpochMetrics[]; steps: StepPoint[] } = { epochs: [], steps: [] };
  if (resumed) {
    const missing = model.loadStateDict(resumed.modelState, { strict: false });
    if (missing.missingKeys.length || missing.unexpectedKeys.length) {
      throw new UsageError(`${resumed.path}: the checkpoint's weights do not fit model '${c.model}' (missing ${missing.missingKeys.join(', ') || 'none'}; unexpected ${missing.unexpectedKeys.join(', ') || 'none'})`);
    }
    resumed.restore(run);
    ({ epoch, batchInEpoch, globalStep, running } = resumed);
    history = resumed.history as unknown as typeof history;
  }
  const params = [...model.parameters()].reduce((n, p) => n + p.numel(), 0);
  say('start', { out, config: c, parameters: params, trainImages: nTrain, testImages: ds.test.length, resumedAt: resumed ? { epoch, batchInEpoch, globalStep } : null },
    `${resumed ? 'resuming' : 'training'} ${c.model} (${params} parameters) on ${c.dataset}: ${nTrain} training / ${ds.test.length} test images, ${c.epochs} epochs, ${c.optimizer} lr ${c.lr}, batch ${c.batchSize}, device ${c.device}${resumed ? `, from epoch ${epoch + 1} batch ${batchInEpoch}` : ''}\nrun folder: ${out}`);

  const writer = new SummaryWriter(out, { flushSecs: 10 });
  const state = (): CheckpointState => ({ config: c as never, classes, epoch, batchInEpoch, globalStep, running, scheduler: (scheduler?.stateDict() ?? null) as never, history: history as never });
  let stop: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop) process.exit(sig === 'SIGINT' ? 130 : 143); // a second signal: leave now (the last checkpoint is intact)
    stop = sig;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const criterion = new nn.CrossEntropyLoss();
  let last: Evaluation | undefined;
  try {
    while (epoch < c.epochs) {
      model.train();
      const order = epochOrder(nTrain, c.seed, epoch);
      // The loader draws its workers' base seed from its own generator, so the default one (dropout)
      // advances the same way whether or not the epoch was resumed.
      const loader = new data.DataLoader(ds.train, { batchSampler: batchesFrom(order, c.batchSize, batchInEpoch), numWorkers: c.workers, generator: new Generator(c.seed * 1009 + epoch + 1) });
      const t0 = performance.now();
      let seenHere = 0, loggedImages = false;
      for await (const [xb, yb] of loader as AsyncIterable<[Tensor, Tensor]>) {
        const [x, y] = device === 'cpu' ? [xb, yb] : [xb.to(device), yb.to(device)];
        const outp = model(x) as Tensor;
        const loss = criterion(outp, y);
        optimizer.zeroGrad();
        loss.backward();
        const lr = currentLr(optimizer);
        optimizer.step();
        if (perBatch) scheduler?.step();
        const lossValue = await loss.item();
        const correct = await outp.argmax(1).eq(y).sum().item();
        const n = y.shape[0];
        running.lossSum += lossValue * n; running.correct += correct; running.seen += n;
        batchInEpoch++; globalStep++; seenHere += n;
        history.steps.push({ step: globalStep, loss: lossValue, lr });
        if (!loggedImages) {
          writer.addImages('train/inputs', unnormalize(xb.narrow(0, 0, Math.min(16, n)), ds.mean, ds.std), globalStep);
          loggedImages = true;
        }
        if (globalStep % 10 === 0) writer.addScalar('loss/train_step', lossValue, globalStep);
        const secs = (performance.now() - t0) / 1000;
        const ips = seenHere / Math.max(secs, 1e-9);
        if (!hooks.quiet) {
          reporter.step({ epoch: epoch + 1, epochs: c.epochs, batch: batchInEpoch, batches, step: globalStep, loss: lossValue, accuracy: running.correct / running.seen, imagesPerSecond: ips, etaSeconds: (Math.max(0, nTrain - batchInEpoch * c.batchSize) + (c.epochs - epoch - 1) * nTrain) / Math.max(ips, 1e-9), lr });
        }
        // Signals are delivered between macrotasks; the loop above only awaits microtasks.
        await new Promise((r) => setImmediate(r));
        if (stop) {
          reporter.close();
          const file = saveCheckpoint(out, run, state());
          writer.close();
          say('interrupted', { signal: stop, checkpoint: file, epoch, batchInEpoch, globalStep }, `${stop}: checkpoint saved at epoch ${epoch + 1} batch ${batchInEpoch} (${file}); continue with --resume --out ${out}`);
          return { status: 'interrupted', out, history: history.epochs, exitCode: stop === 'SIGINT' ? 130 : 143 };
        }
      }
      reporter.close();
      const seconds = (performance.now() - t0) / 1000;
      const lr = currentLr(optimizer);
      if (!perBatch) scheduler?.step();
      last = await evaluate(model, ds.test, classes.length, 500, device);
      const m: EpochMetrics = {
        epoch: epoch + 1, trainLoss: running.lossSum / running.seen, trainAccuracy: running.correct / running.seen,
        testLoss: last.loss, testAccuracy: last.accuracy, lr, seconds, imagesPerSecond: seenHere / seconds,
      };
      history.epochs.push(m);
      for (const [tag, v] of [['loss/train', m.trainLoss], ['accuracy/train', m.trainAccuracy], ['loss/test', m.testLoss], ['accuracy/test', m.testAccuracy], ['lr', lr]] as const) writer.addScalar(tag, v, m.epoch);
      for (const [name, p] of model.namedParameters()) writer.addHistogram(name, p, m.epoch);
      writer.flush();
      epoch++; batchInEpoch = 0; running = { lossSum: 0, correct: 0, seen: 0 };
      const file = saveCheckpoint(out, run, state());
      say('epoch', { ...m, checkpoint: file },
        `epoch ${m.epoch}/${c.epochs}: train loss ${m.trainLoss.toFixed(4)} acc ${(100 * m.trainAccuracy).toFixed(2)}% | test loss ${m.testLoss.toFixed(4)} acc ${(100 * m.testAccuracy).toFixed(2)}% | ${m.imagesPerSecond.toFixed(0)} img/s, ${m.seconds.toFixed(1)} s`);
      if (hooks.onEpoch && !(await hooks.onEpoch(m.epoch, m.testAccuracy))) {
        writer.close();
        return { status: 'pruned', out, history: history.epochs, final: last, exitCode: 0 };
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  writer.close();
  last ??= await evaluate(model, ds.test, classes.length, 500, device);
  const files = await writeRunOutputs({ out, config: c, classes, model, dataset: ds, final: last, history: history.epochs, steps: history.steps, exportOnnx: opts.exportOnnx, say });
  say('done', { out, testAccuracy: last.accuracy, ...files }, `${formatEvaluation(last, classes)}\nreport: ${files.report}`);
  return { status: 'done', out, history: history.epochs, final: last, exitCode: 0 };
}
