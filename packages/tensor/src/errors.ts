import { className } from './class_name.js';

/**
 * Errors raised by Flambeau. Each mirrors the Python exception PyTorch raises for the same misuse
 * (`RuntimeError`, `IndexError`, `TypeError`, `ValueError`), so ported `try/catch` logic and error
 * messages read the same.
 */
export class FlambeauError extends Error {
  /** The class name, kept through bundling (see `className`). */
  static readonly __name__: string = 'FlambeauError';
  constructor(message: string) {
    super(message);
    this.name = className(new.target);
  }
}

/** PyTorch's `RuntimeError`: shape mismatches, impossible views, autograd misuse. */
export class RuntimeError extends FlambeauError { static override readonly __name__ = 'RuntimeError'; }
/** PyTorch's `IndexError`: a dim or an index out of range. */
export class IndexError extends FlambeauError { static override readonly __name__ = 'IndexError'; }
/** PyTorch's `TypeError`: a wrong kind of argument or option (kernels missing for a dtype raise `RuntimeError`, as in PyTorch). */
export class DTypeError extends FlambeauError { static override readonly __name__ = 'DTypeError'; }
/** PyTorch's `ValueError`: an argument with an invalid value (negative lr, non-finite bound…). */
export class ValueError extends FlambeauError { static override readonly __name__ = 'ValueError'; }
/** A feature that exists in PyTorch but is not available in this build or on this backend. */
export class NotImplementedError extends FlambeauError { static override readonly __name__ = 'NotImplementedError'; }

/** Throws a `RuntimeError` (or the given class) when `cond` is false. */
export function check(cond: unknown, message: string | (() => string), Cls: new (m: string) => FlambeauError = RuntimeError): asserts cond {
  if (!cond) throw new Cls(typeof message === 'function' ? message() : message);
}
