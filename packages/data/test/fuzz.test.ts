import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { FlambeauError, Generator } from '@flambeau/tensor';
import { datasets, decodeImage, encodePng, makeImage } from '../src/index.js';

/** Draws in [0, 1) from a seeded torch Generator, so a failure names a replayable case. */
function rng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.uniformDouble();
}

/** Overwrites, deletes or inserts a few bytes, biased towards the first `hot` bytes (the header). */
function mutateBytes(src: Uint8Array, r: () => number, hot: number): Uint8Array {
  const out = [...src];
  for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
    const span = r() < 0.7 ? Math.min(hot, out.length) : out.length;
    const i = Math.floor(r() * Math.max(span, 1));
    const op = Math.floor(r() * 5);
    if (op <= 2) out[i] = r() < 0.5 ? Math.floor(r() * 256) : [0, 0xff, 1, 0x80][Math.floor(r() * 4)];
    else if (op === 3) out.splice(i, 1 + Math.floor(r() * 4));
    else out.splice(i, 0, ...Array.from({ length: 1 + Math.floor(r() * 4) }, () => Math.floor(r() * 256)));
  }
  if (r() < 0.15) out.length = Math.floor(r() * out.length);
  return Uint8Array.from(out);
}

/** Runs `fn`; a raw JS error (TypeError, RangeError…) fails the test, a FlambeauError is a refusal. */
function outcome(label: string, fn: () => unknown): 'ok' | 'refused' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof FlambeauError) return 'refused';
    throw new Error(`${label}: raw ${(e as Error).name}: ${(e as Error).message}`);
  }
}

function idx(dims: number[], fill: number): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n).fill(fill);
  out.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => new DataView(out.buffer).setUint32(4 + 4 * i, d));
  return out;
}

describe('data fuzz (seeded)', () => {
  const r = rng(17);
  const root = mkdtempSync(join(tmpdir(), 'flambeau-fuzz-'));

  it('600 mutated MNIST IDX files (plain and gzip): loaded consistently or refused', () => {
    const images = idx([3, 28, 28], 7), labels = idx([3], 2);
    const tally = { ok: 0, refused: 0 };
    for (let i = 0; i < 600; i++) {
      const dir = join(root, `mnist${i}`);
      mkdirSync(dir);
      const gz = i % 2 === 1;
      const target = r() < 0.5 ? 'images' : 'labels';
      let img: Uint8Array = target === 'images' ? mutateBytes(images, r, 16) : images;
      let lab: Uint8Array = target === 'labels' ? mutateBytes(labels, r, 8) : labels;
      if (gz) {
        img = gzipSync(img);
        lab = gzipSync(lab);
        // Sometimes corrupt the compressed stream itself.
        if (r() < 0.3) img = mutateBytes(img, r, 24);
      }
      writeFileSync(join(dir, `train-images-idx3-ubyte${gz ? '.gz' : ''}`), img);
      writeFileSync(join(dir, `train-labels-idx1-ubyte${gz ? '.gz' : ''}`), lab);
      tally[outcome(`MNIST case ${i}`, () => {
        const ds = new datasets.MNIST(dir);
        // Whatever loads is whole: every item has a 28x28 image and a label in 0..9.
        for (let k = 0; k < ds.length; k++) {
          const [im, y] = ds.getItem(k) as [{ data: Uint8Array }, number];
          expect(im.data.length).toBe(784);
          expect(Number.isInteger(y) && y >= 0 && y <= 9).toBe(true);
        }
        expect(() => ds.getItem(ds.length)).toThrow(FlambeauError);
      })]++;
    }
    expect(tally.refused).toBeGreaterThan(300);
    expect(tally.ok).toBeGreaterThan(20);
  });

  it('300 mutated CIFAR-10 batches: loaded consistently or refused', () => {
    const rec = new Uint8Array(2 * 3073);
    rec[0] = 3;
    rec[3073] = 9;
    const tally = { ok: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const dir = join(root, `cifar${i}`, 'cifar-10-batches-bin');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'test_batch.bin'), mutateBytes(rec, r, 4));
      tally[outcome(`CIFAR case ${i}`, () => {
        const ds = new datasets.CIFAR10(join(root, `cifar${i}`), { train: false });
        for (let k = 0; k < ds.length; k++) {
          const [im, y] = ds.getItem(k) as [{ data: Uint8Array }, number];
          expect(im.data.length).toBe(3072);
          expect(y >= 0 && y <= 9).toBe(true);
        }
      })]++;
    }
    expect(tally.refused).toBeGreaterThan(100);
    expect(tally.ok).toBeGreaterThan(5);
  });

  it('1100 mutated PNG and JPEG files: decoded to the size they claim, or refused', () => {
    const png = encodePng(makeImage(8, 6, 3, Uint8Array.from({ length: 144 }, (_, i) => i)));
    const jpg = jpeg.encode({ width: 8, height: 6, data: new Uint8Array(8 * 6 * 4).fill(120) }, 80).data;
    const tally = { ok: 0, refused: 0 };
    for (let i = 0; i < 1100; i++) {
      const isPng = i % 2 === 0;
      const bytes = mutateBytes(isPng ? png : jpg, r, isPng ? 33 : 200);
      tally[outcome(`image case ${i}`, () => {
        const img = decodeImage(bytes, `case${i}`);
        expect(img.data.length).toBe(img.width * img.height * img.channels);
      })]++;
    }
    expect(tally.refused).toBeGreaterThan(300);
    expect(tally.ok).toBeGreaterThan(20);
  });
});
