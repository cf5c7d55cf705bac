import { type Backend, type RandomKind, defaultBackend, getBackend } from '../backend.js';
import { type Attrs, defineOp, dispatch, dispatch1 } from '../dispatcher.js';
import type { DeviceLike } from '../device.js';
import { deviceCheck } from '../validation.js';
import { type DType, type TypedArray, allocArray, arrayType, getDefaultDtype, isFloating } from '../dtype.js';
import { DTypeError, RuntimeError, ValueError } from '../errors.js';
import { type Generator, defaultGenerator } from '../random.js';
import { checkSizes, contiguousStrides, numel } from '../shape.js';
import { checkSizeInts } from '../size_check.js';
import { type Args, declare, parseArgs } from '../signature.js';
import { type NestedArray, type ShapeArg, Tensor, dtypeTitle, flatShape } from '../tensor.js';

/** Options shared by creation functions (`dtype=`, `device=`, `requires_grad=`). */
export interface CreateOptions {
  dtype?: DType;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

export type TensorData = NestedArray | TypedArray | readonly (number | boolean)[];

function finish(data: TypedArray, shape: readonly number[], dtype: DType, opts: CreateOptions): Tensor {
  const backend = opts.device ? getBackend(opts.device) : defaultBackend();
  const t = new Tensor(backend.fromArray(data, dtype), [...shape]);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
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
 * `torch.tensor(data, dtype=, device=, requires_grad=)`: from a number, nested arrays or a typed
 * array. Integers infer int64, other numbers the default float dtype, booleans bool, as PyTorch.
 *
 * @example tensor([[1, 2], [3, 4]], { dtype: 'float32' })
 */
export function tensor(data: TensorData | Tensor, opts: CreateOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const t = data.detach().to({ dtype: opts.dtype ?? data.dtype, device: opts.device ?? data.device, copy: true });
    if (opts.requiresGrad) t.requiresGrad = true;
    return t;
  }
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const dtype = opts.dtype ?? inferDtype([], typed);
    return finish(new (arrayType(dtype))(typed), [typed.length], dtype, opts);
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
  const dtype = opts.dtype ?? inferDtype(flat, null);
  const out = allocArray(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = Number(flat[i]);
    out[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : dtype === 'int64' ? Math.trunc(v) : v;
  }
  return finish(out, shape, dtype, opts);
}

/** Builds a tensor directly from a typed array and a shape (no copy when the type matches). */
export function fromArray(data: TypedArray, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  const dtype = opts.dtype ?? inferDtype([], data);
  if (numel(shape) !== data.length) {
    throw new RuntimeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${data.length}`);
  }
  return finish(data instanceof arrayType(dtype) ? data : new (arrayType(dtype))(data), checkSizes(shape), dtype, opts);
}

function sizes(args: unknown[], fn: string): { shape: number[]; opts: CreateOptions } {
  let opts: CreateOptions = {};
  const a = [...args];
  if (a.length > 0 && typeof a[a.length - 1] === 'object' && !Array.isArray(a[a.length - 1])) opts = a.pop() as CreateOptions;
  return { shape: checkSizes(checkSizeInts(fn, flatShape(a as ShapeArg))), opts };
}

export type SizeArgs = (number | readonly number[] | CreateOptions)[];

/** `torch.full(size, value)`: allocated and filled by the device's kernels (nothing uploaded). */
export function full(size: readonly number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  const shape = checkSizes(size);
  const dtype = opts.dtype ?? (typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int64' : getDefaultDtype());
  return withGrad(dispatch1('full', [], { shape, value, dtype, device: opts.device === undefined ? null : String(opts.device) }), opts);
}

function withGrad(t: Tensor, opts: CreateOptions): Tensor {
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

/** `torch.zeros(*size)`: `zeros(2, 3)`, `zeros([2, 3])`, `zeros(2, 3, { dtype: 'int64' })`. */
export function zeros(...args: SizeArgs): Tensor {
  const { shape, opts } = sizes(args, 'zeros');
  return full(shape, 0, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
}
/** `torch.ones(*size)`: `ones(2, 3)`, `ones([2, 3])`, `ones(2, 3, { dtype: 'int64' })`. */
export function ones(...args: SizeArgs): Tensor {
  const { shape, opts } = sizes(args, 'ones');
  return full(shape, 1, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
}
/** `torch.empty`: zero-filled here (uninitialised memory is not observable in JS). */
export function empty(...args: SizeArgs): Tensor {
  return zeros(...args);
}

function like(t: Tensor, opts: CreateOptions): CreateOptions {
  return { dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device, requiresGrad: opts.requiresGrad };
}
/** `torch.zeros_like(input)`: same shape, dtype and device unless given. */
export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor { return full(t.shape, 0, like(t, opts)); }
/** `torch.ones_like(input)`. */
export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor { return full(t.shape, 1, like(t, opts)); }
/** `torch.empty_like(input)` (zero-filled here). */
export function emptyLike(t: Tensor, opts: CreateOptions = {}): Tensor { return full(t.shape, 0, like(t, opts)); }
/** `torch.full_like(input, fill_value)`. */
export function fullLike(t: Tensor, value: number, opts: CreateOptions = {}): Tensor { return full(t.shape, value, like(t, opts)); }

const ARANGE = declare('torch.arange', 'arange(Scalar start=0, Scalar? end=None, Scalar step=1, *, ScalarType? dtype=None, Device? device=None, bool requiresGrad=False)');

/**
 * `torch.arange(end)`, `arange(start, end, step)`; any trailing run by name
 * (`arange(0, 5, { step: 2 })`). Integer arguments give int64, as PyTorch.
 */
export function arange(...args: Args<[start: number, end: number, step: number], CreateOptions & { start?: number; end?: number; step?: number }>): Tensor {
  const a = parseArgs(ARANGE, args);
  let { start, end } = a as { start: number; end: number | null };
  const opts: CreateOptions = { dtype: a.dtype ?? undefined, device: a.device ?? undefined, requiresGrad: a.requiresGrad };
  // Python's arange(end): a lone start is the end.
  if (end === null) { end = start; start = 0; }
  const st = a.step as number;
  for (const v of [start, end, st]) if (!Number.isFinite(v)) throw new RuntimeError(`unsupported range: ${start} -> ${end}`);
  if (st === 0) throw new RuntimeError('step must be nonzero');
  if ((st > 0 && end < start) || (st < 0 && end > start)) throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
  const n = Math.max(0, Math.ceil((end - start) / st));
  const dtype = opts.dtype ?? ([start, end, st].every(Number.isInteger) ? 'int64' : getDefaultDtype());
  return withGrad(dispatch1('arange', [], { start, step: st, n, dtype, device: opts.device === undefined ? null : String(opts.device) }), opts);
}

/** `torch.linspace(start, end, steps)`: PyTorch fills the two halves from each end. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RuntimeError('number of steps must be non-negative');
  const dtype = opts.dtype ?? getDefaultDtype();
  const out = allocArray(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  return finish(out, [steps], dtype, opts);
}

/** `torch.eye(n, m)`. */
export function eye(n: number, m?: number | CreateOptions, opts: CreateOptions = {}): Tensor {
  if (typeof m === 'object') { opts = m; m = undefined; }
  const cols = m ?? n;
  checkSizes([n, cols]);
  const dtype = opts.dtype ?? getDefaultDtype();
  const out = full([n, cols], 0, { dtype, device: opts.device });
  out.diagonal().fill_(1);
  return withGrad(out, opts);
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function randOpts(args: unknown[], fn: string): { shape: number[]; opts: RandomOptions } {
  return sizes(args, fn) as { shape: number[]; opts: RandomOptions };
}

/** `torch.rand(*size)`. */
export function rand(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const { shape, opts } = randOpts(args, 'rand');
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new RuntimeError(`"check_uniform_bounds" not implemented for '${dtypeTitle(dtype)}'`);
  return drawn(shape, dtype, 'uniform', 0, 1, opts);
}

/** `torch.randn(*size)`. */
export function randn(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const { shape, opts } = randOpts(args, 'randn');
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new RuntimeError(`"normal_kernel_cpu" not implemented for '${dtypeTitle(dtype)}'`);
  return drawn(shape, dtype, 'normal', 0, 1, opts);
}

/** `torch.randint(low=0, high, size)`: `randint(10, [3])` or `randint(2, 10, [3])`. */
export function randint(lowOrHigh: number, highOrSize: number | readonly number[], sizeOrOpts?: readonly number[] | RandomOptions, maybeOpts: RandomOptions = {}): Tensor {
  let low = 0, high: number, size: readonly number[], opts: RandomOptions;
  if (typeof highOrSize === 'number') {
    low = lowOrHigh; high = highOrSize; size = sizeOrOpts as readonly number[]; opts = maybeOpts;
  } else {
    high = lowOrHigh; size = highOrSize; opts = (sizeOrOpts as RandomOptions) ?? {};
  }
  if (!(high > low)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  return drawn(checkSizes(size), opts.dtype ?? 'int64', 'randint', low, high, opts);
}

/** `torch.randperm(n)` (PyTorch's CPU Fisher–Yates: swap i with i + random() % (n - i)). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RuntimeError(`n must be non-negative, got${n}`);
  const dtype = opts.dtype ?? 'int64';
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = i;
  const gen = opts.generator ?? defaultGenerator;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const t = out[i];
    out[i] = out[z + i];
    out[z + i] = t;
  }
  return finish(out, [n], dtype, opts);
}

/**
 * `torch.bernoulli(p)`: one draw per element of the probability tensor. PyTorch draws one uniform
 * of p's precision per element, so `rand_like(p) < p` is the same stream; the range check runs on
 * the device.
 */
export function bernoulli(p: Tensor, opts: { generator?: Generator } = {}): Tensor {
  deviceCheck(p.ge(0).logicalAnd(p.le(1)).all(), () => new RuntimeError('Expected p_in >= 0 && p_in <= 1 to be true'));
  const u = drawn(p.shape, p.dtype, 'uniform', 0, 1, { device: p.device, generator: opts.generator });
  return u.lt(p).to(p.dtype);
}

/** A tensor of `shape` filled by the device's random kernel. */
function drawn(shape: readonly number[], dtype: DType, kind: RandomKind, a: number, b: number, opts: RandomOptions): Tensor {
  const t = full(shape, 0, { dtype, device: opts.device });
  dispatch('randomFill_', [t], { kind, a, b, generator: opts.generator });
  return withGrad(t, opts);
}

/** `torch.normal(mean, std, size)` with scalar mean and std. */
export function normal(mean: number, std: number, size: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  return drawn(checkSizes(size), opts.dtype ?? getDefaultDtype(), 'normal', mean, std, opts);
}

/** `torch.rand_like(input)`: uniform on [0, 1). */
export function randLike(t: Tensor, opts: RandomOptions = {}): Tensor { return rand(t.shape as number[], { ...like(t, opts), generator: opts.generator }); }
/** `torch.randn_like(input)`: standard normal. */
export function randnLike(t: Tensor, opts: RandomOptions = {}): Tensor { return randn(t.shape as number[], { ...like(t, opts), generator: opts.generator }); }
