import { defaultBackend, getBackend } from '../backend.js';
import { type DType, type TypedArray, allocArray, arrayType, getDefaultDtype, isFloating } from '../dtype.js';
import { DTypeError, RuntimeError, ValueError } from '../errors.js';
import { type Generator, defaultGenerator, fillNormal } from '../random.js';
import { checkSizes, numel } from '../shape.js';
import { type NestedArray, type ShapeArg, Tensor, dtypeTitle, flatShape } from '../tensor.js';

/** Options shared by creation functions (`dtype=`, `device=`, `requires_grad=`). */
export interface CreateOptions {
  dtype?: DType;
  device?: string;
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

function sizes(args: unknown[]): { shape: number[]; opts: CreateOptions } {
  let opts: CreateOptions = {};
  const a = [...args];
  if (a.length > 0 && typeof a[a.length - 1] === 'object' && !Array.isArray(a[a.length - 1])) opts = a.pop() as CreateOptions;
  return { shape: checkSizes(flatShape(a as ShapeArg)), opts };
}

export type SizeArgs = (number | readonly number[] | CreateOptions)[];

/** `torch.full(size, value)`. */
export function full(size: readonly number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  const shape = checkSizes(size);
  const dtype = opts.dtype ?? (typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int64' : getDefaultDtype());
  const out = allocArray(dtype, numel(shape));
  out.fill(Number(value));
  return finish(out, shape, dtype, opts);
}

/** `torch.zeros(*size)`: `zeros(2, 3)`, `zeros([2, 3])`, `zeros(2, 3, { dtype: 'int64' })`. */
export function zeros(...args: SizeArgs): Tensor {
  const { shape, opts } = sizes(args);
  return full(shape, 0, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
}
/** `torch.ones(*size)`: `ones(2, 3)`, `ones([2, 3])`, `ones(2, 3, { dtype: 'int64' })`. */
export function ones(...args: SizeArgs): Tensor {
  const { shape, opts } = sizes(args);
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

/**
 * `torch.arange(end)`, `arange(start, end, step)`. Integer arguments give int64, as PyTorch.
 */
export function arange(start: number, end?: number | CreateOptions, step?: number | CreateOptions, opts?: CreateOptions): Tensor {
  if (typeof end === 'object') { opts = end; end = undefined; }
  if (typeof step === 'object') { opts = step; step = undefined; }
  opts ??= {};
  if (end === undefined) { end = start; start = 0; }
  const st = step ?? 1;
  for (const v of [start, end, st]) if (!Number.isFinite(v)) throw new RuntimeError(`unsupported range: ${start} -> ${end}`);
  if (st === 0) throw new RuntimeError('step must be nonzero');
  if ((st > 0 && end < start) || (st < 0 && end > start)) throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
  const n = Math.max(0, Math.ceil((end - start) / st));
  const dtype = opts.dtype ?? ([start, end, st].every(Number.isInteger) ? 'int64' : getDefaultDtype());
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = start + i * st;
  return finish(out, [n], dtype, opts);
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
  const out = allocArray(dtype, n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) out[i * cols + i] = 1;
  return finish(out, [n, cols], dtype, opts);
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function randOpts(args: unknown[]): { shape: number[]; opts: RandomOptions } {
  return sizes(args) as { shape: number[]; opts: RandomOptions };
}

/** Uniform [0, 1) draws with PyTorch's CPU bit recipe per dtype. */
export function fillUniform(out: TypedArray, dtype: DType, a: number, b: number, gen: Generator): void {
  const double = dtype === 'float64';
  // float32: PyTorch casts the bounds to float and evaluates u·(to − from) + from as one fused
  // multiply-add; u·span is exact in a double, so one rounding to float reproduces it.
  const from = double ? a : Math.fround(a);
  const span = double ? b - a : Math.fround(Math.fround(b) - from);
  for (let i = 0; i < out.length; i++) {
    const u = double ? gen.uniformDouble() : gen.uniformFloat();
    out[i] = u * span + from;
  }
}

/** `torch.rand(*size)`. */
export function rand(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const { shape, opts } = randOpts(args);
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new RuntimeError(`"check_uniform_bounds" not implemented for '${dtypeTitle(dtype)}'`);
  const out = allocArray(dtype, numel(shape));
  fillUniform(out, dtype, 0, 1, opts.generator ?? defaultGenerator);
  return finish(out, shape, dtype, opts);
}

/** `torch.randn(*size)`. */
export function randn(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const { shape, opts } = randOpts(args);
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new RuntimeError(`"normal_kernel_cpu" not implemented for '${dtypeTitle(dtype)}'`);
  const out = allocArray(dtype, numel(shape));
  fillNormal(out, 0, 1, opts.generator ?? defaultGenerator, dtype === 'float64');
  return finish(out, shape, dtype, opts);
}

/**
 * Integers in [low, high) (PyTorch: `random() % range + low`; ranges of 2^32 or more take a
 * 64-bit draw, high word first, reduced exactly with BigInt).
 */
export function fillRandint(out: TypedArray, low: number, high: number, gen: Generator): void {
  const range = high - low;
  if (range >= 2 ** 32) {
    const r = BigInt(range);
    for (let i = 0; i < out.length; i++) {
      const hi = BigInt(gen.random());
      const lo = BigInt(gen.random());
      out[i] = low + Number(((hi << 32n) | lo) % r);
    }
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = low + (gen.random() % range);
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
  const shape = checkSizes(size);
  const dtype = opts.dtype ?? 'int64';
  const out = allocArray(dtype, numel(shape));
  fillRandint(out, low, high, opts.generator ?? defaultGenerator);
  return finish(out, shape, dtype, opts);
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

/** `torch.bernoulli(p)`: one draw per element of the probability tensor. */
export function bernoulli(p: Tensor, opts: { generator?: Generator } = {}): Tensor {
  const probs = p.dataSync();
  for (const v of probs) if (!(v >= 0 && v <= 1)) throw new RuntimeError('Expected p_in >= 0 && p_in <= 1 to be true');
  const gen = opts.generator ?? defaultGenerator;
  const out = allocArray(p.dtype, probs.length);
  // PyTorch draws a double uniform for float64 probabilities and a 24-bit float one otherwise.
  const draw = p.dtype === 'float64' ? () => gen.uniformDouble() : () => gen.uniformFloat();
  for (let i = 0; i < probs.length; i++) out[i] = draw() < probs[i] ? 1 : 0;
  return finish(out, p.shape, p.dtype, { device: p.device });
}

/** `torch.normal(mean, std, size)` with scalar mean and std. */
export function normal(mean: number, std: number, size: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  const shape = checkSizes(size);
  const dtype = opts.dtype ?? getDefaultDtype();
  const out = allocArray(dtype, numel(shape));
  fillNormal(out, mean, std, opts.generator ?? defaultGenerator, dtype === 'float64');
  return finish(out, shape, dtype, opts);
}

/** `torch.rand_like(input)`: uniform on [0, 1). */
export function randLike(t: Tensor, opts: RandomOptions = {}): Tensor { return rand(t.shape as number[], { ...like(t, opts), generator: opts.generator }); }
/** `torch.randn_like(input)`: standard normal. */
export function randnLike(t: Tensor, opts: RandomOptions = {}): Tensor { return randn(t.shape as number[], { ...like(t, opts), generator: opts.generator }); }
