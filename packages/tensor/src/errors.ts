/**
 * Errors raised by Flambeau. Each mirrors the Python exception PyTorch raises for the same misuse
 * (`RuntimeError`, `IndexError`, `TypeError`, `ValueError`), so ported `try/catch` logic and error
 * messages read the same.
 */
export class FlambeauError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** PyTorch's `RuntimeError`: shape mismatches, impossible views, autograd misuse. */
export class RuntimeError extends FlambeauError {}
/** PyTorch's `IndexError`: a dim or an index out of range. */
export class IndexError extends FlambeauError {}
/** PyTorch's `TypeError`: a wrong kind of argument or option (kernels missing for a dtype raise `RuntimeError`, as in PyTorch). */
export class DTypeError extends FlambeauError {}
/** PyTorch's `ValueError`: an argument with an invalid value (negative lr, non-finite bound…). */
export class ValueError extends FlambeauError {}
/** A feature that exists in PyTorch but is not available in this build or on this backend. */
export class NotImplementedError extends FlambeauError {}

/** Throws a `RuntimeError` (or the given class) when `cond` is false. */
export function check(cond: unknown, message: string | (() => string), Cls: new (m: string) => FlambeauError = RuntimeError): asserts cond {
  if (!cond) throw new Cls(typeof message === 'function' ? message() : message);
}
