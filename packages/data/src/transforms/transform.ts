import { className } from '@flambeau/tensor';
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
  /** The class name printed and used in errors, kept through bundling (see `className`). */
  static readonly __name__: string = 'Transform';
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
    return { module: import.meta.url.replace(/transform\.(ts|js)$/, 'index.$1'), name: className(this.constructor), args: this.specArgs };
  }

  /** torchvision's `__repr__`, e.g. `RandomHorizontalFlip(p=0.5)`. */
  toString(): string {
    return `${className(this.constructor)}()`;
  }
}
