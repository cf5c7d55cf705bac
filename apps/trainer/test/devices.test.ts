/**
 * `--device tfjs`: the same run on TensorFlow.js kernels (tfjs-backend-cpu) trains, evaluates and
 * writes its outputs (weights, report, ONNX export) from the CPU afterwards. The first epoch's
 * loss matches the CPU backend's run with the same seed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, events } from './helpers.js';

const SMALL = ['--train-limit', '128', '--test-limit', '64', '--epochs', '1', '--json'];

describe('--device tfjs', () => {
  it('trains like the CPU backend and exports the trained model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-devices-'));
    const [tfjs, cpu] = await Promise.all([
      cli(['train', ...SMALL, '--device', 'tfjs', '--out', join(dir, 'tfjs')]),
      cli(['train', ...SMALL, '--no-export', '--out', join(dir, 'cpu')]),
    ]);
    expect(tfjs.code, tfjs.stderr).toBe(0);
    expect(cpu.code, cpu.stderr).toBe(0);
    const epoch = (s: string) => events(s).find((e) => e.event === 'epoch')!;
    expect(Math.abs((epoch(tfjs.stdout).trainLoss as number) - (epoch(cpu.stdout).trainLoss as number))).toBeLessThan(1e-3);
    expect(events(tfjs.stdout).find((e) => e.event === 'export')!.maxAbsDiff as number).toBeLessThan(1e-4);
  }, 300_000);
});
