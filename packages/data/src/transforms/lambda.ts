import { ValueError } from '@flambeau/tensor';
import type { WorkerSpec } from '../worker_spec.js';
import { Transform } from './transform.js';

/** `Lambda(fn)`: a user function as a transform. Functions cannot travel to worker threads. */
export class Lambda<I = unknown, O = unknown> extends Transform<I, O> {
  static override readonly __name__: string = 'Lambda';
  constructor(readonly lambd: (x: I) => O) {
    super(lambd);
    if (typeof lambd !== 'function') throw new ValueError(`Argument lambd should be callable, got ${typeof lambd}`);
  }
  forward(x: I): O { return this.lambd(x); }
  override workerSpec(): WorkerSpec {
    throw new ValueError('Lambda transforms cannot be sent to DataLoader worker threads: write a Transform subclass with a workerSpec(), or use numWorkers: 0');
  }
}
