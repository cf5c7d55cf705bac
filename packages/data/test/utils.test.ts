import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { readImage, utils } from '../src/index.js';
import { type Enc, dec, diff } from './helpers.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/make_grid.json', import.meta.url), 'utf8')) as Record<string, Enc>;
const batch = dec(fx.input);

describe('makeGrid matches torchvision.utils.make_grid', () => {
  const cases: [string, () => ReturnType<typeof utils.makeGrid>][] = [
    ['default', () => utils.makeGrid(batch)],
    ['nrow2', () => utils.makeGrid(batch, { nrow: 2, padding: 1, padValue: 0.5 })],
    ['normalize', () => utils.makeGrid(batch.mul(3).sub(1), { nrow: 3, normalize: true })],
    ['range', () => utils.makeGrid(batch, { nrow: 3, normalize: true, valueRange: [0.2, 0.8] })],
    ['scale_each', () => utils.makeGrid(batch.mul(3).sub(1), { nrow: 3, normalize: true, scaleEach: true })],
    ['gray', () => utils.makeGrid(batch.narrow(1, 0, 1), { nrow: 4 })],
  ];
  for (const [name, make] of cases) {
    it(name, () => expect(diff(make(), fx[name]).max).toBeLessThan(1e-6));
  }
});

describe('saveImage', () => {
  it('writes a PNG that reads back as the grid mapped to bytes', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flambeau-grid-')), 'grid.png');
    utils.saveImage(batch, path, { nrow: 3 });
    const back = readImage(path);
    const grid = utils.makeGrid(batch, { nrow: 3 });
    expect(back.shape).toEqual(grid.shape);
    const g = grid.dataSync(), b = back.dataSync();
    for (let i = 0; i < g.length; i += 37) expect(b[i]).toBe(Math.trunc(Math.min(255, Math.fround(Math.fround(g[i] * 255) + 0.5))));
  });
});
