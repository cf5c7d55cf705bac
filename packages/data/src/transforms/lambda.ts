import { ValueError, declare, parseArgs } from '@flambeau/tensor';
import type { WorkerSpec } from '../worker_spec.js';
import { Transform } from './transform.js';

// `Any`: the callable check is torchvision's own, below.
const LAMBDA = declare('transforms.Lambda', 'Lambda(Any lambd)');

/** `Lambda(fn)`: a user function as a transform. Functions cannot travel to worker threads. */
export class Lambda<I = unknown, O = unknown> extends Transform<I, O> {
  static override readonly __name__: string = 'Lambda';
  readonly lambd: (x: I) => O;
  constructor(...args: [lambd: (x: I) => O]) {
    super(...args);
    const { lambd } = parseArgs(LAMBDA, args);
    this.lambd = lambd;
    if (typeof lambd !== 'function') throw new ValueError(`Argument lambd should be callable, got ${typeof lambd}`);
  }
  forward(x: I): O { return this.lambd(x); }
  override workerSpec(): WorkerSpec {
    throw new ValueError('Lambda transforms cannot be sent to DataLoader worker threads: write a Transform subclass with a workerSpec(), or use numWorkers: 0');
  }
}
