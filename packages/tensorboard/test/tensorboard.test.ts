import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arange, tensor } from '@flambeau/tensor';
import { decodeImage } from '@flambeau/data';
import { SummaryWriter, crc32c, decodeRecords, encodeRecord, readEvents, readScalars, RecordError, histogram } from '@flambeau/tensorboard';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('TFRecord framing', () => {
  it('CRC-32C matches the published check value', () => {
    expect(crc32c(utf8('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  });

  it('round-trips records and rejects a flipped byte', () => {
    const recs = [utf8('hello'), new Uint8Array(0), utf8('x'.repeat(300))];
    const bytes = new Uint8Array(recs.reduce((n, r) => n + r.length + 16, 0));
    let o = 0;
    for (const r of recs) { const e = encodeRecord(r); bytes.set(e, o); o += e.length; }
    expect(decodeRecords(bytes).map((r) => new TextDecoder().decode(r))).toEqual(['hello', '', 'x'.repeat(300)]);
    const bad = bytes.slice(); bad[14] ^= 1; // inside the first record's data
    expect(() => decodeRecords(bad, 'f')).toThrow(/f: data CRC mismatch in the record at byte offset 0/);
    expect(() => decodeRecords(bytes.subarray(0, bytes.length - 3))).toThrow(RecordError);
  });
});

describe('SummaryWriter', () => {
  it('writes scalars, images and histograms that read back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-'));
    const w = new SummaryWriter(dir, { maxQueue: 2 });
    for (let s = 0; s < 5; s++) w.addScalar('loss/train', 1 / (s + 1), s);
    w.add_scalar('lr', 0.125, 7);
    // 3 images of 2x4, one channel, values in [0, 1]: a grid of 3 columns.
    const imgs = arange(24, { dtype: 'float32' }).div(23).reshape(3, 1, 2, 4);
    w.add_images('input', imgs, 3);
    w.addHistogram('w', tensor([-1, 0, 0.5, 0.5, 2], { dtype: 'float32' }), 1, 4);
    w.close();
    expect(readdirSync(dir)).toEqual([w.path.slice(dir.length + 1)]);
    expect(w.path).toMatch(/events\.out\.tfevents\.\d+\./);

    const events = readEvents(w.path);
    expect(events[0].what).toEqual({ case: 'fileVersion', value: 'brain.Event:2' });
    const scalars = readScalars(w.path);
    expect(scalars.get('loss/train')!.map(([s]) => s)).toEqual([0, 1, 2, 3, 4]);
    expect(scalars.get('loss/train')![2][1]).toBeCloseTo(1 / 3, 6);
    expect(scalars.get('lr')).toEqual([[7, 0.125]]);

    const image = events.flatMap((e) => (e.what.case === 'summary' ? e.what.value.value : [])).find((v) => v.tag === 'input')!;
    if (image.value.case !== 'image') throw new Error('no image');
    const { height, width, colorspace, encodedImageString } = image.value.value;
    expect([height, width, colorspace]).toEqual([2, 12, 3]);
    const png = decodeImage(encodedImageString);
    expect([png.width, png.height]).toEqual([12, 2]);
    // Pixel (row 1, col 5) is image 1, x = 1, y = 1: value (8 + 4 + 1) / 23 * 255, truncated.
    expect(png.channels).toBe(3);
    expect(png.data[(1 * 12 + 5) * 3]).toBe(Math.trunc((13 / 23) * 255));

    const histo = events.flatMap((e) => (e.what.case === 'summary' ? e.what.value.value : [])).find((v) => v.tag === 'w')!;
    if (histo.value.case !== 'histo') throw new Error('no histogram');
    // numpy.histogram([-1, 0, .5, .5, 2], bins=4) -> counts [1, 1, 2, 1], edges [-1, -.25, .5, 1.25, 2]; one empty bucket prepended
    expect(histo.value.value.bucket).toEqual([0, 1, 1, 2, 1]);
    expect(histo.value.value.bucketLimit).toEqual([-1, -0.25, 0.5, 1.25, 2]);
    expect([histo.value.value.min, histo.value.value.max, histo.value.value.num, histo.value.value.sum]).toEqual([-1, 2, 5, 2]);
  });

  it('tensorflow bins trim empty buckets but keep one on the left', () => {
    const h = histogram([1, 1.05], 'tensorflow');
    expect(h.bucket[0]).toBe(0);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(2);
    expect(h.bucketLimit[h.bucketLimit.length - 1]).toBeGreaterThanOrEqual(1.05);
    expect(h.bucketLimit[0]).toBeLessThanOrEqual(1);
  });

  it('a corrupt event file names itself and the offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-'));
    const w = new SummaryWriter(dir);
    w.addScalar('a', 1, 0);
    w.close();
    const bytes = readFileSync(w.path);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(w.path, bytes);
    expect(() => readEvents(w.path)).toThrow(new RegExp(`${w.path.replace(/[.]/g, '\\.')}: data CRC mismatch in the record at byte offset \\d+`));
  });
});
