/** `flambeau-train tune`: workers that take trials from a shared study until it has `--trials` of them. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pick, UsageError } from '../errors.js';
import type { Parsed, Specs } from '../options.js';
import { train, validateConfig } from '../train.js';
import { JOB_SPECS, jobConfig } from '../job_options.js';
import { SEARCH_SPACE, type Params } from './space.js';
import { RandomSampler, TPESampler, type Sampler } from './samplers.js';
import { MedianPruner, NopPruner, SuccessiveHalvingPruner, type Pruner } from './pruners.js';
import { StudyStorage, WORKER_ID, type SqlBackend, type Trial } from './storage.js';
import { sqliteBackend } from './sqlite.js';
import { postgresBackend } from './postgres.js';

const { lr: _lr, 'batch-size': _bs, optimizer: _opt, 'weight-decay': _wd, ...fixed } = JOB_SPECS;

export const TUNE_SPECS: Specs = {
  ...fixed,
  trials: { type: 'string', kind: 'int', default: '8', help: 'trials in the study (shared by all its workers)' },
  sampler: { type: 'string', default: 'tpe', help: 'sampler: tpe|random' },
  pruner: { type: 'string', default: 'median', help: 'pruner: median|halving|none' },
  'startup-trials': { type: 'string', kind: 'int', default: '4', help: 'random trials before TPE models the results' },
  study: { type: 'string', default: 'default', help: 'study name inside the storage' },
  storage: { type: 'string', help: 'SQLite file or postgresql://user@host/db URL (default: <out>/study.sqlite)' },
  out: { type: 'string', short: 'o', help: 'folder for the study and the trials\' run folders (default runs/tune-<model>-<dataset>)' },
  json: { type: 'boolean', help: 'one JSON object per event on stdout' },
};

const SAMPLERS: Record<string, (seed: number, startup: number) => Sampler> = {
  tpe: (s, k) => new TPESampler(s, k),
  random: (s) => new RandomSampler(s),
};
const PRUNERS: Record<string, () => Pruner> = {
  median: () => new MedianPruner(1, 0),
  halving: () => new SuccessiveHalvingPruner(1, 3),
  none: () => new NopPruner(),
};

function openBackend(storage: string): SqlBackend {
  if (/^postgres(ql)?:\/\//.test(storage)) return postgresBackend(storage);
  if (/^[a-z]+:\/\//i.test(storage)) throw new UsageError(`--storage ${storage}: unknown scheme; use a SQLite file path or postgresql://…`);
  return sqliteBackend(resolve(storage));
}

function table(trials: Trial[]): string {
  const head = `${'trial'.padStart(5)}  ${'state'.padEnd(8)} ${'accuracy'.padStart(8)}  ${'lr'.padStart(9)} ${'batch'.padStart(5)} ${'optimizer'.padEnd(9)} ${'weight decay'.padStart(12)}  epochs`;
  const rows = trials.map((t) => {
    const p = t.params ?? {};
    const v = t.value ?? ([...t.intermediate.values()].pop() ?? NaN);
    return `${String(t.number).padStart(5)}  ${t.state.padEnd(8)} ${Number.isNaN(v) ? '       -' : `${(100 * v).toFixed(2)}%`.padStart(8)}  ${p.lr === undefined ? '-'.padStart(9) : Number(p.lr).toExponential(2).padStart(9)} ${String(p.batchSize ?? '-').padStart(5)} ${String(p.optimizer ?? '-').padEnd(9)} ${p.weightDecay === undefined ? '-'.padStart(12) : Number(p.weightDecay).toExponential(2).padStart(12)}  ${t.intermediate.size}`;
  });
  return [head, ...rows].join('\n');
}

export async function runTune(v: Parsed): Promise<number> {
  const base = jobConfig({ ...v, lr: 0.001, 'batch-size': 64, optimizer: 'adam', 'weight-decay': 0 });
  validateConfig(base);
  const makeSampler = pick(SAMPLERS, v.sampler as string, 'sampler');
  const makePruner = pick(PRUNERS, v.pruner as string, 'pruner');
  const nTrials = v.trials as number;
  if (!(nTrials >= 1)) throw new UsageError(`--trials must be a positive integer, got ${nTrials}`);
  const out = resolve((v.out as string | undefined) ?? join('runs', `tune-${base.model}-${base.dataset.replace(/[^a-z0-9-]+/gi, '_')}`));
  mkdirSync(out, { recursive: true });
  const storageArg = (v.storage as string | undefined) ?? join(out, 'study.sqlite');
  const say = (event: string, fields: Record<string, unknown>, text: string) =>
    process.stdout.write(v.json ? `${JSON.stringify({ event, worker: WORKER_ID, ...fields })}\n` : `${text}\n`);

  const studyConfig = { base: { ...base, workers: undefined, device: undefined }, trials: nTrials, sampler: v.sampler, pruner: v.pruner, startupTrials: v['startup-trials'], space: SEARCH_SPACE };
  let storage: StudyStorage;
  try {
    storage = await StudyStorage.open(openBackend(storageArg), v.study as string, studyConfig);
  } catch (e) {
    throw new UsageError(`--storage ${storageArg}: ${(e as Error).message}`);
  }
  const sampler = makeSampler(base.seed, v['startup-trials'] as number);
  const pruner = makePruner();
  say('study', { study: storage.name, storage: storageArg, trials: nTrials }, `study '${storage.name}' in ${storageArg}: ${nTrials} trials, ${v.sampler} sampler, ${v.pruner} pruner (worker ${WORKER_ID})`);
  try {
    for (;;) {
      const slot = await storage.reserveTrial(nTrials);
      if (!slot) break;
      const params: Params = sampler.sample(SEARCH_SPACE, await storage.trials(), slot.number);
      await storage.setParams(slot.id, params);
      say('trial-start', { trial: slot.number, params }, `trial ${slot.number}: lr ${Number(params.lr).toExponential(2)}, batch ${params.batchSize}, ${params.optimizer}, weight decay ${Number(params.weightDecay).toExponential(2)}`);
      const config = { ...base, lr: params.lr as number, batchSize: params.batchSize as number, optimizer: params.optimizer as string, weightDecay: params.weightDecay as number };
      let last = NaN;
      let result;
      try {
        result = await train(config, { out: join(out, `trial-${String(slot.number).padStart(4, '0')}`), resume: false, json: false, exportOnnx: false }, {
          quiet: true,
          onEpoch: async (epoch, acc) => {
            last = acc;
            await storage.report(slot.id, epoch, acc);
            const all = await storage.trials();
            const me = all.find((t) => t.id === slot.id)!;
            return !pruner.shouldPrune(me, epoch, acc, all);
          },
        });
      } catch (e) {
        await storage.finish(slot.id, 'FAIL', null);
        throw e;
      }
      if (result.status === 'interrupted') {
        await storage.finish(slot.id, 'FAIL', null);
        say('interrupted', { trial: slot.number }, `interrupted: trial ${slot.number} marked FAIL; run the same command again to continue the study`);
        return result.exitCode;
      }
      const state = result.status === 'pruned' ? 'PRUNED' : 'COMPLETE';
      const value = state === 'COMPLETE' ? result.final!.accuracy : last;
      await storage.finish(slot.id, state, state === 'COMPLETE' ? value : null);
      say('trial-end', { trial: slot.number, state, value, epochs: result.history.length }, `trial ${slot.number}: ${state.toLowerCase()} after ${result.history.length} epoch(s), test accuracy ${(100 * value).toFixed(2)}%`);
    }
    const trials = await storage.trials();
    const best = trials.filter((t) => t.state === 'COMPLETE').sort((a, b) => b.value! - a.value!)[0];
    const counts = Object.fromEntries(['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING'].map((s) => [s, trials.filter((t) => t.state === s).length]));
    const bestText = best
      ? `best: trial ${best.number}, test accuracy ${(100 * best.value!).toFixed(2)}%: --lr ${best.params!.lr} --batch-size ${best.params!.batchSize} --optimizer ${best.params!.optimizer} --weight-decay ${best.params!.weightDecay}`
      : 'no trial completed yet';
    say('study-end', { counts, best: best ? { trial: best.number, value: best.value, params: best.params } : null, trials: trials.map(({ intermediate, ...t }) => ({ ...t, intermediate: Object.fromEntries(intermediate) })) },
      `${table(trials)}\n${counts.COMPLETE} complete, ${counts.PRUNED} pruned, ${counts.FAIL} failed, ${counts.RUNNING} running\n${bestText}`);
    return 0;
  } finally {
    await storage.close();
  }
}
