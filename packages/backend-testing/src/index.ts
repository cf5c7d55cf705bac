/**
 * `@flambeau/backend-testing` — an asynchronous test device. It runs the CPU kernels, but behind
 * storages of its own that cannot be read synchronously (as WebGPU's cannot): reads resolve on a
 * later tick, and every readback, upload and allocation is counted. Running the fixture suites on
 * it (the `testing` lane of `pnpm test`) proves that op, layer, optimizer and autograd code never
 * reads device data behind the user's back, never uploads hidden scalars, and frees what it owns.
 *
 * @example
 * import { testing } from '@flambeau/backend-testing';
 * const x = torch.rand(3, { device: 'testing' });
 * testing.counters.reads;      // 0
 * await x.dataAsync();              // resolves on a later tick; counters.reads === 1
 */
import { type Backend, type Storage, type StridedView, type TypedArray, RuntimeError, arrayType, cpu, registerBackend } from '@flambeau/tensor';

/** What the device has done since the last `reset()`. */
export interface Counters {
  /** Storages read back to the host (`read`). */
  reads: number;
  /** Host arrays uploaded to the device (`fromArray`). */
  uploads: number;
  uploadBytes: number;
  /** Storages created by kernels or `alloc`. */
  allocs: number;
  /** Storages handed to `dispose`. */
  frees: number;
  /** Storages alive now, and their bytes (never reset: it is the device's memory). */
  liveStorages: number;
  liveBytes: number;
}


/** A device storage: a CPU storage the host cannot touch directly. */
class TestStorage implements Storage {
  constructor(readonly backend: Backend, private innerStorage: Storage | null, readonly bytes: number) {}
  get dtype() { return this.inner.dtype; }
  get size() { return this.inner.size; }
  get inner(): Storage {
    if (!this.innerStorage) throw new RuntimeError('testing device: a storage was used after it was freed (a tensor outlived the storage it views)');
    return this.innerStorage;
  }
  free(): void { this.innerStorage = null; }
  get freed(): boolean { return this.innerStorage === null; }
}

const counters: Counters = { reads: 0, uploads: 0, uploadBytes: 0, allocs: 0, frees: 0, liveStorages: 0, liveBytes: 0 };

function wrap(s: Storage): TestStorage {
  const bytes = s.size * arrayType(s.dtype).BYTES_PER_ELEMENT;
  counters.allocs++;
  counters.liveStorages++;
  counters.liveBytes += bytes;
  return new TestStorage(testing, s, bytes);
}

function unwrap(x: unknown): unknown {
  if (x instanceof TestStorage) return x.inner;
  if (x !== null && typeof x === 'object' && 'storage' in x && (x as StridedView).storage instanceof TestStorage) {
    const v = x as StridedView;
    return { storage: (v.storage as TestStorage).inner, dtype: v.dtype, shape: v.shape, strides: v.strides, offset: v.offset };
  }
  if (x !== null && typeof x === 'object' && 'storage' in x && (x as StridedView).storage.backend !== testing && 'shape' in x) {
    throw new RuntimeError(`testing device: a kernel received a view of a '${(x as StridedView).storage.backend.name}' storage`);
  }
  return x;
}

function wrapResult(r: unknown): unknown {
  if (Array.isArray(r)) return r.map(wrapResult);
  if (r !== null && typeof r === 'object' && 'backend' in r) return wrap(r as Storage);
  return r;
}

const STORAGE_CALLS = new Set(['name', 'alloc', 'fromArray', 'read', 'readSync', 'dispose', 'sync', 'kernels', 'index', 'deferCheck']);

/** Device-side checks not yet reported: raised, first one first, at the next read or sync. */
const pending: { flag: StridedView; detail: StridedView | null; error: (detail: number[]) => Error }[] = [];

function values(v: StridedView): number[] {
  return Array.from(cpu.readSync!(cpu.copy(v, v.dtype)));
}

function flushChecks(): void {
  const checks = pending.splice(0);
  for (const c of checks) {
    if (!values(c.flag)[0]) throw c.error(c.detail ? values(c.detail) : []);
  }
}

const kernels: Record<string, unknown> = {};
for (const [key, fn] of Object.entries(cpu)) {
  if (STORAGE_CALLS.has(key) || typeof fn !== 'function') continue;
  kernels[key] = (...args: unknown[]) => wrapResult((fn as (...a: unknown[]) => unknown)(...args.map(unwrap)));
}

/**
 * The `testing` device. `counters` tells what it did; `reset()` zeroes the per-run counters
 * (not the live-memory ones).
 */
export const testing = {
  ...(kernels as unknown as Backend),
  name: 'testing',
  alloc: (dtype, size) => wrap(cpu.alloc(dtype, size)),
  fromArray: (data, dtype) => {
    counters.uploads++;
    counters.uploadBytes += data.byteLength;
    return wrap(cpu.fromArray(data.slice(), dtype));
  },
  read: (s) => {
    counters.reads++;
    const inner = (s as TestStorage).inner;
    // Resolved on a later macrotask, as a GPU's mapAsync is: code that forgets to await sees nothing.
    return new Promise((resolve, reject) => setImmediate(() => {
      try {
        flushChecks();
        resolve(cpu.readSync!(inner).slice());
      } catch (e) {
        reject(e);
      }
    }));
  },
  deferCheck: (flag, detail, error) => {
    // The views are captured unwrapped: the check reads the values they hold now, as a kernel would.
    pending.push({ flag: snapshot(flag), detail: detail && snapshot(detail), error });
  },
  dispose: (s) => {
    const t = s as TestStorage;
    if (t.freed) throw new RuntimeError('testing device: a storage was freed twice');
    counters.frees++;
    counters.liveStorages--;
    counters.liveBytes -= t.bytes;
    t.free();
  },
  sync: () => new Promise<void>((resolve, reject) => setImmediate(() => {
    try {
      flushChecks();
      resolve();
    } catch (e) {
      reject(e);
    }
  })),
  counters,
  reset(): void {
    counters.reads = counters.uploads = counters.uploadBytes = counters.allocs = counters.frees = 0;
  },
} satisfies Backend & { counters: Counters; reset(): void };

registerBackend(testing);

/** Drops device-side checks not yet reported (the test lane does this between tests). */
export function discardChecks(): void {
  pending.length = 0;
}

/**
 * Test assertions only: the row-major values of a view, read synchronously without counting.
 * Library code must never call this (the lane's setup refuses callers outside test files).
 */
export function peekSync(v: StridedView): TypedArray {
  flushChecks();
  return cpu.readSync!(cpu.copy(unwrap(v) as StridedView, v.dtype));
}

/** A dense CPU copy of a device view, taken now (what a kernel writing a flag buffer would see). */
function snapshot(v: StridedView): StridedView {
  const s = cpu.copy(unwrap(v) as StridedView, v.dtype);
  return { storage: s, dtype: v.dtype, shape: v.shape, strides: v.shape.map((_, i) => v.shape.slice(i + 1).reduce((a, b) => a * b, 1)), offset: 0 };
}
export { collectGarbage } from './collect.js';
