import { type Generator, Generator as Gen, Tensor, ValueError, defaultGenerator, multinomial, randint, randperm, tensor } from '@flambeau/tensor';

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
  constructor(readonly dataSource: Sized) { super(); }
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
  private readonly _numSamples: number | undefined;
  constructor(readonly dataSource: Sized, opts: { replacement?: boolean; numSamples?: number; generator?: Generator } = {}) {
    super();
    this.replacement = opts.replacement ?? false;
    this._numSamples = opts.numSamples;
    this.generator = opts.generator;
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
  constructor(readonly indices: readonly number[], readonly opts: { generator?: Generator } = {}) { super(); }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of randperm(this.indices.length, { generator: this.opts.generator, device: 'cpu' }).dataSync()) yield this.indices[i];
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
  constructor(weights: readonly number[] | Float32Array | Float64Array | Tensor, readonly numSamples: number, opts: { replacement?: boolean; generator?: Generator } = {}) {
    super();
    if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${String(numSamples)}`);
    }
    this.replacement = opts.replacement ?? true;
    if (typeof this.replacement !== 'boolean') throw new ValueError(`replacement should be a boolean value, but got replacement=${String(this.replacement)}`);
    this.weights = weights instanceof Tensor ? weights.to({ dtype: 'float64', device: 'cpu' }) : tensor(Array.from(weights), { dtype: 'float64', device: 'cpu' });
    if (this.weights.ndim !== 1) {
      throw new ValueError(`weights should be a 1d sequence but given weights have shape (${this.weights.shape.join(', ')})`);
    }
    this.generator = opts.generator;
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
  constructor(readonly sampler: Iterable<number> & { length?: number }, readonly batchSize: number, readonly dropLast: boolean) {
    super();
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
