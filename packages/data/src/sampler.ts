import { type Args, type Generator, Generator as Gen, Tensor, ValueError, declare, defaultGenerator, multinomial, parseArgs, randint, randperm, tensor } from '@flambeau/tensor';

// Arguments PyTorch checks itself with a ValueError (`num_samples should be a positive integer
// value`, `replacement should be a boolean value`) are typed `Scalar` here, so they reach that check.
const SEQUENTIAL = declare('data.SequentialSampler', 'SequentialSampler(Any dataSource)');
const RANDOM = declare('data.RandomSampler', 'RandomSampler(Any dataSource, Scalar replacement=False, Scalar? numSamples=None, Generator? generator=None)');
const SUBSET_RANDOM = declare('data.SubsetRandomSampler', 'SubsetRandomSampler(int[] indices, Generator? generator=None)');
const WEIGHTED_RANDOM = declare('data.WeightedRandomSampler', 'WeightedRandomSampler(Any weights, Scalar numSamples, Scalar replacement=True, Generator? generator=None)');
const BATCH = declare('data.BatchSampler', 'BatchSampler(Any sampler, Scalar batchSize, Scalar dropLast)');

/**
 * PyTorch's `Sampler`: an iterable of dataset indices (or, for a batch sampler, of index lists).
 * `length` is optional, as `__len__` is in PyTorch.
 */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  get length(): number {
    throw new ValueError(`${this.constructor.name} has no length`);
  }
}

/** What a sampler needs from its data source. */
export interface Sized {
  readonly length: number;
}

/** `SequentialSampler(data_source)`: 0, 1, …, n-1. */
export class SequentialSampler extends Sampler<number> {
  readonly dataSource: Sized;
  constructor(...args: [dataSource: Sized] | [{ dataSource: Sized }]) {
    super();
    ({ dataSource: this.dataSource } = parseArgs(SEQUENTIAL, args));
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.dataSource.length; i++) yield i;
  }
  override get length(): number { return this.dataSource.length; }
}

/**
 * PyTorch draws a 64-bit seed with `torch.empty((), dtype=torch.int64).random_(generator)`:
 * two 32-bit draws, hi then lo, masked to 63 bits. mt19937 is seeded with its low 32 bits, which
 * is all a seeded Generator needs; the full value is returned as a BigInt.
 */
export function drawSeed(gen: Generator): bigint {
  const hi = gen.random();
  const lo = gen.random();
  return (BigInt(hi & 0x7fffffff) << 32n) | BigInt(lo);
}

/** A generator seeded the way `torch.Generator().manual_seed(seed)` is for a 64-bit seed. */
export function generatorFromSeed(seed: bigint): Generator {
  return new Gen(Number(BigInt.asUintN(32, seed)));
}

/**
 * `RandomSampler(data_source, replacement=False, num_samples=None, generator=None)`. Without a
 * generator, each pass seeds a fresh one from the default generator, exactly as PyTorch does, so a
 * `manualSeed` before iterating gives PyTorch's order.
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  readonly dataSource: Sized;
  private readonly _numSamples: number | undefined;
  constructor(
    dataSource: Sized,
    ...rest: Args<[replacement: boolean, numSamples: number | null, generator: Generator | null], { replacement?: boolean; numSamples?: number | null; generator?: Generator | null }>
  ) {
    super();
    const a = parseArgs(RANDOM, [dataSource, ...rest]);
    this.dataSource = dataSource;
    this.replacement = a.replacement;
    this._numSamples = a.numSamples ?? undefined;
    this.generator = a.generator ?? undefined;
    if (typeof this.replacement !== 'boolean') throw new ValueError(`replacement should be a boolean value, but got replacement=${this.replacement}`);
    if (!Number.isInteger(this.numSamples) || this.numSamples <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${this.numSamples}`);
    }
  }
  get numSamples(): number { return this._numSamples ?? this.dataSource.length; }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const generator = this.generator ?? generatorFromSeed(drawSeed(defaultGenerator));
    if (this.replacement) {
      for (let k = 0; k < Math.floor(this.numSamples / 32); k++) yield* randint(n, [32], { generator, device: 'cpu' }).dataSync();
      yield* randint(n, [this.numSamples % 32], { generator, device: 'cpu' }).dataSync();
    } else {
      for (let k = 0; k < Math.floor(this.numSamples / n); k++) yield* randperm(n, { generator, device: 'cpu' }).dataSync();
      yield* Array.from(randperm(n, { generator, device: 'cpu' }).dataSync()).slice(0, this.numSamples % n);
    }
  }
  override get length(): number { return this.numSamples; }
}

/** `SubsetRandomSampler(indices, generator=None)`: the given indices in random order. */
export class SubsetRandomSampler extends Sampler<number> {
  readonly indices: readonly number[];
  readonly generator: Generator | undefined;
  constructor(indices: readonly number[], ...rest: Args<[generator: Generator | null], { generator?: Generator | null }>) {
    super();
    const a = parseArgs(SUBSET_RANDOM, [indices, ...rest]);
    this.indices = a.indices;
    this.generator = a.generator ?? undefined;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of randperm(this.indices.length, { generator: this.generator, device: 'cpu' }).dataSync()) yield this.indices[i];
  }
  override get length(): number { return this.indices.length; }
}

/**
 * `WeightedRandomSampler(weights, num_samples, replacement=True, generator=None)`: indices of
 * `weights` drawn with probability proportional to them, by `torch.multinomial` on the float64
 * weights, so a seeded generator gives PyTorch's indices.
 *
 * @example
 * // Oversample a rare class: weight each sample by 1 / (its class's count).
 * const sampler = new WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5);
 * const loader = new DataLoader(ds, { batchSize: 5, sampler });
 */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  readonly numSamples: number;
  constructor(
    weights: readonly number[] | Float32Array | Float64Array | Tensor,
    numSamples: number,
    ...rest: Args<[replacement: boolean, generator: Generator | null], { replacement?: boolean; generator?: Generator | null }>
  ) {
    super();
    const opts = parseArgs(WEIGHTED_RANDOM, [weights, numSamples, ...rest]);
    this.numSamples = numSamples;
    if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${String(numSamples)}`);
    }
    this.replacement = opts.replacement;
    if (typeof this.replacement !== 'boolean') throw new ValueError(`replacement should be a boolean value, but got replacement=${String(this.replacement)}`);
    this.weights = weights instanceof Tensor ? weights.to({ dtype: 'float64', device: 'cpu' }) : tensor(Array.from(weights), { dtype: 'float64', device: 'cpu' });
    if (this.weights.ndim !== 1) {
      throw new ValueError(`weights should be a 1d sequence but given weights have shape (${this.weights.shape.join(', ')})`);
    }
    this.generator = opts.generator ?? undefined;
  }
  *[Symbol.iterator](): Iterator<number> {
    yield* multinomial(this.weights, this.numSamples, { replacement: this.replacement, generator: this.generator }).dataSync();
  }
  override get length(): number { return this.numSamples; }
}

/**
 * `BatchSampler(sampler, batch_size, drop_last)`: groups a sampler's indices into lists.
 *
 * @example [...new BatchSampler(new SequentialSampler({ length: 5 }), 2, false)] // [[0,1],[2,3],[4]]
 */
export class BatchSampler extends Sampler<number[]> {
  readonly sampler: Iterable<number> & { length?: number };
  readonly batchSize: number;
  readonly dropLast: boolean;
  constructor(...args: [sampler: Iterable<number> & { length?: number }, ...Args<[batchSize: number, dropLast: boolean], { batchSize?: number; dropLast?: boolean }>]) {
    super();
    const { sampler, batchSize, dropLast } = parseArgs(BATCH, args);
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    if (!Number.isInteger(batchSize) || batchSize <= 0 || typeof batchSize === 'boolean') {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    }
    if (typeof dropLast !== 'boolean') throw new ValueError(`drop_last should be a boolean value, but got drop_last=${dropLast}`);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
  override get length(): number {
    const n = this.sampler.length;
    if (n === undefined) throw new ValueError('BatchSampler: the sampler has no length');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
