import { dispatchDepth } from '../dispatcher.js';
import type { Tensor } from '../tensor.js';

/**
 * True in-place writes: `x.add_(y)` runs `add` then `copy_` (what autograd and tracers see), but
 * while `writeInto(x, …)` is active, the op called on `x` directly under it may write its result
 * into `x` (the backend's `binaryInto`/`unaryInto`) and return an alias of `x`, so that `copy_`
 * moves nothing: no allocation, no copy. The elementwise ops decide when that is allowed.
 */
let into: { dst: Tensor; depth: number } | null = null;

/** Runs `fn`, one op call on `dst`, letting it write its result into `dst` (the in-place methods use it). */
export function writeInto(dst: Tensor, fn: () => Tensor): Tensor {
  const prev = into;
  into = { dst, depth: dispatchDepth() };
  try {
    return fn();
  } finally {
    into = prev;
  }
}

/**
 * Whether the op now running was called directly on the pending destination `x` (not an op
 * nested inside it, not an op on another tensor); consumes the offer either way.
 */
export function takeDestination(x: Tensor): boolean {
  const h = into;
  if (h === null || h.dst !== x || dispatchDepth() !== h.depth + 1) return false;
  into = null;
  return true;
}

/** Cheap pre-check for the kernels' hot path. */
export function destinationPending(): boolean {
  return into !== null;
}
