/**
 * The device worker of the `webgpu` lane: it owns the real `@flambeau/backend-webgpu` backend
 * (its own `@flambeau/tensor` instance, Dawn's event loop) and runs every call the proxy in the
 * test thread forwards, replying with the result or the error thrown. Storages are known to the
 * test thread by id; the id table holds one reference to each (`retainStorage`), so the tensors
 * this worker wraps around them for overrides never free what the test thread still owns.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import {
  type Attrs, type Backend, type Storage, type StridedView, Tensor, cpu, dispatch, hasOp, releaseStorage, retainStorage, tidy,
} from '@flambeau/tensor';
import { type WebGPUBackend, initWebGPU, unavailableReason } from '../src/index.js';
import { float64Error } from '../src/dtypes.js';
import { type Ready, SyncChannel, type WireError, type WireStorage, type WireView } from './channel.js';

const { port, shared } = workerData as { port: MessagePort; shared: SharedArrayBuffer };
const chan = new SyncChannel(port, shared, 1);

const storages = new Map<number, Storage>();
const ids = new WeakMap<Storage, number>();
let nextId = 1;

function register(s: Storage): WireStorage {
  let id = ids.get(s);
  if (id === undefined) {
    id = nextId++;
    ids.set(s, id);
    storages.set(id, s);
    retainStorage(s);
  }
  return { $s: id, dtype: s.dtype, size: s.size };
}

function storage(id: number): Storage {
  const s = storages.get(id);
  if (!s) throw new TypeError(`webgpu lane: storage #${id} is unknown to the device worker (freed already?)`);
  return s;
}

function view(v: WireView): StridedView {
  return { storage: storage(v.s), dtype: v.dtype as StridedView['dtype'], shape: v.shape, strides: v.strides, offset: v.offset };
}

/** An error made by a function of the test thread (a device-side check's message): rethrown there as itself. */
class HostError extends Error {
  constructor(readonly hostRef: number, name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Calls a function (or a method of an object, `Generator.random`) that lives in the test thread. */
function callHost(ref: number, method: string | null, args: unknown[]): unknown {
  chan.post({ k: 'cb', id: current, ref, method, args: args.map(encode) });
  const m = chan.receive(60_000) as { k: string; value?: unknown; thrown?: { $h: number; name: string; message: string } } | undefined;
  if (!m || m.k !== 'cbReply') throw new Error('webgpu lane: the test thread did not answer a callback');
  if (m.thrown) throw new HostError(m.thrown.$h, m.thrown.name, m.thrown.message);
  return decode(m.value);
}

function hostStub(ref: number, fn: boolean): unknown {
  if (fn) return (...args: unknown[]) => callHost(ref, null, args);
  return new Proxy({}, { get: (_t, name) => (typeof name === 'string' && name !== 'then' ? (...args: unknown[]) => callHost(ref, name, args) : undefined) });
}

function decode(x: unknown): unknown {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return x;
  if (Array.isArray(x)) return x.map(decode);
  const o = x as Record<string, unknown>;
  if ('$s' in o) return storage(o.$s as number);
  if ('$v' in o) return view(o.$v as WireView);
  if ('$h' in o) {
    if (o.err) { const e = o.err as { name: string; message: string }; return new HostError(o.$h as number, e.name, e.message); }
    return hostStub(o.$h as number, o.fn === true);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v)]));
}

function encode(x: unknown): unknown {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return x;
  if (Array.isArray(x)) return x.map(encode);
  if (x instanceof Tensor) throw new TypeError('webgpu lane: tensors are returned by overrides only');
  if ('backend' in x && 'size' in x && 'dtype' in x) return register(x as Storage);
  return x;
}

const FLOAT64_REFUSAL = float64Error('float64').message;
const INT64_REFUSAL = /is outside the int32 range .*the webgpu device stores int64 tensors as 32-bit integers/;

function encodeError(e: unknown): WireError {
  if (e instanceof HostError) return { name: e.name, message: e.message, $h: e.hostRef };
  const err = e instanceof Error ? e : new Error(String(e));
  const refusal = err.message === FLOAT64_REFUSAL ? 'float64' as const : INT64_REFUSAL.test(err.message) ? 'int64' as const : undefined;
  return { name: err.name, message: err.message, stack: err.stack, ...(refusal ? { refusal } : {}) };
}

/** A tensor of this worker over a storage of the id table (an override's input). */
function wrapInput(v: WireView | null): Tensor | null {
  return v ? new Tensor(storage(v.s), v.shape, v.strides, v.offset) : null;
}

/** ops defined above `@flambeau/tensor` (layerNorm in nn, the optimizer steps in optim), loaded on first need. */
async function ensureOp(op: string): Promise<void> {
  if (hasOp(op)) return;
  await import('@flambeau/nn');
  await import('@flambeau/optim');
}

/** Runs the real override of `op` (through this worker's dispatcher, so its fallback is the op's default here). */
async function override(op: string, inputs: (WireView | null)[], attrs: Attrs): Promise<unknown> {
  await ensureOp(op);
  const wrapped = inputs.map(wrapInput);
  try {
    const result = tidy(() => dispatch(op, wrapped as Tensor[], decode(attrs) as Attrs));
    const list = Array.isArray(result) ? result : [result];
    const out = list.map((t) => {
      const i = wrapped.indexOf(t);
      if (i >= 0) return { $in: i };
      return { $t: { ...register(t.storage), shape: [...t.shape], strides: [...t.strides], offset: t.offset } };
    });
    for (const t of list) if (!wrapped.includes(t)) t.dispose();
    return Array.isArray(result) ? out : out[0];
  } finally {
    for (const t of wrapped) t?.dispose();
  }
}

/** The contract's methods: those the CPU reference backend has (optional ones included), less `readSync`, plus `deferCheck`. */
function contractMethods(b: Backend): string[] {
  const names = new Set([...Object.keys(cpu).filter((k) => typeof (cpu as unknown as Record<string, unknown>)[k] === 'function'), 'deferCheck']);
  names.delete('readSync');
  return [...names].filter((k) => typeof (b as unknown as Record<string, unknown>)[k] === 'function');
}

let gpu: WebGPUBackend | null = null;

async function handle(m: { k: string; method?: string; args?: unknown[]; s?: number; op?: string; inputs?: (WireView | null)[]; attrs?: Attrs; view?: WireView }): Promise<unknown> {
  const b = gpu!;
  switch (m.k) {
    case 'call': {
      const fn = (b as unknown as Record<string, (...a: unknown[]) => unknown>)[m.method!];
      return encode(await fn.apply(b, m.args!.map(decode)));
    }
    case 'override': return override(m.op!, m.inputs!, m.attrs!);
    case 'peek': {
      const v = view(m.view!);
      const copy = b.copy(v, v.dtype);
      try { return await b.read(copy); } finally { b.dispose(copy); }
    }
    case 'discardChecks':
      // The checks' errors are the test thread's (HostError); any other failure is the device's.
      try { await b.sync(); } catch (e) { if (!(e instanceof HostError)) throw e; }
      return undefined;
    case 'dispose': {
      const s = storage(m.s!);
      storages.delete(m.s!);
      releaseStorage(s);
      return undefined;
    }
    default: throw new TypeError(`webgpu lane: unknown request '${m.k}'`);
  }
}

const reason = await unavailableReason();
if (!reason) gpu = await initWebGPU();
const ready: Ready = {
  k: 'ready', unavailable: reason, name: 'webgpu', index: gpu?.index,
  methods: gpu ? contractMethods(gpu) : [], kernels: gpu ? Object.keys(gpu.kernels) : [],
};
chan.post(ready);

// Requests are handled one at a time, in order; `dispose` is posted without waiting for a reply.
let queue: Promise<void> = Promise.resolve();
/** The number of the request being handled: its answer and callbacks carry it. */
let current = 0;
port.on('message', (m: { k: string; id?: number }) => {
  queue = queue.then(async () => {
    if (m.id !== undefined) current = m.id;
    try {
      const value = await handle(m);
      if (m.k !== 'dispose') chan.post({ k: 'ok', id: m.id, value });
    } catch (e) {
      if (m.k !== 'dispose') chan.post({ k: 'err', id: m.id, error: encodeError(e) });
      else console.error('webgpu lane: dispose failed', e);
    }
  });
});
