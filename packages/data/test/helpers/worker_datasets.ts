// Datasets for the worker-thread tests. No vitest import: worker threads load this module.
import { Dataset } from '../../src/dataset.js';
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
