import { ValueError } from '@flambeau/tensor';
import type { WorkerSpec } from '../worker_spec.js';

/** Transforms are callable, as in torchvision: `t(img)` runs `t.forward(img)`. */
export interface Transform<I = any, O = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  (input: I): O;
}

/**
 * Base of torchvision-style transforms. Subclasses implement `forward` and pass their
 * constructor arguments to `super(...)`, which is how a transform is rebuilt in a DataLoader
 * worker thread (`workerSpec()`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export abstract class Transform<I = any, O = any> {
  /** Constructor arguments, replayed to rebuild the transform in a worker thread. */
  declare readonly specArgs: unknown[];

  constructor(...specArgs: unknown[]) {
    // The instance is a function (so it can be called) carrying the subclass's prototype.
    const fn = ((x: I) => (fn as unknown as Transform<I, O>).forward(x)) as unknown as Transform<I, O>;
    delete (fn as { length?: number }).length;
    delete (fn as { name?: string }).name;
    Object.setPrototypeOf(fn, new.target.prototype);
    Object.defineProperty(fn, 'specArgs', { value: specArgs, enumerable: false });
    return fn;
  }

  abstract forward(input: I): O;

  /** Built-in transforms are all exported from `transforms/index`, so the class name is enough. */
  workerSpec(): WorkerSpec {
    return { module: import.meta.url.replace(/transform\.(ts|js)$/, 'index.$1'), name: this.constructor.name, args: this.specArgs };
  }

  /** torchvision's `__repr__`, e.g. `RandomHorizontalFlip(p=0.5)`. */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/** `Compose([t1, t2, …])`: applies the transforms in order. Plain functions are allowed (numWorkers: 0 only). */
export class Compose extends Transform {
  constructor(readonly transforms: ((x: any) => any)[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super(transforms);
  }
  forward(x: unknown): unknown {
    for (const t of this.transforms) x = t(x);
    return x;
  }
  override toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${t instanceof Transform ? t.toString() : 'function'}`).join('\n')}\n)`;
  }
}

/** `Lambda(fn)`: a user function as a transform. Functions cannot travel to worker threads. */
export class Lambda<I = unknown, O = unknown> extends Transform<I, O> {
  constructor(readonly lambd: (x: I) => O) {
    super(lambd);
    if (typeof lambd !== 'function') throw new ValueError(`Argument lambd should be callable, got ${typeof lambd}`);
  }
  forward(x: I): O { return this.lambd(x); }
  override workerSpec(): WorkerSpec {
    throw new ValueError('Lambda transforms cannot be sent to DataLoader worker threads: write a Transform subclass with a workerSpec(), or use numWorkers: 0');
  }
}
