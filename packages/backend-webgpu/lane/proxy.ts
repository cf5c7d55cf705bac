/**
 * The test thread's `webgpu` backend in the `webgpu` lane: every call of the backend contract
 * (storage calls, kernels, overrides) is forwarded to the device worker (worker.ts), which owns the
 * real WebGPU backend, and waits for its answer, so the suites' synchronous calls stay synchronous
 * and their errors are thrown where they were. Reads are asynchronous as on the real device; only
 * test files may peek synchronously (`peek`), as in the `testing` lane.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import {
  type Attrs, type Backend, type DType, type OpImpl, type Storage, type StridedView, type TypedArray,
  DTypeError, FlambeauError, Generator, IndexError, NotImplementedError, RuntimeError, Tensor, ValueError,
} from '@flambeau/tensor';
import { type Ready, SyncChannel, type WireError, type WireStorage, type WireView } from './channel.js';

/** Long enough for a lavapipe GEMM and a cold pipeline compile; a hung worker fails the call, not the run. */
const CALL_TIMEOUT_MS = 120_000;

class ProxyStorage implements Storage {
  constructor(readonly backend: Backend, readonly id: number, readonly dtype: DType, readonly size: number) {}
}

const ERRORS: Record<string, new (message: string) => Error> = {
  RuntimeError, IndexError, DTypeError, ValueError, NotImplementedError, FlambeauError, TypeError, RangeError, Error,
};

export interface WebGPULane {
  /** The proxy backend, or null when no WebGPU device opened (`unavailable` says why). */
  backend: Backend | null;
  unavailable: string | null;
  /** Test assertions only: a view's values, read synchronously through the worker. */
  peek(v: StridedView): TypedArray;
  /** Drops the device-side checks still pending (a failed one belongs to the test that queued it). */
  discardChecks(): void;
  /** Called when the device refuses a dtype by design (float64, int64 beyond int32); may throw a skip. */
  onRefusal: (kind: 'float64' | 'int64', message: string) => void;
}

/** Starts the device worker, waits for it to open the device and returns the lane's proxy. */
export function startLane(): WebGPULane {
  const shared = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./boot.mjs', import.meta.url), {
    workerData: { port: port2, shared },
    transferList: [port2],
    execArgv: ['--conditions=@flambeau/source'],
  });
  worker.unref();
  port1.unref();
  const chan = new SyncChannel(port1, shared, 0);
  const ready = chan.receive(CALL_TIMEOUT_MS) as Ready | undefined;
  if (!ready) throw new RuntimeError('webgpu lane: the device worker did not start');

  const hostRefs = new Map<number, unknown>();
  const refOf = new WeakMap<object, number>();
  let nextRef = 1;
  const hostRef = (x: object): number => {
    let id = refOf.get(x);
    if (id === undefined) {
      id = nextRef++;
      refOf.set(x, id);
      hostRefs.set(id, x);
    }
    return id;
  };

  const lane: WebGPULane = {
    backend: null,
    unavailable: ready.unavailable,
    peek: (v) => call({ k: 'peek', view: wireView(v) }) as TypedArray,
    discardChecks: () => { call({ k: 'discardChecks' }); },
    onRefusal: () => {},
  };
  if (ready.unavailable) return lane;

  const storageOf = (s: Storage): ProxyStorage => {
    if (!(s instanceof ProxyStorage)) throw new TypeError(`expected a webgpu storage, got one on '${s.backend?.name}'`);
    return s;
  };
  function wireView(v: StridedView): WireView {
    return { s: storageOf(v.storage).id, dtype: v.dtype, shape: [...v.shape], strides: [...v.strides], offset: v.offset };
  }
  function encode(x: unknown): unknown {
    if (x === null || x === undefined || ArrayBuffer.isView(x)) return x;
    if (typeof x === 'function') return { $h: hostRef(x), fn: true };
    if (typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map(encode);
    if (x instanceof ProxyStorage) return { $s: x.id };
    if (x instanceof Generator) return { $h: hostRef(x) };
    if (x instanceof Error) return { $h: hostRef(x), err: { name: x.name, message: x.message } };
    if ('storage' in x && 'shape' in x) return { $v: wireView(x as StridedView) };
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, encode(v)]));
  }
  function decode(x: unknown): unknown {
    if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return x;
    if (Array.isArray(x)) return x.map(decode);
    const s = x as WireStorage;
    if ('$s' in s) return new ProxyStorage(backend, s.$s, s.dtype as DType, s.size);
    return x;
  }
  function error(w: WireError): unknown {
    if (w.$h !== undefined) return hostRefs.get(w.$h);
    const Cls = ERRORS[w.name] ?? Error;
    const e = new Cls(w.message);
    if (!(w.name in ERRORS)) e.name = w.name;
    e.stack = `${e.name}: ${w.message}\n    (raised in the webgpu device worker)\n${(w.stack ?? '').split('\n').slice(1).join('\n')}`;
    if (w.refusal) lane.onRefusal(w.refusal, w.message);
    return e;
  }
  let seq = 0;
  /**
   * Posts a request and blocks until the worker answers, serving its callbacks meanwhile. Answers
   * carry the request's number: one that comes after its call gave up is dropped, not taken for
   * the next call's.
   */
  function call(req: object): unknown {
    const id = ++seq;
    chan.post({ ...req, id });
    for (;;) {
      const m = chan.receive(CALL_TIMEOUT_MS) as { k: string; id?: number; value?: unknown; error?: WireError; ref?: number; method?: string | null; args?: unknown[] } | undefined;
      if (!m) throw new RuntimeError(`webgpu lane: the device worker did not answer within ${CALL_TIMEOUT_MS / 1000} s`);
      if (m.id !== id) continue;
      if (m.k === 'ok') return decode(m.value);
      if (m.k === 'err') throw error(m.error!);
      // A callback: a function or an object method of this thread (a check's error, a Generator).
      const target = hostRefs.get(m.ref!) as Record<string, (...a: unknown[]) => unknown> & ((...a: unknown[]) => unknown);
      try {
        const args = m.args!;
        const value = m.method === null ? target(...args) : target[m.method!](...args);
        chan.post({ k: 'cbReply', value: encode(value) });
      } catch (e) {
        const ex = e instanceof Error ? e : new Error(String(e));
        chan.post({ k: 'cbReply', thrown: { $h: hostRef(ex), name: ex.name, message: ex.message } });
      }
    }
  }
  /** Results of reads and syncs arrive on a later macrotask, as a GPU's mapAsync does. */
  function later<T>(fn: () => T): Promise<T> {
    return new Promise((resolve, reject) => setImmediate(() => {
      try { resolve(fn()); } catch (e) { reject(e); }
    }));
  }
  function overrideOf(op: string): OpImpl {
    return (inputs: readonly Tensor[], attrs: Attrs) => {
      const out = call({ k: 'override', op, inputs: inputs.map((t) => (t ? wireView(t) : null)), attrs: encode(attrs) }) as unknown;
      const toTensor = (r: { $in?: number; $t?: WireStorage & { shape: number[]; strides: number[]; offset: number } }): Tensor => {
        if (r.$in !== undefined) return inputs[r.$in];
        const w = r.$t!;
        // A view of an input (an in-place override's result) shares the input's storage object.
        const known = inputs.find((t) => t && (t.storage as ProxyStorage).id === w.$s);
        if (known) return new Tensor(known.storage, w.shape, w.strides, w.offset, known);
        return new Tensor(new ProxyStorage(backend, w.$s, w.dtype as DType, w.size), w.shape, w.strides, w.offset);
      };
      return Array.isArray(out) ? out.map(toTensor) : toTensor(out as never);
    };
  }

  const forward = (method: string) => (...args: unknown[]) => call({ k: 'call', method, args: args.map(encode) });
  const methods: Record<string, unknown> = {};
  for (const m of ready.methods) methods[m] = forward(m);
  const backend = {
    ...methods,
    name: ready.name,
    ...(ready.index === undefined ? {} : { index: ready.index }),
    kernels: Object.fromEntries(ready.kernels.map((op) => [op, overrideOf(op)])),
    read: (s: Storage) => {
      try { const data = call({ k: 'call', method: 'read', args: [encode(s)] }); return later(() => data); } catch (e) { return later(() => { throw e; }); }
    },
    sync: () => {
      try { call({ k: 'call', method: 'sync', args: [] }); return later(() => undefined); } catch (e) { return later(() => { throw e; }); }
    },
    // Fire and forget: the worker handles requests in order, so later calls see the storage freed.
    dispose: (s: Storage) => { chan.post({ k: 'dispose', s: storageOf(s).id }); },
  } as unknown as Backend;
  lane.backend = backend;
  return lane;
}
