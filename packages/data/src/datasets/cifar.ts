import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError, type Declaration, declare } from '@flambeau/tensor';
import { type Resource, downloadResources, extractTarGz } from './download.js';
import { SPLIT_PARAMS, type SplitArgs, SplitDataset, type SplitDatasetOptions } from './split.js';
import { bindDatasetArgs } from './vision.js';

export type CIFAROptions = SplitDatasetOptions;

interface Layout {
  folder: string;
  trainFiles: string[];
  testFiles: string[];
  /** Label bytes before the 3072 pixel bytes of each record. */
  labelBytes: number;
  /** Exclusive upper bound of each label byte. */
  labelLimits: number[];
  archive: Resource;
}

/**
 * CIFAR's binary version: records of label byte(s) then 3072 bytes (1024 R, 1024 G, 1024 B, each
 * row-major 32×32). Errors name the file and byte offset.
 */
abstract class CIFARBinary extends SplitDataset<CIFAROptions> {
  static mirrors: readonly string[] = ['https://www.cs.toronto.edu/~kriz/'];
  protected abstract layout(): Layout;
  protected get imageShape(): readonly [number, number, number] { return [32, 32, 3]; }
  // `data` is `[N, 32, 32, 3]`; `targets` are the fine labels for CIFAR-100.
  /** CIFAR-100's coarse (superclass) labels; the class label for CIFAR-10. */
  declare coarseTargets: Uint8Array;

  /** The parameter list `new CIFAR10(...)` / `new CIFAR100(...)` binds to. */
  static readonly declaration: Declaration;

  constructor(root: string, ...rest: SplitArgs<CIFAROptions>) {
    super(...bindDatasetArgs<CIFAROptions>((new.target as unknown as typeof CIFARBinary).declaration, root, rest));
  }

  protected init(): Promise<void> | void {
    const L = this.layout(), root = this.root, options = this.options;
    const files = this.findFiles(L);
    if (files) return this.load(files, L);
    if (!options.download) {
      throw new RuntimeError(`Dataset not found or corrupted. You can use download=True to download it (looked for ${L.folder}/${((options.train ?? true) ? L.trainFiles : L.testFiles)[0]} in ${root})`);
    }
    const mirrors = options.mirrors ?? (this.constructor as typeof CIFARBinary).mirrors;
    return downloadResources(this.constructor.name, root, mirrors, [L.archive]).then(() => {
      const archive = join(root, L.archive.file);
      extractTarGz(archive, root);
      const found = this.findFiles(L);
      if (!found) throw new RuntimeError(`${archive} did not contain ${L.folder}/`);
      this.load(found, L);
      rmSync(archive, { force: true });
    });
  }

  private findFiles(L: Layout): string[] | null {
    const names = (this.options.train ?? true) ? L.trainFiles : L.testFiles;
    for (const dir of [join(this.root, L.folder), this.root]) {
      if (names.every((n) => existsSync(join(dir, n)))) return names.map((n) => join(dir, n));
    }
    return null;
  }

  private load(files: string[], L: Layout): void {
    const rec = L.labelBytes + 3072;
    const chunks = files.map((path) => {
      const buf = readFileSync(path);
      if (buf.length === 0 || buf.length % rec !== 0) {
        const whole = Math.floor(buf.length / rec);
        throw new RuntimeError(`${path}: truncated or corrupt CIFAR file: ${buf.length} bytes is not a whole number of ${rec}-byte records (record ${whole} starts at byte offset ${whole * rec} and is incomplete)`);
      }
      for (let off = 0; off < buf.length; off += rec) {
        for (let k = 0; k < L.labelBytes; k++) {
          if (buf[off + k] >= L.labelLimits[k]) {
            throw new RuntimeError(`${path}: label ${buf[off + k]} at byte offset ${off + k} (record ${off / rec}) is not in 0..${L.labelLimits[k] - 1}`);
          }
        }
      }
      return buf;
    });
    const n = chunks.reduce((a, b) => a + b.length / rec, 0);
    const data = new Uint8Array(n * 3072), fine = new Uint8Array(n), coarse = new Uint8Array(n);
    let i = 0;
    for (const buf of chunks) {
      for (let off = 0; off < buf.length; off += rec, i++) {
        coarse[i] = buf[off];
        fine[i] = buf[off + L.labelBytes - 1];
        const px = off + L.labelBytes, o = i * 3072;
        // CHW planes → HWC, as torchvision's `data.transpose((0, 2, 3, 1))`.
        for (let p = 0; p < 1024; p++) {
          data[o + 3 * p] = buf[px + p];
          data[o + 3 * p + 1] = buf[px + 1024 + p];
          data[o + 3 * p + 2] = buf[px + 2048 + p];
        }
      }
    }
    this.data = data;
    this.targets = fine;
    this.coarseTargets = coarse;
  }
}

/**
 * `torchvision.datasets.CIFAR10(root, train=True, transform=None, target_transform=None, download=False)`,
 * reading the binary version: `root/cifar-10-batches-bin/data_batch_{1..5}.bin` and `test_batch.bin`
 * (or those files directly in `root`). Items are `[Image (32×32 RGB), label]`.
 *
 * @example
 * new CIFAR10('./data', { train: false, transform: new ToTensor(), download: true });
 * new CIFAR10('./data', false, new ToTensor(), null, true); // the same, positionally
 */
export class CIFAR10 extends CIFARBinary {
  static override readonly declaration = declare('datasets.CIFAR10', `CIFAR10(str root, ${SPLIT_PARAMS})`);
  static classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  protected layout(): Layout {
    return {
      folder: 'cifar-10-batches-bin',
      trainFiles: [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`),
      testFiles: ['test_batch.bin'],
      labelBytes: 1,
      labelLimits: [10],
      archive: { file: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' },
    };
  }
}

/**
 * `torchvision.datasets.CIFAR100`: binary version `root/cifar-100-binary/train.bin` / `test.bin`,
 * records of coarse label, fine label, pixels. `targets` are the fine labels, as torchvision's.
 */
export class CIFAR100 extends CIFARBinary {
  static override readonly declaration = declare('datasets.CIFAR100', `CIFAR100(str root, ${SPLIT_PARAMS})`);
  protected layout(): Layout {
    return {
      folder: 'cifar-100-binary',
      trainFiles: ['train.bin'],
      testFiles: ['test.bin'],
      labelBytes: 2,
      labelLimits: [20, 100],
      archive: { file: 'cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8' },
    };
  }
}
