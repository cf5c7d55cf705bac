import { type Args, type Generator, type Tensor, IndexError, ValueError, declare, defaultGenerator, parseArgs, randperm } from '@flambeau/tensor';
import { type WorkerSpec } from './worker_spec.js';

/**
 * A map-style dataset, PyTorch's `torch.utils.data.Dataset`: `getItem(i)` (Python's `__getitem__`)
 * and `length` (`__len__`). Subclasses that should load in DataLoader worker threads also
 * implement `workerSpec()` (see `WorkerSpec`).
 *
 * @example
 * class Squares extends Dataset<number> {
 *   get length() { return 10; }
 *   getItem(i: number) { return i * i; }
 * }
 */
export abstract class Dataset<T = unknown> {
  abstract getItem(index: number): T | Promise<T>;
  abstract get length(): number;
}

/**
 * PyTorch's `IterableDataset`: a stream of samples (`[Symbol.asyncIterator]` or `[Symbol.iterator]`),
 * consumed in order by the DataLoader. Samplers and shuffling do not apply.
 */
export abstract class IterableDataset<T = unknown> {
  abstract [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** Checks an index against a length, allowing Python's negative indices; returns the non-negative one. */
export function checkIndex(index: number, length: number, what = 'index'): number {
  if (!Number.isInteger(index)) throw new IndexError(`${what} must be an integer, got ${index}`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) throw new IndexError(`${what} ${index} is out of range for a dataset of length ${length}`);
  return i;
}

/**
 * `TensorDataset(*tensors)`: item i is `[t0[i], t1[i], …]`. All tensors must share their first dim.
 *
 * @example const ds = new TensorDataset(x, y); const [xi, yi] = ds.getItem(0);
 */
const TENSOR_DATASET = declare('data.TensorDataset', 'TensorDataset(Tensor[] tensors)');

export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    super();
    // `*tensors`: the varargs as one list, so a non-tensor gets PyTorch's TypeError wording.
    parseArgs(TENSOR_DATASET, [tensors]);
    if (tensors.length === 0) throw new ValueError('TensorDataset needs at least one tensor');
    const n = tensors[0].shape[0];
    if (!tensors.every((t) => t.ndim > 0 && t.shape[0] === n)) throw new ValueError('Size mismatch between tensors');
    this.tensors = tensors;
  }
  get length(): number { return this.tensors[0].shape[0]; }
  getItem(index: number): Tensor[] {
    const i = checkIndex(index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
  workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'TensorDataset', args: this.tensors }; }
}

const SUBSET = declare('data.Subset', 'Subset(Dataset dataset, int[] indices)');
const CONCAT = declare('data.ConcatDataset', 'ConcatDataset(Any[] datasets)');
const RANDOM_SPLIT = declare('data.randomSplit', 'random_split(Dataset dataset, float[] lengths, Generator? generator=None)');

/** `Subset(dataset, indices)`: the dataset seen through a list of indices. */
export class Subset<T = unknown> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];
  constructor(...args: [dataset: Dataset<T>, indices: readonly number[]] | [dataset: Dataset<T>, { indices: readonly number[] }]) {
    super();
    ({ dataset: this.dataset, indices: this.indices } = parseArgs(SUBSET, args));
  }
  get length(): number { return this.indices.length; }
  getItem(index: number): T | Promise<T> {
    return this.dataset.getItem(this.indices[checkIndex(index, this.indices.length)]);
  }
  workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'Subset', args: [this.dataset, this.indices] }; }
}

/** `ConcatDataset(datasets)`: the datasets one after another. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  /** `cumulative_sizes`: running totals of the lengths. */
  readonly cumulativeSizes: number[];
  constructor(...args: [datasets: readonly Dataset<T>[]] | [{ datasets: readonly Dataset<T>[] }]) {
    super();
    const { datasets } = parseArgs(CONCAT, args) as { datasets: readonly Dataset<T>[] };
    if (datasets.length === 0) throw new ValueError('datasets should not be an empty iterable');
    for (const d of datasets) {
      if (d instanceof IterableDataset) throw new ValueError('ConcatDataset does not support IterableDataset');
    }
    this.datasets = [...datasets];
    let s = 0;
    this.cumulativeSizes = this.datasets.map((d) => (s += d.length));
  }
  get length(): number { return this.cumulativeSizes[this.cumulativeSizes.length - 1]; }
  getItem(index: number): T | Promise<T> {
    const i = checkIndex(index, this.length, 'absolute value of index');
    let d = 0;
    while (this.cumulativeSizes[d] <= i) d++;
    return this.datasets[d].getItem(d === 0 ? i : i - this.cumulativeSizes[d - 1]);
  }
  workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'ConcatDataset', args: [this.datasets] }; }
}

/**
 * `random_split(dataset, lengths, generator=default_generator)`: lengths as counts, or fractions
 * summing to 1 (remainders handed out round-robin, as PyTorch 1.13). Indices come from
 * `randperm(sum(lengths), generator)`, so a seeded split equals PyTorch's.
 *
 * @example const [train, val] = randomSplit(ds, [0.8, 0.2], new Generator().manualSeed(42));
 */
export function randomSplit<T>(dataset: Dataset<T>, ...rest: Args<[lengths: readonly number[], generator: Generator | null], { lengths?: readonly number[]; generator?: Generator | null }>): Subset<T>[] {
  const a = parseArgs(RANDOM_SPLIT, [dataset, ...rest]);
  const lengths = a.lengths as readonly number[];
  const generator = (a.generator ?? defaultGenerator) as Generator;
  let counts = [...lengths];
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    lengths.forEach((f, i) => {
      if (f < 0 || f > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
    });
    counts = lengths.map((f) => Math.floor(dataset.length * f));
    const remainder = dataset.length - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length] += 1;
  }
  if (counts.reduce((a, b) => a + b, 0) !== dataset.length) {
    throw new ValueError('Sum of input lengths does not equal the length of the input dataset!');
  }
  const perm = Array.from(randperm(dataset.length, { generator, device: 'cpu' }).dataSync());
  let offset = 0;
  return counts.map((n) => {
    const idx = perm.slice(offset, offset + n);
    offset += n;
    return new Subset(dataset, idx);
  });
}
