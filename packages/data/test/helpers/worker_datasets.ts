// Datasets for the worker-thread tests. No vitest import: worker threads load this module.
import { Dataset, IterableDataset } from '../../src/dataset.js';
import { getWorkerInfo } from '../../src/worker_info.js';
import type { WorkerSpec } from '../../src/worker_spec.js';

/** Item i is [i, i * 10]; throws at `badIndex`, or kills its thread there (`mode`). */
export class FaultyDataset extends Dataset<number[]> {
  constructor(readonly n: number, readonly badIndex: number, readonly mode: 'throw' | 'exit' | 'uncaught' | 'none') { super(); }
  get length(): number { return this.n; }
  getItem(i: number): number[] {
    if (i === this.badIndex) {
      if (this.mode === 'throw') throw new TypeError(`cannot decode sample ${i}`);
      if (this.mode === 'exit') process.exit(3);
      if (this.mode === 'uncaught') setTimeout(() => { throw new Error('boom outside any call'); });
      if (this.mode === 'uncaught') return new Promise<number[]>(() => {}) as unknown as number[];
    }
    return [i, i * 10];
  }
  workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'FaultyDataset', args: [this.n, this.badIndex, this.mode] }; }
}

/** 0..n-1 as a stream, split between workers by `getWorkerInfo()` (PyTorch's sharding recipe). */
export class RangeStream extends IterableDataset<number> {
  constructor(readonly n: number) { super(); }
  async *[Symbol.asyncIterator](): AsyncIterator<number> {
    const info = getWorkerInfo();
    for (let i = 0; i < this.n; i++) if (!info || i % info.numWorkers === info.id) yield i;
  }
  workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'RangeStream', args: [this.n] }; }
}

/** What `recordInit` saw in this thread (worker_init_fn test). */
let initSeen: { scale: number; workerId: number } | null = null;

/** A `worker_init_fn` with one bound argument; throws for `scale` 0. */
export async function recordInit(scale: number, workerId: number): Promise<void> {
  await Promise.resolve();
  if (scale === 0) throw new RangeError(`scale must not be 0 (worker ${workerId})`);
  initSeen = { scale, workerId };
}

/** Item i is [i, worker id * scale] as recorded by `recordInit` ([i, -1] before it ran). */
export class InitProbe extends Dataset<number[]> {
  constructor(readonly n: number) { super(); }
  get length(): number { return this.n; }
  getItem(i: number): number[] { return [i, initSeen ? initSeen.workerId * initSeen.scale : -1]; }
  workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'InitProbe', args: [this.n] }; }
}
