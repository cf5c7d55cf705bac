import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Opt-in (FLAMBEAU_BIG_TEST=1; needs ~6 GB of free disk and ~4 GB of memory): a 2.5 GB state dict
 * is saved and loaded in child processes, each staying under 1.5x the tensors' size in peak RSS.
 */
const BIG = process.env.FLAMBEAU_BIG_TEST === '1';
const helper = new URL('./helpers/big_checkpoint.ts', import.meta.url).pathname;

function run(mode: string, path: string): { seconds: number; peakRss: number; tensorBytes: number } {
  const out = execFileSync(process.execPath, ['--conditions=@flambeau/source', '--import', 'tsx', helper, mode, path, '2.5'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

describe.runIf(BIG)('2.5 GB checkpoint (FLAMBEAU_BIG_TEST=1)', () => {
  it('saves and loads with peak RSS under 1.5x the tensors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-big-'));
    const path = join(dir, 'big.safetensors');
    try {
      const saved = run('save', path);
      expect(statSync(path).size).toBeGreaterThan(saved.tensorBytes);
      const loaded = run('load', path);
      console.log(`2.5 GB checkpoint: save ${saved.seconds.toFixed(1)} s, peak RSS ${(saved.peakRss / 1e9).toFixed(2)} GB; load ${loaded.seconds.toFixed(1)} s, peak RSS ${(loaded.peakRss / 1e9).toFixed(2)} GB; tensors ${(saved.tensorBytes / 1e9).toFixed(2)} GB`);
      expect(saved.peakRss).toBeLessThan(1.5 * saved.tensorBytes);
      expect(loaded.peakRss).toBeLessThan(1.5 * loaded.tensorBytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
