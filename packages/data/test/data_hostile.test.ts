import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IndexError, RuntimeError } from '@flambeau/tensor';
import { DecompressionBombError, DEFAULT_MAX_IMAGE_PIXELS, datasets, decodeImage, encodePng, makeImage, setMaxImagePixels } from '../src/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'flambeau-hostile-'));

function be32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.byteLength; }
  return out;
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const td = concat([new TextEncoder().encode(type), data]);
  return concat([be32(data.byteLength), td, be32(crc32(td))]);
}
/** A well-formed PNG header (valid CRCs) claiming `w`×`h` grayscale pixels, with one tiny IDAT. */
function pngClaiming(w: number, h: number): Uint8Array {
  const ihdr = concat([be32(w), be32(h), Uint8Array.from([8, 0, 0, 0, 0])]);
  return concat([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(new Uint8Array(w + 1))), chunk('IEND', new Uint8Array())]);
}
/** SOI, then a baseline SOF0 frame header of `w`×`h`, one component. */
function jpegClaiming(w: number, h: number): Uint8Array {
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, h >> 8, h & 255, w >> 8, w & 255, 1, 1, 0x11, 0]);
}

afterEach(() => {
  setMaxImagePixels(DEFAULT_MAX_IMAGE_PIXELS);
  vi.restoreAllMocks();
});

describe('decompression bombs (PIL MAX_IMAGE_PIXELS)', () => {
  it("a PNG claiming 20000x20000 is refused from its header, with PIL's class and text", () => {
    const bomb = pngClaiming(20000, 20000);
    expect(bomb.byteLength).toBeLessThan(30_000);
    expect(() => decodeImage(bomb, 'bomb.png')).toThrow(new DecompressionBombError('bomb.png: Image size (400000000 pixels) exceeds limit of 178956970 pixels, could be decompression bomb DOS attack.'));
    // With the check off it is still refused, unread: its image data is far too short for its size
    // (pngjs would return 1.6 GB of zeros).
    setMaxImagePixels(null);
    expect(() => decodeImage(bomb, 'bomb.png')).toThrow(new RuntimeError(`could not decode image bomb.png: truncated PNG: ${bomb.byteLength - 8 - 25 - 12 - 12} bytes of image data cannot hold 20000x20000 pixels`));
  });

  it('a JPEG claiming 20000x20000 is refused before decoding', () => {
    expect(() => decodeImage(jpegClaiming(20000, 20000), 'bomb.jpg')).toThrow(/^bomb\.jpg: Image size \(400000000 pixels\) exceeds limit of 178956970 pixels/);
  });

  it('warns above MAX_IMAGE_PIXELS and refuses above twice it; the limit can be overridden', () => {
    const png = encodePng(makeImage(12, 10, 1, new Uint8Array(120).fill(7)));
    const jpg = jpeg.encode({ width: 20, height: 20, data: new Uint8Array(20 * 20 * 4).fill(200) }, 90).data;
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    setMaxImagePixels(100);
    expect(decodeImage(png, 'a.png').data[0]).toBe(7);
    expect(warn).toHaveBeenCalledWith('a.png: Image size (120 pixels) exceeds limit of 100 pixels, could be decompression bomb DOS attack.', 'DecompressionBombWarning');
    setMaxImagePixels(199);
    expect(() => decodeImage(jpg, 'b.jpg')).toThrow(new DecompressionBombError('b.jpg: Image size (400 pixels) exceeds limit of 398 pixels, could be decompression bomb DOS attack.'));
    setMaxImagePixels(400);
    warn.mockClear();
    expect(decodeImage(jpg, 'b.jpg').width).toBe(20);
    expect(warn).not.toHaveBeenCalled();
    setMaxImagePixels(null);
    expect(decodeImage(png, 'a.png').width).toBe(12);
    expect(warn).not.toHaveBeenCalled();
  });
});

/** An IDX3 file header for `n` images of 28x28. */
function idx3Header(n: number): Uint8Array {
  return concat([Uint8Array.from([0, 0, 8, 3]), be32(n), be32(28), be32(28)]);
}
function idx1(labels: number[]): Uint8Array {
  return concat([Uint8Array.from([0, 0, 8, 1]), be32(labels.length), Uint8Array.from(labels)]);
}

/**
 * A valid gzip member whose payload is `head` followed by `zerosMb` MiB of zeros, built from one
 * sync-flushed deflate block of zeros repeated (so it is made without compressing the whole).
 */
function gzipBomb(head: Uint8Array, zerosMb: number): Uint8Array {
  const mib = new Uint8Array(1 << 20);
  const parts = [Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), deflateRawSync(head, { finishFlush: constants.Z_FULL_FLUSH })];
  const block = deflateRawSync(mib, { finishFlush: constants.Z_FULL_FLUSH });
  let crc = crc32(head);
  for (let i = 0; i < zerosMb; i++) {
    parts.push(block);
    crc = crc32(mib, crc);
  }
  parts.push(Uint8Array.from([0x03, 0x00])); // final empty block
  const trailer = new Uint8Array(8);
  const v = new DataView(trailer.buffer);
  v.setUint32(0, crc, true);
  v.setUint32(4, (head.byteLength + zerosMb * 2 ** 20) % 2 ** 32, true);
  parts.push(trailer);
  return concat(parts);
}

describe('IDX sizes are checked against the header before inflating', () => {
  function mnistRoot(images: Uint8Array, labels: Uint8Array): string {
    const root = tmp();
    writeFileSync(join(root, 'train-images-idx3-ubyte.gz'), images);
    writeFileSync(join(root, 'train-labels-idx1-ubyte.gz'), gzipSync(labels));
    return root;
  }

  it('a small .gz that inflates far past its header (10 images) is stopped at the claimed size', () => {
    const head = concat([idx3Header(10), new Uint8Array(10 * 784)]);
    const bomb = gzipBomb(head, 256);
    expect(bomb.byteLength).toBeLessThan(2 ** 20);
    const root = mnistRoot(bomb, idx1(new Array(10).fill(1)));
    expect(() => new datasets.MNIST(root)).toThrow(`${join(root, 'train-images-idx3-ubyte.gz')}: gzip data inflates to more than the 7856 bytes that the IDX header (dims [10, 28, 28]) claims; refusing to inflate further (a corrupt file or a decompression bomb)`);
  });

  it('a header claiming more than the .gz could hold is refused without inflating', () => {
    const root = mnistRoot(gzipSync(concat([idx3Header(4_000_000_000), new Uint8Array(784)])), idx1([1]));
    expect(() => new datasets.MNIST(root)).toThrow(/truncated IDX data: dims \[4000000000, 28, 28\] need 3136000000016 bytes, more than \d+ bytes of gzip can hold/);
  });

  it('a well-formed .gz still loads', () => {
    const root = mnistRoot(gzipSync(concat([idx3Header(2), new Uint8Array(2 * 784).fill(9)])), idx1([3, 4]));
    const ds = new datasets.MNIST(root);
    expect(ds.length).toBe(2);
    expect(ds.getItem(1)[1]).toBe(4);
  });
});

describe('getItem index validation', () => {
  const root = tmp();
  writeFileSync(join(root, 'train-images-idx3-ubyte'), concat([idx3Header(2), new Uint8Array(2 * 784)]));
  writeFileSync(join(root, 'train-labels-idx1-ubyte'), idx1([3, 4]));
  writeFileSync(join(root, 't10k-images-idx3-ubyte'), idx3Header(0));
  writeFileSync(join(root, 't10k-labels-idx1-ubyte'), idx1([]));

  it('a fractional index is an IndexError, not a shifted image with label undefined', () => {
    const ds = new datasets.MNIST(root);
    expect(() => ds.getItem(1.5)).toThrow(new IndexError('index must be an integer, got 1.5'));
    expect(ds.getItem(-1)[1]).toBe(4);
    expect(() => ds.getItem(2)).toThrow(new IndexError('index 2 is out of range for a dataset of length 2'));
  });

  it("an empty dataset's getItem(0) is an IndexError, not a raw RangeError", () => {
    const empty = new datasets.MNIST(root, { train: false });
    expect(empty.length).toBe(0);
    expect(() => empty.getItem(0)).toThrow(new IndexError('index 0 is out of range for a dataset of length 0'));
  });
});

describe('ImageFolder and symbolic links', () => {
  function folder(): string {
    const root = tmp();
    mkdirSync(join(root, 'cat'));
    mkdirSync(join(root, 'dog'));
    writeFileSync(join(root, 'cat', 'a.png'), encodePng(makeImage(2, 2, 3, new Uint8Array(12).fill(50))));
    writeFileSync(join(root, 'dog', 'b.png'), encodePng(makeImage(2, 2, 3, new Uint8Array(12).fill(90))));
    return root;
  }

  it('a dangling symlink fails only its own item, with PIL-like text', () => {
    const root = folder();
    symlinkSync(join(root, 'missing.png'), join(root, 'cat', 'b_dangling.png'));
    const ds = new datasets.ImageFolder(root);
    expect(ds.samples.map(([p, c]) => [p.slice(root.length + 1), c])).toEqual([['cat/a.png', 0], ['cat/b_dangling.png', 0], ['dog/b.png', 1]]);
    expect(() => ds.getItem(1)).toThrow(new RuntimeError(`[Errno 2] No such file or directory: '${join(root, 'cat', 'b_dangling.png')}'`));
    expect((ds.getItem(2)[0] as { data: Uint8Array }).data[0]).toBe(90);
  });

  it('a symlink loop neither hangs nor fails the dataset', () => {
    const root = folder();
    symlinkSync(join(root, 'cat'), join(root, 'cat', 'again')); // a folder that contains itself
    symlinkSync('self.png', join(root, 'dog', 'self.png')); // a link to itself (ELOOP)
    const ds = new datasets.ImageFolder(root);
    expect(ds.samples.map(([p]) => p.slice(root.length + 1))).toEqual(['cat/a.png', 'dog/b.png', 'dog/self.png']);
    expect(() => ds.getItem(2)).toThrow(new RuntimeError(`[Errno 40] Too many levels of symbolic links: '${join(root, 'dog', 'self.png')}'`));
    expect(ds.getItem(0)[1]).toBe(0);
  });
});
