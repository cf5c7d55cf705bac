import type { Storage } from './backend.js';
import { RuntimeError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * Deterministic release of device memory (DESIGN: "released deterministically through dispose()
 * and a scope helper, with a FinalizationRegistry only as the safety net"). On the CPU storage is
 * garbage-collected and disposing is a no-op; device backends free or pool their buffers.
 */

/** How many live tensors view each storage: views share storage, so it is freed with the last one. */
const refs = new WeakMap<Storage, number>();
const scopes: Set<Tensor>[] = [];

/** Drops the reference of a tensor that was garbage-collected without `dispose()`. */
const finalizer = typeof FinalizationRegistry === 'undefined'
  ? null
  : new FinalizationRegistry<Storage>((s) => dropRef(s));

function dropRef(s: Storage): void {
  const n = refs.get(s);
  if (n === undefined) return;
  if (n > 1) {
    refs.set(s, n - 1);
    return;
  }
  refs.delete(s);
  s.backend.dispose(s);
}

/** Called by the Tensor constructor. */
export function trackTensor(t: Tensor): void {
  const s = t.storage;
  const n = refs.get(s);
  refs.set(s, (n ?? 0) + 1);
  // The CPU needs no safety net (typed arrays are collected); device backends do. Every tensor
  // holds one reference, so a collected view never frees storage that other tensors still use.
  if (finalizer && s.backend.name !== 'cpu') finalizer.register(t, s, t);
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/**
 * Moves `t`'s reference from its current storage to `next` (PyTorch's `p.data = x`, used by
 * `Module.to`): the old storage loses one holder, the new one gains it.
 */
export function rebindStorage(t: Tensor, next: Storage): void {
  const prev = t.storage;
  if (prev === next) return;
  finalizer?.unregister(t);
  refs.set(next, (refs.get(next) ?? 0) + 1);
  if (finalizer && next.backend.name !== 'cpu') finalizer.register(t, next, t);
  (t as { storage: Storage }).storage = next;
  dropRef(prev);
}

/** Called by `Tensor.dispose()`: drops one reference, frees the storage with the last. */
export function releaseTensor(t: Tensor): void {
  finalizer?.unregister(t);
  dropRef(t.storage);
}

function collect(x: unknown, out: Set<Tensor>, seen: Set<unknown>): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (isTensor(x)) {
    out.add(x);
    return;
  }
  for (const v of x instanceof Map ? x.values() : Object.values(x)) collect(v, out, seen);
}

function isTensor(x: object): x is Tensor {
  return 'storage' in x && 'shape' in x && typeof (x as Tensor).dispose === 'function';
}

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (in arrays and
 * objects too) or passes to `keep`. tfjs's `tf.tidy`; PyTorch frees by reference counting instead.
 * Synchronous only: tensors made after an `await` would escape the scope. Do not wrap a forward
 * pass you will backward through: the graph's saved intermediates would be freed (as in tfjs).
 *
 * @example
 * const y = tidy(() => x.mul(2).add(1).relu()); // the intermediates are freed, y survives
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) throw new RuntimeError('tidy() cannot be used with async functions: await outside it, or dispose tensors yourself');
  const kept = new Set<Tensor>();
  collect(result, kept, new Set());
  for (const t of scope) {
    if (kept.has(t) || t.isDisposed) continue;
    // Gradients and parameters updated in place inside the scope are not the scope's to free.
    if (t.requiresGrad && t.isLeaf) continue;
    t.dispose();
  }
  const parent = scopes[scopes.length - 1];
  if (parent) for (const t of kept) if (scope.has(t)) parent.add(t);
  return result;
}

/** Exempts a tensor from the enclosing `tidy` scope. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}
