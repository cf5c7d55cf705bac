/**
 * Checkpoints: every tensor (model weights and buffers, optimizer state) in one safetensors file,
 * everything else (config, counters, scheduler, RNG states, history) in `checkpoint.json`, which
 * names the tensors file and its SHA-256. The tensors file is written first under a new name, the
 * JSON is renamed over the old one last: a process killed at any moment leaves the previous
 * checkpoint complete and loadable.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nn, optim, type Tensor } from 'flambeau';
import { Tensor as TensorClass, defaultGenerator } from '@flambeau/tensor';
import { writeFileAtomic } from './atomic.js';
import { CheckpointError } from './errors.js';

export const CHECKPOINT_JSON = 'checkpoint.json';
const TENSORS_PREFIX = 'checkpoint-';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** What `checkpoint.json` holds besides the tensors. */
export interface CheckpointState {
  /** The run's resolved configuration (the train command's options). */
  config: Record<string, Json>;
  classes: string[];
  /** Epochs completed. */
  epoch: number;
  /** Batches of the current epoch already trained (the sampler position). */
  batchInEpoch: number;
  globalStep: number;
  /** Running sums of the epoch in progress. */
  running: { lossSum: number; correct: number; seen: number };
  scheduler: Json;
  history: Json;
}

interface CheckpointFile extends CheckpointState {
  format: 'flambeau-trainer-checkpoint/1';
  tensors: string;
  sha256: string;
  rng: ReturnType<typeof defaultGenerator.getState>;
  optimizer: { param_groups: Json; state: Json };
}

/** Replaces tensors by `{ $tensor: key }`, collecting them under `prefix`. */
function stripTensors(v: unknown, prefix: string, out: Map<string, Tensor>): Json {
  if (v instanceof TensorClass) {
    out.set(prefix, v.detach().contiguous());
    return { $tensor: prefix };
  }
  if (Array.isArray(v)) return v.map((x, i) => stripTensors(x, `${prefix}.${i}`, out));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripTensors(x, `${prefix}.${k}`, out)]));
  return v as Json;
}

function restoreTensors(v: Json, tensors: Map<string, Tensor>, file: string): unknown {
  if (Array.isArray(v)) return v.map((x) => restoreTensors(x, tensors, file));
  if (v && typeof v === 'object') {
    if (typeof v.$tensor === 'string') {
      const t = tensors.get(v.$tensor);
      if (!t) throw new CheckpointError(`${file}: tensor '${v.$tensor}' named by ${CHECKPOINT_JSON} is missing`);
      return t;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restoreTensors(x, tensors, file)]));
  }
  return v;
}

export interface Trainable {
  model: nn.Module;
  optimizer: optim.Optimizer<object>;
  scheduler: optim.lrScheduler.LRScheduler | null;
}

/** Saves a checkpoint into `dir`, atomically; removes the tensors files no longer named. */
export function saveCheckpoint(dir: string, t: Trainable, state: CheckpointState): string {
  const tensors = new Map<string, Tensor>();
  for (const [k, v] of Object.entries(t.model.stateDict())) tensors.set(`model.${k}`, v as Tensor);
  const osd = t.optimizer.stateDict();
  const optState = stripTensors(osd.state, 'optimizer.state', tensors);
  const bytes = nn.serialize(tensors);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const name = `${TENSORS_PREFIX}${String(state.globalStep).padStart(8, '0')}-${sha256.slice(0, 8)}.safetensors`;
  writeFileAtomic(join(dir, name), bytes);
  pauseForTests();
  const file: CheckpointFile = {
    format: 'flambeau-trainer-checkpoint/1', tensors: name, sha256, ...state,
    rng: defaultGenerator.getState(),
    optimizer: { param_groups: osd.param_groups as unknown as Json, state: optState },
  };
  writeFileAtomic(join(dir, CHECKPOINT_JSON), `${JSON.stringify(file)}\n`);
  removeStaleTensors(dir, name);
  return join(dir, CHECKPOINT_JSON);
}

/**
 * Testing hook: `FLAMBEAU_TRAIN_SAVE_PAUSE_MS` holds the process between the tensors file and the
 * JSON commit (announced on stderr), so a test can kill it mid-save.
 */
function pauseForTests(): void {
  const ms = Number(process.env.FLAMBEAU_TRAIN_SAVE_PAUSE_MS ?? 0);
  if (!(ms > 0)) return;
  process.stderr.write('checkpoint: tensors written, committing\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes tensors files other than `keep` (left by a kill between the two writes, or superseded). */
export function removeStaleTensors(dir: string, keep: string): void {
  for (const f of readdirSync(dir)) {
    if (f !== keep && f.startsWith(TENSORS_PREFIX) && (f.endsWith('.safetensors') || f.includes('.safetensors.tmp-'))) rmSync(join(dir, f), { force: true });
    if (f.startsWith(`${CHECKPOINT_JSON}.tmp-`)) rmSync(join(dir, f), { force: true });
  }
}

export interface LoadedCheckpoint extends CheckpointState {
  modelState: Record<string, Tensor>;
  /** Restores optimizer, scheduler and RNG states into a freshly built run. */
  restore(t: Trainable): void;
  path: string;
}

/** Reads and verifies a checkpoint folder (or its `checkpoint.json`); errors name the file and why. */
export function loadCheckpoint(dirOrFile: string): LoadedCheckpoint {
  const jsonPath = dirOrFile.endsWith('.json') ? dirOrFile : join(dirOrFile, CHECKPOINT_JSON);
  const dir = jsonPath.slice(0, -CHECKPOINT_JSON.length) || '.';
  if (!existsSync(jsonPath)) throw new CheckpointError(`${jsonPath}: no checkpoint here (the file does not exist)`);
  let file: CheckpointFile;
  try {
    file = JSON.parse(readFileSync(jsonPath, 'utf8')) as CheckpointFile;
  } catch (e) {
    throw new CheckpointError(`${jsonPath}: not valid JSON (${(e as Error).message})`);
  }
  if (file?.format !== 'flambeau-trainer-checkpoint/1') throw new CheckpointError(`${jsonPath}: not a flambeau-train checkpoint (format is ${JSON.stringify(file?.format)})`);
  const tensorsPath = join(dir, file.tensors);
  if (!existsSync(tensorsPath)) throw new CheckpointError(`${tensorsPath}: missing (named by ${jsonPath})`);
  const bytes = readFileSync(tensorsPath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== file.sha256) throw new CheckpointError(`${tensorsPath}: SHA-256 ${sha} does not match ${file.sha256} recorded in ${jsonPath} (the file is corrupt or was replaced)`);
  let sd: Record<string, Tensor>;
  try {
    sd = nn.deserialize(bytes) as Record<string, Tensor>;
  } catch (e) {
    throw new CheckpointError(`${tensorsPath}: unreadable safetensors (${(e as Error).message})`);
  }
  const tensors = new Map(Object.entries(sd));
  const modelState = Object.fromEntries([...tensors].filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice(6), v]));
  const { config, classes, epoch, batchInEpoch, globalStep, running, scheduler, history } = file;
  return {
    config, classes, epoch, batchInEpoch, globalStep, running, scheduler, history, modelState, path: jsonPath,
    restore(t: Trainable) {
      t.optimizer.loadStateDict({ param_groups: file.optimizer.param_groups, state: restoreTensors(file.optimizer.state, tensors, tensorsPath) } as never);
      if (t.scheduler && scheduler) t.scheduler.loadStateDict(scheduler as never);
      defaultGenerator.setState(file.rng);
    },
  };
}
