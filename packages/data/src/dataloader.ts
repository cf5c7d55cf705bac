import { type Args, declare, defaultGenerator, type Generator, NotImplementedError, parseArgs, RuntimeError, ValueError } from '@flambeau/tensor';
import { defaultCollate } from './collate.js';
import { Dataset, IterableDataset } from './dataset.js';
import { BatchSampler, RandomSampler, Sampler, SequentialSampler, drawSeed } from './sampler.js';
import { STREAM_END, WorkerPool } from './worker_pool.js';
import { type WorkerFunctionSpec, checkFunctionSpec, encode } from './worker_spec.js';

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); `null` turns auto-batching off (items come one by one). */
  batchSize?: number | null;
  shuffle?: boolean;
  sampler?: Iterable<number> & { length?: number };
  batchSampler?: Iterable<number[]> & { length?: number };
  /** Worker threads that load and transform samples (0: in the calling thread). */
  numWorkers?: number;
  /** Merges a list of samples into a batch. A custom one runs in the main thread. */
  collateFn?: (batch: T[]) => B;
  dropLast?: boolean;
  /** Source of the shuffling order and of the workers' base seed. */
  generator?: Generator;
  /** Batches loaded ahead per worker (default 2). */
  prefetchFactor?: number;
  /** Keep the worker threads between epochs. */
  persistentWorkers?: boolean;
  /**
   * PyTorch's `worker_init_fn`: an exported function each worker imports and calls with its id
   * (after seeding, with `getWorkerInfo()` set, before loading anything); may return a promise.
   * Not called when `numWorkers` is 0, as in PyTorch.
   */
  workerInitFn?: WorkerFunctionSpec;
  /**
   * Seconds to wait for a batch from the workers before failing with PyTorch's
   * `RuntimeError: DataLoader timed out after N seconds` (default 0: wait forever). As in
   * PyTorch it applies to worker loading only (`numWorkers > 0`).
   */
  timeout?: number;
}

/** The worker pool of one iterator, for the clean-up of iterators dropped without finishing. */
interface PoolHolder { pool: WorkerPool | null }

/**
 * An iterator abandoned mid-epoch (never finished, never `return()`ed) frees its threads when it
 * is garbage-collected; until then its idle workers are unref'd and do not keep the process alive.
 */
const abandoned = typeof FinalizationRegistry === 'undefined' ? null : new FinalizationRegistry<PoolHolder>((h) => { void h.pool?.shutdown(); });

const DATALOADER = declare('data.DataLoader', 'DataLoader(Dataset dataset, int? batchSize=1, bool? shuffle=None, Any? sampler=None, Any? batchSampler=None, int numWorkers=0, Callable? collateFn=None, bool pinMemory=False, bool dropLast=False, float timeout=0, Any? workerInitFn=None, Any? multiprocessingContext=None, Any? generator=None, *, int prefetchFactor=2, bool persistentWorkers=False, str pinMemoryDevice="")');

/** `DataLoader`'s arguments after the dataset: PyTorch's positional order, or by name. */
export type DataLoaderArgs<T, B> = Args<[batchSize: number | null, shuffle: boolean | null, sampler: (Iterable<number> & { length?: number }) | null,
  batchSampler: (Iterable<number[]> & { length?: number }) | null, numWorkers: number, collateFn: ((batch: T[]) => B) | null, pinMemory: boolean, dropLast: boolean], DataLoaderOptions<T, B>>;

/** The bound arguments as options (`None` → absent); refuses the PyTorch options with no meaning here rather than ignore them. */
function dataLoaderOptions<T, B>(a: Record<string, any>): DataLoaderOptions<T, B> {
  if (a.pinMemory || a.pinMemoryDevice !== '') throw new NotImplementedError('DataLoader: pin_memory is not supported (no pinned host memory in JavaScript)');
  if (a.multiprocessingContext !== null) throw new NotImplementedError('DataLoader: workers are worker_threads; multiprocessing_context is not supported');
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (v !== null || k === 'batchSize') opts[k] = v;
  return opts as DataLoaderOptions<T, B>;
}

/**
 * PyTorch's `DataLoader(dataset, batch_size=1, shuffle=False, sampler=None, batch_sampler=None,
 * num_workers=0, collate_fn=None, drop_last=False, timeout=0, worker_init_fn=None, generator=None,
 * prefetch_factor=2, persistent_workers=False)`, iterated with `for await`.
 *
 * With `numWorkers > 0` samples are loaded in `worker_threads`. Each worker rebuilds the dataset
 * from its `workerSpec()` (built-in datasets, transforms, `TensorDataset`, `Subset` and
 * `ConcatDataset` have one; see `WorkerSpec` for your own), seeds its default generator with
 * `base_seed + worker_id` as PyTorch does, calls `workerInitFn` (a `WorkerFunctionSpec`) with the
 * worker id, collates with `defaultCollate`, and transfers the
 * batch's buffers back. Batches arrive in sampler order. An error in a worker rejects the
 * iteration with the sample index; a dead worker rejects it too.
 *
 * @example
 * const loader = new DataLoader(ds, { batchSize: 64, shuffle: true, numWorkers: 2 }); // or new DataLoader(ds, 64, true)
 * for await (const [x, y] of loader) { ... }
 */
export class DataLoader<T = unknown, B = any> implements AsyncIterable<B> {
  readonly dataset: Dataset<T> | IterableDataset<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Iterable<number> & { length?: number };
  readonly batchSampler: (Iterable<number[]> & { length?: number }) | null;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly persistentWorkers: boolean;
  readonly generator: Generator | undefined;
  readonly collateFn: ((batch: T[]) => B) | null;
  readonly workerInitFn: WorkerFunctionSpec | null;
  readonly timeout: number;
  private pool: WorkerPool | null = null;
  private epoch = 0;

  constructor(dataset: Dataset<T> | IterableDataset<T>, ...rest: DataLoaderArgs<T, B>) {
    const opts = dataLoaderOptions<T, B>(parseArgs(DATALOADER, [dataset, ...rest]));
    const numWorkers = opts.numWorkers ?? 0;
    let batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    let dropLast = opts.dropLast ?? false;
    const { shuffle, sampler, batchSampler } = opts;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new ValueError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    }
    if (numWorkers === 0 && opts.prefetchFactor !== undefined && opts.prefetchFactor !== 2) {
      throw new ValueError('prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.');
    }
    if (opts.prefetchFactor !== undefined && !(opts.prefetchFactor > 0)) throw new ValueError('prefetch_factor option should be positive');
    if (opts.timeout !== undefined && !(opts.timeout >= 0)) throw new ValueError('timeout option should be non-negative');
    if (opts.persistentWorkers && numWorkers === 0) throw new ValueError('persistent_workers option needs num_workers > 0');
    if (dataset instanceof IterableDataset) {
      if (shuffle) throw new ValueError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${shuffle}`);
      if (sampler !== undefined) throw new ValueError('DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=' + String(sampler));
      if (batchSampler !== undefined) throw new ValueError('DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=' + String(batchSampler));
    }
    if (sampler !== undefined && shuffle) throw new ValueError('sampler option is mutually exclusive with shuffle');
    if (batchSampler !== undefined) {
      if (batchSize !== 1 || shuffle || sampler !== undefined || dropLast) {
        throw new ValueError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new ValueError('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    }
    this.dataset = dataset;
    this.numWorkers = numWorkers;
    this.prefetchFactor = opts.prefetchFactor ?? 2;
    this.persistentWorkers = opts.persistentWorkers ?? false;
    this.generator = opts.generator;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    const map = dataset as Dataset<T>;
    this.sampler = sampler ?? (shuffle ? new RandomSampler(map, { generator: opts.generator }) : new SequentialSampler(map));
    this.batchSampler = batchSampler ?? (batchSize !== null ? new BatchSampler(this.sampler, batchSize, dropLast) : null);
    this.collateFn = opts.collateFn ?? null;
    this.timeout = opts.timeout ?? 0;
    this.workerInitFn = opts.workerInitFn === undefined ? null : checkFunctionSpec(opts.workerInitFn, 'worker_init_fn');
  }

  /** `len(loader)`: the number of batches (or of samples without auto-batching). */
  get length(): number {
    if (this.dataset instanceof IterableDataset) {
      const n = (this.dataset as unknown as { length?: number }).length;
      if (n === undefined) throw new ValueError('DataLoader: the IterableDataset has no length');
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    const s = this.batchSampler ?? this.sampler;
    const n = s instanceof Sampler ? s.length : s.length;
    if (n === undefined) throw new ValueError('DataLoader: the sampler has no length');
    return n;
  }

  private collate(items: T[]): B {
    return this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    const holder: PoolHolder = { pool: null };
    const it = this.iterate(holder);
    if (this.numWorkers > 0) abandoned?.register(it, holder);
    return it;
  }

  private async *iterate(holder: PoolHolder): AsyncGenerator<B> {
    // Datasets that download first expose `ready`.
    await (this.dataset as { ready?: Promise<void> }).ready;
    // PyTorch draws the base seed each time an iterator is made, workers or not.
    const baseSeed = drawSeed(this.generator ?? defaultGenerator);
    if (this.dataset instanceof IterableDataset) {
      yield* this.numWorkers === 0 ? this.iterateStream(this.dataset) : this.iterateWorkers(baseSeed, holder);
    } else if (this.numWorkers === 0) {
      const ds = this.dataset;
      if (this.batchSampler) {
        for (const indices of this.batchSampler) {
          const items: T[] = [];
          for (const i of indices) items.push(await ds.getItem(i));
          yield this.collate(items);
        }
      } else {
        for (const i of this.sampler) yield (await ds.getItem(i)) as unknown as B;
      }
    } else {
      yield* this.iterateWorkers(baseSeed, holder);
    }
  }

  private async *iterateStream(ds: IterableDataset<T>): AsyncGenerator<B> {
    let items: T[] = [];
    for await (const item of ds as AsyncIterable<T>) {
      if (this.batchSize === null) { yield item as unknown as B; continue; }
      items.push(item);
      if (items.length === this.batchSize) { yield this.collate(items); items = []; }
    }
    if (items.length > 0 && this.batchSize !== null && !this.dropLast) yield this.collate(items);
  }

  /** A worker batch, or PyTorch's timeout error when `timeout` seconds pass first. */
  private async withTimeout<V>(p: Promise<V>): Promise<V> {
    if (this.timeout <= 0) return p;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RuntimeError(`DataLoader timed out after ${this.timeout} seconds`)), this.timeout * 1000);
    });
    try {
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async *iterateWorkers(baseSeed: bigint, holder: PoolHolder): AsyncGenerator<B> {
    const stream = this.dataset instanceof IterableDataset;
    const autoCollate = stream ? this.batchSize !== null : this.batchSampler !== null;
    let pool = this.pool;
    if (!pool || pool.broken) {
      const init = this.workerInitFn;
      const initFn = init && { module: init.module, name: init.name, args: encode(init.args ?? [], 'worker_init_fn arguments') };
      pool = new WorkerPool(this.numWorkers, encode(this.dataset, 'DataLoader dataset'), baseSeed, this.collateFn === null && autoCollate, this.dropLast, initFn);
    }
    if (this.persistentWorkers) this.pool = pool;
    else holder.pool = pool;
    // Map-style: index batches from the sampler, round robin. Streams: each worker reads its own
    // copy of the stream (shard with getWorkerInfo()); workers that run dry leave the rotation.
    const batches: Iterator<number[]> | null = stream ? null : this.batchSampler
      ? this.batchSampler[Symbol.iterator]()
      : (function* (s) { for (const i of s) yield [i]; })(this.sampler);
    const epoch = this.epoch++;
    const active = Array.from({ length: this.numWorkers }, (_, w) => w);
    let turn = 0;
    const queue: { p: Promise<unknown>; worker: number }[] = [];
    const fill = () => {
      while (queue.length < this.prefetchFactor * this.numWorkers) {
        if (batches) {
          const next = batches.next();
          if (next.done) return;
          queue.push({ p: pool.submit({ indices: next.value }), worker: -1 });
        } else {
          if (active.length === 0) return;
          const worker = active[turn++ % active.length];
          queue.push({ p: pool.submit({ count: this.batchSize ?? 1, epoch }, worker), worker });
        }
      }
    };
    try {
      fill();
      while (queue.length > 0) {
        const { p, worker } = queue.shift()!;
        const out = await this.withTimeout(p);
        if (out === STREAM_END) {
          const k = active.indexOf(worker);
          if (k >= 0) active.splice(k, 1);
          // Requests already queued for that worker will come back empty too.
          for (let i = queue.length - 1; i >= 0; i--) if (queue[i].worker === worker) queue.splice(i, 1);
          fill();
          continue;
        }
        fill();
        if (!autoCollate) yield (out as T[])[0] as unknown as B;
        else yield this.collateFn ? this.collateFn(out as T[]) : (out as B);
      }
    } finally {
      // Persistent workers stay (idle workers are unref'd, so they do not hold the process).
      if (!this.persistentWorkers || pool.broken) await pool.shutdown();
    }
  }

  /** Ends persistent worker threads now (idle workers do not keep the process alive, so this is optional). */
  async shutdown(): Promise<void> {
    await this.pool?.shutdown();
    this.pool = null;
  }
}
