import { type Backend, type RandomKind, defaultBackend, getBackend } from '../backend.js';
import { type Attrs, defineOp, dispatch, dispatch1 } from '../dispatcher.js';
import type { DeviceLike } from '../device.js';
import { deviceCheck } from '../validation.js';
import { type DType, type DTypeLike, type TypedArray, allocArray, arrayType, getDefaultDtype, isFloating } from '../dtype.js';
import { DTypeError, RuntimeError, ValueError } from '../errors.js';
import { type Generator, defaultGenerator } from '../random.js';
import { checkSizes, contiguousStrides, numel } from '../shape.js';
import { checkSizeInts } from '../size_check.js';
import { type Args, type Declaration, declare, isOptions, parseArgs } from '../signature.js';
import { type NestedArray, type ShapeArg, Tensor, dtypeTitle, flatShape } from '../tensor.js';

/** Options shared by creation functions (`dtype=`, `device=`, `requires_grad=`); `null` is not given. */
export interface CreateOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
}

export type TensorData = NestedArray | TypedArray | readonly (number | boolean)[];

// PyTorch's parameter lists: the trailing options object is checked against them, so a misspelt
// name raises PyTorch's TypeError instead of being ignored.
const FACTORY = '*, ScalarType? dtype=None, Device? device=None, bool requiresGrad=False';
const TENSOR = declare('torch.tensor', `tensor(Any data, ${FACTORY})`);
const FROM_ARRAY = declare('torch.fromArray', `fromArray(Any data, int[] shape, ${FACTORY})`, { listed: false });
const FULL = declare('torch.full', `full(int[] size, Scalar fillValue, ${FACTORY})`);
const ZEROS = declare('torch.zeros', `zeros(int[] size, ${FACTORY})`);
const ONES = declare('torch.ones', `ones(int[] size, ${FACTORY})`);
const EMPTY = declare('torch.empty', `empty(int[] size, ${FACTORY})`);
const ZEROS_LIKE = declare('torch.zerosLike', `zeros_like(Tensor input, ${FACTORY})`);
const ONES_LIKE = declare('torch.onesLike', `ones_like(Tensor input, ${FACTORY})`);
const EMPTY_LIKE = declare('torch.emptyLike', `empty_like(Tensor input, ${FACTORY})`);
const FULL_LIKE = declare('torch.fullLike', `full_like(Tensor input, Scalar fillValue, ${FACTORY})`);
const RANDOM = '*, Generator? generator=None, ScalarType? dtype=None, Device? device=None, bool requiresGrad=False';
const RAND = declare('torch.rand', `rand(int[] size, ${RANDOM})`);
const RANDN = declare('torch.randn', `randn(int[] size, ${RANDOM})`);
const RAND_LIKE = declare('torch.randLike', `rand_like(Tensor input, ${RANDOM})`);
const RANDN_LIKE = declare('torch.randnLike', `randn_like(Tensor input, ${RANDOM})`);
const RANDINT = declare('torch.randint', `randint(int low, int high, int[] size, ${RANDOM})`);
const RANDPERM = declare('torch.randperm', `randperm(int n, ${RANDOM})`);
const NORMAL = declare('torch.normal', `normal(float mean, float std, int[] size, ${RANDOM})`);
const LINSPACE = declare('torch.linspace', `linspace(float start, float end, int steps, ${FACTORY})`);
const EYE = declare('torch.eye', `eye(int n, int? m=None, ${FACTORY})`);

/** What the parser gives for a factory's options. */
interface Factory {
  dtype: DType | null;
  device: DeviceLike | null;
  requiresGrad: boolean;
  generator?: Generator | null;
}

function finish(data: TypedArray, shape: readonly number[], dtype: DType, opts: Factory): Tensor {
  const backend = opts.device ? getBackend(opts.device) : defaultBackend();
  return withGrad(new Tensor(backend.fromArray(data, dtype), [...shape]), opts);
}

function inferDtype(flat: readonly (number | boolean)[], typed: TypedArray | null): DType {
  if (typed) {
    if (typed instanceof Float64Array) return 'float64';
    if (typed instanceof Int32Array) return 'int32';
    if (typed instanceof Uint8Array) return 'uint8';
    return 'float32';
  }
  if (flat.length === 0) return getDefaultDtype();
  if (flat.every((v) => typeof v === 'boolean')) return 'bool';
  if (flat.some((v) => typeof v === 'boolean')) {
    throw new DTypeError('tensor(): mixing booleans and numbers in one list is not supported; cast explicitly');
  }
  return flat.every((v) => Number.isInteger(v)) ? 'int64' : getDefaultDtype();
}

/**
 * `torch.tensor(data, *, dtype=None, device=None, requires_grad=False)`: from a number, nested
 * arrays or a typed array. Integers infer int64, other numbers the default float dtype, booleans
 * bool, as PyTorch.
 *
 * @example tensor([[1, 2], [3, 4]], { dtype: torch.float32 })
 */
export function tensor(data: TensorData | Tensor, opts: CreateOptions = {}): Tensor {
  const o = parseArgs(TENSOR, [data, opts]) as Factory;
  if (data instanceof Tensor) {
    const t = data.detach().to({ dtype: o.dtype ?? data.dtype, device: o.device ?? data.device, copy: true });
    return withGrad(t, o);
  }
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const dtype = o.dtype ?? inferDtype([], typed);
    return finish(new (arrayType(dtype))(typed), [typed.length], dtype, o);
  }
  const shape: number[] = [];
  const flat: (number | boolean)[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (Array.isArray(x)) {
      if (depth === shape.length) shape.push(x.length);
      else if (shape[depth] !== x.length) {
        throw new ValueError(`expected sequence of length ${shape[depth]} at dim ${depth} (got ${x.length})`);
      }
      for (const y of x) walk(y, depth + 1);
    } else if (ArrayBuffer.isView(x)) {
      walk(Array.from(x as TypedArray), depth);
    } else if (typeof x === 'number' || typeof x === 'boolean') {
      if (depth !== shape.length) throw new ValueError(`expected sequence at dim ${depth}, got a scalar`);
      flat.push(x);
    } else {
      throw new RuntimeError(`Could not infer dtype of ${x === null ? 'null' : typeof x}`);
    }
  };
  walk(data, 0);
  const dtype = o.dtype ?? inferDtype(flat, null);
  const out = allocArray(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = Number(flat[i]);
    out[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : dtype === 'int64' ? Math.trunc(v) : v;
  }
  return finish(out, shape, dtype, o);
}

/** Builds a tensor directly from a typed array and a shape (no copy when the type matches). */
export function fromArray(data: TypedArray, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  const o = parseArgs(FROM_ARRAY, [data, shape, opts]) as Factory;
  const dtype = o.dtype ?? inferDtype([], data);
  if (numel(shape) !== data.length) {
    throw new RuntimeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${data.length}`);
  }
  return finish(data instanceof arrayType(dtype) ? data : new (arrayType(dtype))(data), checkSizes(shape), dtype, o);
}

/** `zeros(2, 3)`, `zeros([2, 3])`, `zeros(2, 3, { dtype })` or `zeros({ size: [2, 3] })`, bound to `decl`. */
function sized(decl: Declaration, args: readonly unknown[]): Factory & { size: number[] } {
  const a = [...args];
  const opts = a.length > 0 && isOptions(a[a.length - 1]) ? [a.pop()] : [];
  // Sizes given positionally get PyTorch's element-wise message before the parser sees them.
  const o = parseArgs(decl, a.length === 0 ? opts : [checkSizeInts(decl.name, flatShape(a as ShapeArg)), ...opts]);
  o.size = checkSizes(typeof o.size === 'number' ? [o.size] : o.size as number[]);
  return o as Factory & { size: number[] };
}

export type SizeArgs = (number | readonly number[] | CreateOptions)[];

/** A tensor of `shape` filled with `value` on the device's kernels; the default dtype follows the value, as PyTorch. */
function filled(shape: readonly number[], value: number | boolean, dtype: DType | null, device: DeviceLike | null | undefined): Tensor {
  const d = dtype ?? (typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int64' : getDefaultDtype());
  return dispatch1('full', [], { shape: [...shape], value, dtype: d, device: device == null ? null : String(device) });
}

/** `torch.full(size, fill_value, *, dtype=None, device=None, requires_grad=False)`: allocated and filled by the device's kernels (nothing uploaded). */
export function full(size: readonly number[], fillValue: number | boolean, opts: CreateOptions = {}): Tensor {
  const o = parseArgs(FULL, arguments) as Factory & { size: number | number[]; fillValue: number | boolean };
  return withGrad(filled(checkSizes(typeof o.size === 'number' ? [o.size] : o.size), o.fillValue, o.dtype, o.device), o);
}

function withGrad(t: Tensor, opts: { requiresGrad?: boolean }): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function deviceBackend(device: unknown): Backend {
  return device ? getBackend(device as string) : defaultBackend();
}

defineOp('creation', 'full(int[] shape, Scalar value, ScalarType dtype, Device? device=None) -> Tensor', (_, { shape, value, dtype, device }: Attrs) => {
  const b = deviceBackend(device);
  const sh = shape as number[];
  const s = b.alloc(dtype as DType, numel(sh));
  b.fill({ storage: s, dtype: dtype as DType, shape: sh, strides: contiguousStrides(sh), offset: 0 }, Number(value));
  return new Tensor(s, [...sh]);
});

defineOp('creation', 'arange(float start, float step, int n, ScalarType dtype, Device? device=None) -> Tensor', (_, { start, step, n, dtype, device }: Attrs) =>
  new Tensor(deviceBackend(device).arange(dtype as DType, start as number, step as number, n as number), [n as number]));

/** `torch.zeros(*size, *, dtype=None, device=None, requires_grad=False)`: `zeros(2, 3)`, `zeros([2, 3])`, `zeros(2, 3, { dtype: torch.long })`. */
export function zeros(...args: SizeArgs): Tensor {
  const o = sized(ZEROS, args);
  return withGrad(filled(o.size, 0, o.dtype ?? getDefaultDtype(), o.device), o);
}
/** `torch.ones(*size, *, dtype=None, device=None, requires_grad=False)`: `ones(2, 3)`, `ones([2, 3])`, `ones(2, 3, { dtype: torch.long })`. */
export function ones(...args: SizeArgs): Tensor {
  const o = sized(ONES, args);
  return withGrad(filled(o.size, 1, o.dtype ?? getDefaultDtype(), o.device), o);
}
/** `torch.empty(*size, ...)`: zero-filled here (uninitialised memory is not observable in JS). */
export function empty(...args: SizeArgs): Tensor {
  const o = sized(EMPTY, args);
  return withGrad(filled(o.size, 0, o.dtype ?? getDefaultDtype(), o.device), o);
}

/** `input`'s shape, and its dtype and device unless given: the `*_like` functions. */
function like(decl: Declaration, args: ArrayLike<unknown>, value?: number | boolean): Tensor {
  const o = parseArgs(decl, args);
  const t = o.input as Tensor;
  return withGrad(filled(t.shape, value ?? (o.fillValue as number | boolean), o.dtype ?? t.dtype, o.device ?? t.device), o);
}
/** `torch.zeros_like(input, *, dtype=None, device=None, requires_grad=False)`: same shape, dtype and device unless given. */
export function zerosLike(input: Tensor, opts?: CreateOptions): Tensor { return like(ZEROS_LIKE, arguments, 0); }
/** `torch.ones_like(input, ...)`. */
export function onesLike(input: Tensor, opts?: CreateOptions): Tensor { return like(ONES_LIKE, arguments, 1); }
/** `torch.empty_like(input, ...)` (zero-filled here). */
export function emptyLike(input: Tensor, opts?: CreateOptions): Tensor { return like(EMPTY_LIKE, arguments, 0); }
/** `torch.full_like(input, fill_value, ...)`. */
export function fullLike(input: Tensor, fillValue: number | boolean, opts?: CreateOptions): Tensor { return like(FULL_LIKE, arguments); }

const ARANGE = declare('torch.arange', 'arange(Scalar start=0, Scalar? end=None, Scalar step=1, *, ScalarType? dtype=None, Device? device=None, bool requiresGrad=False)');

/**
 * `torch.arange(end)`, `arange(start, end, step)`; any trailing run by name
 * (`arange(0, 5, { step: 2 })`). Integer arguments give int64, as PyTorch.
 */
export function arange(...args: Args<[start: number, end: number, step: number], CreateOptions & { start?: number; end?: number; step?: number }>): Tensor {
  const a = parseArgs(ARANGE, args);
  let { start, end } = a as { start: number; end: number | null };
  // Python's arange(end): a lone start is the end.
  if (end === null) { end = start; start = 0; }
  const st = a.step as number;
  for (const v of [start, end, st]) if (!Number.isFinite(v)) throw new RuntimeError(`unsupported range: ${start} -> ${end}`);
  if (st === 0) throw new RuntimeError('step must be nonzero');
  if ((st > 0 && end < start) || (st < 0 && end > start)) throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
  const n = Math.max(0, Math.ceil((end - start) / st));
  const dtype = a.dtype ?? ([start, end, st].every(Number.isInteger) ? 'int64' : getDefaultDtype());
  return withGrad(dispatch1('arange', [], { start, step: st, n, dtype, device: a.device == null ? null : String(a.device) }), a);
}

/** `torch.linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False)`: PyTorch fills the two halves from each end. */
export function linspace(start: number, end: number, steps: number, opts?: CreateOptions): Tensor {
  const o = parseArgs(LINSPACE, arguments) as Factory & { start: number; end: number; steps: number };
  ({ start, end, steps } = o);
  if (!Number.isInteger(steps) || steps < 0) throw new RuntimeError('number of steps must be non-negative');
  const dtype = o.dtype ?? getDefaultDtype();
  const out = allocArray(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  return finish(out, [steps], dtype, o);
}

/** `torch.eye(n, m=None, *, dtype=None, device=None, requires_grad=False)`. */
export function eye(n: number, ...args: Args<[m: number | null], CreateOptions & { m?: number | null }>): Tensor {
  const o = parseArgs(EYE, [n, ...args]) as Factory & { m: number | null };
  const cols = o.m ?? n;
  checkSizes([n, cols]);
  const out = filled([n, cols], 0, o.dtype ?? getDefaultDtype(), o.device);
  out.diagonal().fill_(1);
  return withGrad(out, o);
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator | null;
}

/** `torch.rand(*size, *, generator=None, dtype=None, device=None, requires_grad=False)`. */
export function rand(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const o = sized(RAND, args);
  const dtype = o.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new RuntimeError(`"check_uniform_bounds" not implemented for '${dtypeTitle(dtype)}'`);
  return drawn(o.size, dtype, 'uniform', 0, 1, o);
}

/** `torch.randn(*size, *, generator=None, dtype=None, device=None, requires_grad=False)`. */
export function randn(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const o = sized(RANDN, args);
  const dtype = o.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new RuntimeError(`"normal_kernel_cpu" not implemented for '${dtypeTitle(dtype)}'`);
  return drawn(o.size, dtype, 'normal', 0, 1, o);
}

/** `torch.randint(low=0, high, size, *, generator=None, dtype=torch.int64, ...)`: `randint(10, [3])` or `randint(2, 10, [3])`. */
export function randint(lowOrHigh: number, highOrSize: number | readonly number[], sizeOrOpts?: readonly number[] | RandomOptions, maybeOpts: RandomOptions = {}): Tensor {
  // Python's randint(high, size): a lone bound is the upper one.
  const args = typeof highOrSize === 'number' || isOptions(lowOrHigh) ? arguments : [0, lowOrHigh, highOrSize, sizeOrOpts ?? {}];
  const o = parseArgs(RANDINT, args) as Factory & { low: number; high: number; size: number[] };
  if (!(o.high > o.low)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${o.low} >= to=${o.high}`);
  return drawn(checkSizes(o.size), o.dtype ?? 'int64', 'randint', o.low, o.high, o);
}

/** `torch.randperm(n, *, generator=None, dtype=torch.int64, ...)` (PyTorch's CPU Fisher–Yates: swap i with i + random() % (n - i)). */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  const o = parseArgs(RANDPERM, arguments) as Factory & { n: number };
  n = o.n;
  if (!Number.isInteger(n) || n < 0) throw new RuntimeError(`n must be non-negative, got${n}`);
  const dtype = o.dtype ?? 'int64';
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = i;
  const gen = o.generator ?? defaultGenerator;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const t = out[i];
    out[i] = out[z + i];
    out[z + i] = t;
  }
  return finish(out, [n], dtype, o);
}

/** A tensor of `shape` filled by the device's random kernel. */
function drawn(shape: readonly number[], dtype: DType, kind: RandomKind, a: number, b: number, opts: Factory): Tensor {
  const t = filled(shape, 0, dtype, opts.device);
  dispatch('randomFill_', [t], { kind, a, b, generator: opts.generator ?? undefined });
  return withGrad(t, opts);
}

/** `torch.normal(mean, std, size, *, generator=None, dtype=None, device=None, requires_grad=False)` with scalar mean and std. */
export function normal(mean: number, std: number, size: readonly number[], opts?: RandomOptions): Tensor {
  const o = parseArgs(NORMAL, arguments) as Factory & { mean: number; std: number; size: number[] };
  ({ mean, std, size } = o);
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  return drawn(checkSizes(size), o.dtype ?? getDefaultDtype(), 'normal', mean, std, o);
}

/** `input`'s shape, dtype and device unless given, drawn by `kind`: the random `*_like` functions. */
function randomLike(decl: Declaration, args: ArrayLike<unknown>, kind: RandomKind): Tensor {
  const o = parseArgs(decl, args) as Factory & { input: Tensor };
  const t = o.input;
  const dtype = o.dtype ?? t.dtype;
  if (!isFloating(dtype)) throw new RuntimeError(`"${kind === 'uniform' ? 'check_uniform_bounds' : 'normal_kernel_cpu'}" not implemented for '${dtypeTitle(dtype)}'`);
  return drawn(t.shape, dtype, kind, 0, 1, { ...o, device: o.device ?? t.device });
}
/** `torch.rand_like(input)`: uniform on [0, 1). */
export function randLike(input: Tensor, opts?: RandomOptions): Tensor { return randomLike(RAND_LIKE, arguments, 'uniform'); }
/** `torch.randn_like(input)`: standard normal. */
export function randnLike(input: Tensor, opts?: RandomOptions): Tensor { return randomLike(RANDN_LIKE, arguments, 'normal'); }
