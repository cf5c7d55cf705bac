import { type DType, type TypedArray, Tensor, ValueError, fromArray } from '@flambeau/tensor';

/**
 * How a dataset, transform or sampler is rebuilt inside a DataLoader worker thread: the module
 * to import (a file URL or package specifier), the exported class, and constructor arguments.
 * Functions cannot cross a thread boundary, so anything a worker needs must describe itself this way.
 *
 * @example
 * class MyDataset extends Dataset<number> {
 *   constructor(readonly n: number) { super(); }
 *   workerSpec(): WorkerSpec { return { module: import.meta.url, name: 'MyDataset', args: [this.n] }; }
 *   ...
 * }
 */
export interface WorkerSpec {
  module: string;
  name: string;
  args: unknown[];
}

/**
 * A function a worker thread imports and calls (PyTorch's `worker_init_fn`): the module (a file
 * URL or package specifier), the exported function's name, and optional leading arguments bound
 * as `functools.partial` binds them; the worker id comes last.
 *
 * @example
 * // init.ts: export function seedNumpyLike(workerId: number) { ... }
 * new DataLoader(ds, { numWorkers: 2, workerInitFn: { module: new URL('./init.ts', import.meta.url).href, name: 'seedNumpyLike' } });
 */
export interface WorkerFunctionSpec {
  module: string;
  name: string;
  args?: unknown[];
}

/** Checks a `WorkerFunctionSpec` given as `what` in the main thread, where mistakes are cheap to report. */
export function checkFunctionSpec(spec: unknown, what: string): WorkerFunctionSpec {
  if (typeof spec === 'function') {
    throw new ValueError(
      `${what}: a function cannot be sent to a DataLoader worker thread; pass { module, name, args? } ` +
        'naming an exported function (see WorkerFunctionSpec)',
    );
  }
  const s = spec as Partial<WorkerFunctionSpec> | null;
  if (typeof s !== 'object' || s === null || typeof s.module !== 'string' || typeof s.name !== 'string' || (s.args !== undefined && !Array.isArray(s.args))) {
    throw new ValueError(`${what} should be { module: string, name: string, args?: unknown[] }, but got ${String(spec)}`);
  }
  return s as WorkerFunctionSpec;
}

/** Imports the function a `WorkerFunctionSpec` names (in a worker thread). */
export async function importFunction(spec: { module: string; name: string }, what: string): Promise<(...a: unknown[]) => unknown> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const fn = mod[spec.name];
  if (typeof fn !== 'function') throw new ValueError(`${what}: module '${spec.module}' has no exported function '${spec.name}'`);
  return fn as (...a: unknown[]) => unknown;
}

/** Something that can be rebuilt in a worker thread. */
export interface WorkerSpecifiable {
  workerSpec(): WorkerSpec;
}

export function isWorkerSpecifiable(x: unknown): x is WorkerSpecifiable {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as WorkerSpecifiable).workerSpec === 'function';
}

interface EncodedTensor { $tensor: { data: TypedArray; shape: number[]; dtype: DType } }
interface EncodedSpec { $spec: { module: string; name: string; args: unknown } }

/**
 * Turns a value into something `postMessage` can clone: tensors become `{ $tensor }` (their
 * buffers listed in `transfer` when given: only pass it for values nothing else will read),
 * worker-specifiable objects become `{ $spec }`. Throws, naming `what`, on anything else that
 * cannot be rebuilt (functions, class instances without `workerSpec()`).
 */
export function encode(value: unknown, what: string, transfer?: ArrayBuffer[]): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (value instanceof Tensor) {
    let data = value.dataSync();
    // Cloning a view clones its whole buffer: cut views of bigger buffers down first.
    if (data.byteLength !== data.buffer.byteLength) data = data.slice() as TypedArray;
    if (transfer && data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) transfer.push(data.buffer);
    return { $tensor: { data, shape: [...value.shape], dtype: value.dtype } } satisfies EncodedTensor;
  }
  if (ArrayBuffer.isView(value)) {
    // Cloning a view clones its whole buffer: cut views of bigger buffers down first.
    let v = value as Uint8Array;
    if (v.byteLength !== v.buffer.byteLength) v = v.slice();
    if (transfer && v.buffer instanceof ArrayBuffer && !transfer.includes(v.buffer)) transfer.push(v.buffer);
    return v;
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, what, transfer));
  if (isWorkerSpecifiable(value)) {
    const s = value.workerSpec();
    return { $spec: { module: s.module, name: s.name, args: encode(s.args, what, transfer) } } satisfies EncodedSpec;
  }
  if (typeof value === 'function') {
    throw new ValueError(
      `${what}: a function cannot be sent to a DataLoader worker thread; give the object a workerSpec() ` +
        '(see WorkerSpec) or use numWorkers: 0',
    );
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new ValueError(
      `${what}: ${proto?.constructor?.name ?? 'object'} cannot be sent to a DataLoader worker thread; ` +
        'implement workerSpec() (see WorkerSpec) or use numWorkers: 0',
    );
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = encode(v, what, transfer);
  return out;
}

/** Inverse of `encode`: rebuilds tensors and imports + constructs `$spec` objects. */
export async function decode(value: unknown): Promise<unknown> {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return Promise.all(value.map(decode));
  if ('$tensor' in value) {
    const { data, shape, dtype } = (value as EncodedTensor).$tensor;
    return fromArray(data, shape, { dtype, device: 'cpu' });
  }
  if ('$spec' in value) {
    const { module, name, args } = (value as EncodedSpec).$spec;
    const mod = (await import(module)) as Record<string, unknown>;
    const Cls = mod[name] as (new (...a: unknown[]) => unknown) | undefined;
    if (typeof Cls !== 'function') throw new ValueError(`worker spec: module '${module}' has no export '${name}'`);
    return new Cls(...((await decode(args)) as unknown[]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await decode(v);
  return out;
}

/** Synchronous `decode` for data that holds no `$spec` (batches coming back from workers). */
export function decodeData(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(decodeData);
  if ('$tensor' in value) {
    const { data, shape, dtype } = (value as EncodedTensor).$tensor;
    return fromArray(data, shape, { dtype, device: 'cpu' });
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeData(v);
  return out;
}
