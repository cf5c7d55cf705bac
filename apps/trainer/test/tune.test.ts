/** `flambeau-train tune`: pruning, and several worker processes sharing one study (SQLite, PostgreSQL). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, events } from './helpers.js';
import { startPostgres } from './postgres.js';

const tmp = mkdtempSync(join(tmpdir(), 'flambeau-tune-'));
// The MLP learns within one epoch of 512 images with most sampled settings, so trials differ.
const JOB = ['--model', 'mlp', '--epochs', '2', '--train-limit', '512', '--test-limit', '256', '--scheduler', 'none', '--json'];

type Ev = Record<string, unknown> & { event: string };
interface StudyEnd { counts: Record<string, number>; trials: { number: number; state: string; worker: string; params: object | null }[] }

describe('flambeau-train tune', () => {
  it('runs 4 seeded trials, prunes at least one, and prints the table and best configuration', async () => {
    const out = join(tmp, 'four');
    const r = await cli(['tune', ...JOB, '--trials', '4', '--sampler', 'random', '--pruner', 'halving', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const ev = events(r.stdout);
    const end = ev.find((e) => e.event === 'study-end') as unknown as StudyEnd & { best: { trial: number } };
    expect(end.trials.map((t) => t.number)).toEqual([0, 1, 2, 3]);
    expect(end.counts.PRUNED).toBeGreaterThanOrEqual(1);
    expect(end.counts.COMPLETE + end.counts.PRUNED).toBe(4);
    // A pruned trial stopped after its first epoch; a complete one ran both.
    for (const e of ev.filter((x) => x.event === 'trial-end')) expect(e.epochs).toBe(e.state === 'PRUNED' ? 1 : 2);
  }, 180_000);

  /** Two workers on one study: every trial number is run exactly once, and none is missing. */
  async function twoWorkers(storage: string[], out: string) {
    const args = ['tune', ...JOB, '--epochs', '1', '--train-limit', '256', '--test-limit', '128', '--trials', '6', '--pruner', 'none', '--study', 'shared', '--out', out, ...storage];
    const [a, b] = await Promise.all([cli(args), cli(args)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const started = [a, b].map((r) => events(r.stdout).filter((e: Ev) => e.event === 'trial-start').map((e) => e.trial as number));
    const all = [...started[0], ...started[1]].sort((x, y) => x - y);
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
    const ends = [a, b].map((r) => events(r.stdout).find((e) => e.event === 'study-end') as unknown as StudyEnd);
    // The worker that finished last sees the whole study complete.
    const last = ends.find((e) => e.counts.COMPLETE === 6)!;
    expect(last).toBeDefined();
    expect(last.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    const workers = [a, b].map((r) => events(r.stdout).find((e) => e.event === 'study')!.worker as string);
    last.trials.forEach((t) => expect(workers[started[0].includes(t.number) ? 0 : 1]).toBe(t.worker));
  }

  it('two worker processes share one SQLite study', async () => {
    await twoWorkers([], join(tmp, 'shared-sqlite'));
  }, 180_000);

  it('two worker processes share one PostgreSQL study (where PostgreSQL is installed)', async (ctx) => {
    const pg = await startPostgres();
    if (!pg) return ctx.skip();
    try {
      await twoWorkers(['--storage', pg.url], join(tmp, 'shared-pg'));
    } finally {
      pg.stop();
    }
  }, 180_000);
});
