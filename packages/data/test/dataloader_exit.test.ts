import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RuntimeError, ValueError } from '@flambeau/tensor';
import { DataLoader } from '../src/dataloader.js';
import { StallingDataset } from './helpers/slow_dataset.js';

const child = new URL('./helpers/next_iter.ts', import.meta.url).pathname;

describe('DataLoader workers never keep the process alive', () => {
  for (const mode of ['transient', 'persistent']) {
    it(`a script that takes one batch (${mode} workers) and drops the iterator exits`, () => {
      const r = spawnSync(process.execPath, ['--conditions=@flambeau/source', '--import', 'tsx', child, mode], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
      // A hang ends in SIGKILL at the timeout; a clean exit prints the first batch.
      expect(r.signal, r.stderr).toBe(null);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('[0,1,2,3]');
    }, 40_000);
  }
});

describe('DataLoader timeout', () => {
  // Generous: worker threads start through tsx here, which takes a second or two on a busy machine.
  it('fails a batch that takes longer than `timeout` seconds with PyTorch\'s error', async () => {
    const loader = new DataLoader(new StallingDataset(16, 8), { batchSize: 4, numWorkers: 2, timeout: 4 });
    const seen: number[][] = [];
    const run = async () => { for await (const [x] of loader) seen.push((x as { tolistSync(): number[][] }).tolistSync().flat()); };
    const e = await run().then(() => null, (err: unknown) => err as Error);
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e?.message).toBe('DataLoader timed out after 4 seconds');
    expect(seen).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  }, 30_000);
  it('is validated as in PyTorch', () => {
    expect(() => new DataLoader(new StallingDataset(4, 9), { timeout: -1 })).toThrow(new ValueError('timeout option should be non-negative'));
  });
});
