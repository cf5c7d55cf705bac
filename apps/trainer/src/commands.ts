/** The trainer's commands: their options, help and what they run. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { torch, data, type Tensor } from 'flambeau';
import { datasetSource, openDataset, transformFor } from './datasets.js';
import { train, validateConfig, buildRun, type TrainConfig } from './train.js';
import { loadCheckpoint } from './checkpoint.js';
import { evaluate, formatConfusion, formatEvaluation } from './evaluate.js';
import { exportModel, runOnnx } from './onnx.js';
import { defaultOut } from './run_folder.js';
import { CheckpointError, UsageError } from './errors.js';
import type { Parsed, Specs } from './options.js';
import { JOB_SPECS, jobConfig } from './job_options.js';
import { runTune, TUNE_SPECS } from './tune/command.js';
import { runBench, BENCH_SPECS } from './bench.js';

export interface Command {
  usage: string;
  /** One line for the command list. */
  summary: string;
  about: string;
  specs: Specs;
  positionals?: boolean;
  /** `given`: the options spelled out on the command line (the others hold their defaults). */
  run(values: Parsed, positionals: string[], given: string[]): Promise<number>;
}

const JSON_SPEC: Specs = { json: { type: 'boolean', help: 'one JSON object per event on stdout' } };
const CKPT_SPEC: Specs = { checkpoint: { type: 'string', short: 'c', help: 'run folder (or its checkpoint.json) to load' } };

/** Model, classes and preprocessing of a trained run, rebuilt from its checkpoint. */
function restoreModel(checkpoint: string | undefined) {
  if (!checkpoint) throw new UsageError('--checkpoint <run folder> is required');
  const ck = loadCheckpoint(resolve(checkpoint));
  const c = ck.config as unknown as TrainConfig;
  const spec = validateConfig(c);
  const src = datasetSource(c.dataset);
  const channels = spec.channels ?? src.channels;
  const { model } = buildRun(c, { channels, classes: ck.classes }, 1);
  const r = model.loadStateDict(ck.modelState, { strict: false });
  if (r.missingKeys.length) throw new CheckpointError(`${ck.path}: weights missing for ${r.missingKeys.join(', ')}`);
  model.eval();
  return { ck, c, model, src, channels };
}

const train_: Command = {
  summary: 'train a model (checkpoints, TensorBoard events, metrics, HTML report)',
  usage: 'flambeau-train train [options]',
  about: 'Train a model; every epoch writes a checkpoint, TensorBoard events and metrics into the run folder, and the end writes report.html (and model.onnx when @flambeau/onnx is installed).',
  specs: {
    ...JOB_SPECS,
    out: { type: 'string', short: 'o', help: 'run folder (must be new or empty; default runs/<model>-<dataset>-<time>)' },
    resume: { type: 'boolean', help: 'continue the run in --out from its checkpoint (mid-epoch included)' },
    'no-export': { type: 'boolean', help: 'skip the ONNX export at the end' },
    ...JSON_SPEC,
  },
  async run(v, _p, given) {
    const c = jobConfig(v);
    if (v.resume && !v.out) throw new UsageError('--resume needs --out <run folder>');
    const changed = given.filter((k) => Object.hasOwn(JOB_SPECS, k));
    if (v.resume && changed.length) {
      throw new UsageError(`--resume continues the run with the configuration saved in its checkpoint; ${changed.map((k) => `--${k}`).join(', ')} cannot be changed (start a new run with --out instead)`);
    }
    if (!v.resume) validateConfig(c);
    const out = (v.out as string | undefined) ?? defaultOut(c.model, c.dataset);
    const r = await train(c, { out, resume: Boolean(v.resume), json: Boolean(v.json), exportOnnx: !v['no-export'] });
    return r.exitCode;
  },
};

const eval_: Command = {
  summary: 'overall and per-class test accuracy and the confusion matrix of a run',
  usage: 'flambeau-train eval --checkpoint <run folder> [options]',
  about: "Evaluate a trained run on its dataset's test split: overall and per-class accuracy (printed as seed 001 prints them) and the confusion matrix.",
  specs: { ...CKPT_SPEC, 'data-dir': JOB_SPECS['data-dir'], 'test-limit': JOB_SPECS['test-limit'], 'batch-size': { ...JOB_SPECS['batch-size'], default: '500' }, ...JSON_SPEC },
  async run(v) {
    const { ck, c, model, channels } = restoreModel(v.checkpoint as string | undefined);
    const ds = openDataset(c.dataset, (v['data-dir'] as string | undefined) ?? c.dataDir ?? undefined, channels, { train: 1, test: (v['test-limit'] as number | undefined) ?? c.testLimit ?? undefined });
    const e = await evaluate(model, ds.test, ck.classes.length, v['batch-size'] as number);
    if (v.json) process.stdout.write(`${JSON.stringify({ event: 'eval', checkpoint: ck.path, ...e, classes: ck.classes })}\n`);
    else process.stdout.write(`${formatEvaluation(e, ck.classes)}\n\nConfusion matrix (rows: true class, columns: predicted class):\n${formatConfusion(e, ck.classes)}\n`);
    return 0;
  },
};

const export_: Command = {
  summary: 'export the model of a run to ONNX and check it in onnxruntime',
  usage: 'flambeau-train export --checkpoint <run folder> [--output model.onnx]',
  about: 'Export a trained model to ONNX through @flambeau/onnx, run it in onnxruntime-node on a test batch and print the largest difference from the model.',
  specs: { ...CKPT_SPEC, output: { type: 'string', help: 'the .onnx file (default: model.onnx in the run folder)' }, 'data-dir': JOB_SPECS['data-dir'], ...JSON_SPEC },
  async run(v) {
    const { ck, c, model, channels } = restoreModel(v.checkpoint as string | undefined);
    const ds = openDataset(c.dataset, (v['data-dir'] as string | undefined) ?? c.dataDir ?? undefined, channels, { train: 1, test: 8 });
    const x = torch.stack(await Promise.all(Array.from({ length: Math.min(8, ds.test.length) }, async (_, i) => (await ds.test.getItem(i))[0] as Tensor)), 0);
    const path = resolve((v.output as string | undefined) ?? join(dirname(ck.path), 'model.onnx'));
    const r = await exportModel(model, x, path);
    if (!r.ok) throw new UsageError(`export: ${r.reason}`);
    process.stdout.write(v.json ? `${JSON.stringify({ event: 'export', onnx: r.path, maxAbsDiff: r.maxAbsDiff })}\n` : `exported ${r.path}\nonnxruntime on ${x.shape[0]} test images: max |difference| ${r.maxAbsDiff.toExponential(3)}\n`);
    return 0;
  },
};

const predict_: Command = {
  summary: 'top-k classes of PNG/JPEG images from a run or its .onnx file',
  usage: 'flambeau-train predict --checkpoint <run folder> [--onnx model.onnx] <image.png|jpg> ...',
  about: "Classify PNG or JPEG images with a trained run (or its exported .onnx file in onnxruntime): the top-k classes with probabilities. Images are converted the way the run's dataset was.",
  positionals: true,
  specs: { ...CKPT_SPEC, onnx: { type: 'string', help: 'run this .onnx file in onnxruntime-node instead of the checkpoint' }, topk: { type: 'string', kind: 'int', default: '3', help: 'classes to show per image' }, ...JSON_SPEC },
  async run(v, images) {
    if (images.length === 0) throw new UsageError('predict: give one or more image files (PNG or JPEG)');
    const { ck, model, src, channels } = restoreModel(v.checkpoint as string | undefined);
    const { transform } = transformFor(src, channels);
    const xs = images.map((path) => {
      if (!existsSync(path)) throw new UsageError(`predict: ${path}: no such file`);
      let img = data.convertImage(data.loadImage(path), src.channels === 1 ? 'L' : 'RGB');
      // Bring the image to the dataset's own size first, so the run's transforms apply unchanged.
      if (src.size !== null && (img.width !== src.size || img.height !== src.size)) img = new data.transforms.Resize([src.size, src.size])(img) as typeof img;
      return transform(img) as Tensor;
    });
    const x = torch.stack(xs, 0);
    const logits = v.onnx ? await runOnnx(resolve(v.onnx as string), x) : torch.noGrad(() => model(x) as Tensor);
    const probs = (await logits.softmax(1).tolist()) as number[][];
    const k = Math.min(v.topk as number, ck.classes.length);
    images.forEach((path, i) => {
      const top = probs[i].map((p, c) => ({ class: ck.classes[c], index: c, probability: p })).sort((a, b) => b.probability - a.probability).slice(0, k);
      if (v.json) process.stdout.write(`${JSON.stringify({ event: 'prediction', image: path, top })}\n`);
      else process.stdout.write(`${path}: ${top.map((t) => `${t.class} ${(100 * t.probability).toFixed(1)}%`).join(', ')}\n`);
    });
    return 0;
  },
};

export const COMMANDS: Record<string, Command> = {
  train: train_,
  eval: eval_,
  predict: predict_,
  export: export_,
  tune: { summary: 'hyperparameter search (TPE/random sampler, median/halving pruner, SQLite or PostgreSQL study)', usage: 'flambeau-train tune [options]', about: 'Hyperparameter search over lr, batch size, optimizer and weight decay: seeded trials from a TPE or random sampler, pruned early by a median or successive-halving pruner; the study lives in SQLite (default) or PostgreSQL, so several workers can share it and an interrupted study resumes.', specs: TUNE_SPECS, run: runTune },
  bench: { summary: 'training and inference throughput of the models', usage: 'flambeau-train bench [options]', about: 'Measure training and inference throughput (images/s) of the models on random data.', specs: BENCH_SPECS, run: runBench },
};

