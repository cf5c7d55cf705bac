import type { Storage } from './backend.js';
import { arrayType } from './dtype.js';
import { RuntimeError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * Deterministic release of device memory (DESIGN: "released deterministically through dispose()
 * and a scope helper, with a FinalizationRegistry only as the safety net"). On the CPU storage is
 * garbage-collected and disposing is a no-op; device backends free or pool their buffers.
 */

/**
 * Owned storage: every tensor object (views and parameters included) and every explicit holder
 * (a tensor saved for backward, say) holds one reference to its storage; the storage is handed
 * back to its backend exactly when the last reference goes. A tensor that is garbage-collected
 * without `dispose()` drops its reference through the finalizer, so a storage shared by several
 * tensors is never freed while one of them lives.
 */
// The count lives on the storage object itself, under a symbol: a property read and write per
// tensor where a WeakMap cost a hash lookup and an ephemeron insert (a quarter of a small CPU op).
const REFS = Symbol('flambeau.refs');
type Counted = Storage & { [REFS]?: number };
const scopes: Set<Tensor>[] = [];

/** Per device (not the CPU, whose memory the garbage collector owns): live tensors and storages. */
const live = new Map<string, { tensors: number; storages: number; bytes: number }>();
const NO_STATS = { tensors: 0, storages: 0, bytes: 0 };

function stats(s: Storage): { tensors: number; storages: number; bytes: number } {
  if (s.backend.name === 'cpu') return NO_STATS;
  const key = deviceKey(s);
  let st = live.get(key);
  if (!st) live.set(key, (st = { tensors: 0, storages: 0, bytes: 0 }));
  return st;
}

function deviceKey(s: Storage): string {
  const b = s.backend;
  return b.index === undefined ? b.name : `${b.name}:${b.index}`;
}

/** Takes a reference to `s` (a new holder that is not a tensor object). */
export function retainStorage(s: Storage): void {
  const n = (s as Counted)[REFS];
  if (n === undefined) {
    const st = stats(s);
    st.storages++;
    st.bytes += s.size * arrayType(s.dtype).BYTES_PER_ELEMENT;
  }
  (s as Counted)[REFS] = (n ?? 0) + 1;
}

/** Drops a reference to `s`; the last one gives the storage back to its backend. */
export function releaseStorage(s: Storage): void {
  const n = (s as Counted)[REFS];
  if (n === undefined) return;
  if (n > 1) {
    (s as Counted)[REFS] = n - 1;
    return;
  }
  (s as Counted)[REFS] = undefined;
  const st = stats(s);
  st.storages--;
  st.bytes -= s.size * arrayType(s.dtype).BYTES_PER_ELEMENT;
  s.backend.dispose(s);
}

/** How many holders `s` has (tensor objects and explicit holders); 0 once given back. */
export function storageRefs(s: Storage): number {
  return (s as Counted)[REFS] ?? 0;
}

/** Drops the reference of a tensor object that was collected without `dispose()`. */
const finalizer = typeof FinalizationRegistry === 'undefined'
  ? null
  : new FinalizationRegistry<Storage>((s) => {
      stats(s).tensors--;
      releaseStorage(s);
    });

/**
 * Called by the Tensor constructor. CPU storage is garbage-collected typed arrays, so CPU tensors
 * skip the finalizer (registering one costs ~1.4 µs a tensor) and the per-device statistics.
 */
export function trackTensor(t: Tensor): void {
  const s = t.storage;
  retainStorage(s);
  stats(s).tensors++;
  if (finalizer && s.backend.name !== 'cpu') finalizer.register(t, s, t);
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Called by `Tensor.dispose()`: drops this tensor's reference. */
export function releaseTensor(t: Tensor): void {
  finalizer?.unregister(t);
  stats(t.storage).tensors--;
  releaseStorage(t.storage);
}

/** Called when a tensor object is re-pointed at another storage (`param.data = x`). */
export function moveTensor(t: Tensor, from: Storage, to: Storage): void {
  retainStorage(to);
  stats(to).tensors++;
  if (finalizer && to.backend.name !== 'cpu') {
    finalizer.unregister(t);
    finalizer.register(t, to, t);
  }
  stats(from).tensors--;
  releaseStorage(from);
}

/** Live memory per device, as `tf.memory()` reports it. */
export interface MemoryInfo {
  /** Tensor objects alive (neither disposed nor collected). */
  tensors: number;
  /** Distinct storages they and other holders keep. */
  storages: number;
  /** Bytes of those storages. */
  bytes: number;
}

/**
 * `torch.memory()`: live tensors, storages and bytes per device (`{ webgpu: …, testing: … }`),
 * PyTorch's `torch.cuda.memory_allocated()` and tfjs's `tf.memory()` in one. The CPU is not
 * listed: its typed arrays belong to the garbage collector (`process.memoryUsage()` tells).
 *
 * @example
 * torch.memory().webgpu?.bytes; // device bytes held by live tensors
 */
export function memory(): Record<string, MemoryInfo> {
  const out: Record<string, MemoryInfo> = {};
  for (const [k, v] of live) out[k] = { ...v };
  return out;
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
