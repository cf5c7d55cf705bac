// Datasets for the DataLoader exit/timeout tests. No vitest import: worker threads load this module.
import { Dataset } from '../../src/dataset.js';
import type { WorkerSpec } from '../../src/worker_spec.js';

/** Item i is [i]; items at or after `stallFrom` never resolve (a worker stuck on I/O). */
export class StallingDataset extends Dataset<number[]> {
  constructor(readonly n: number, readonly stallFrom: number) { super(); }
  get length(): number { return this.n; }
  getItem(i: number): number[] | Promise<number[]> {
    return i >= this.stallFrom ? new Promise<number[]>(() => {}) : [i];
  }
  workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'StallingDataset', args: [this.n, this.stallFrom] }; }
}
