import { type Backend, type Storage, type StridedView, getBackend } from './backend.js';
import { Device, type DeviceLike } from './device.js';
import { dispatch, dispatch1 } from './dispatcher.js';
import { DTYPES, type DType, type DTypeLike, type TypedArray, isDTypeLike, isFloating, toDType } from './dtype.js';
import { DTypeError, IndexError, RuntimeError, ValueError } from './errors.js';
import { broadcastShapes, contiguousStrides, isContiguous, normDim, numel } from './shape.js';
import { sizeDim } from './size_check.js';
import { Size, internSize } from './size.js';
import { formatTensor } from './format.js';
import { moveTensor, releaseTensor, trackTensor } from './memory.js';
import { deviceCheck } from './validation.js';
import { writeInto } from './ops/write_into.js';
import { type Args, type Declaration, declare, parseArgs, pyTypeName } from './signature.js';
import type { Generator } from './random.js';

/** A node of the autograd graph as the tensor sees it; `@flambeau/autograd` supplies the real ones. */
export interface GradFn {
  /** PyTorch's class name, e.g. `MulBackward0`. */
  readonly name: string;
}

/**
 * What `@flambeau/autograd` installs so that `t.backward()` and friends work. Kept as a slot so the
 * tensor package has no gradient logic and no dependency on the autograd package.
 */
export interface AutogradHooks {
  backward(t: Tensor, gradient: Tensor | undefined, opts: BackwardOptions): void;
  retainGrad(t: Tensor): void;
  registerHook(t: Tensor, fn: (grad: Tensor) => Tensor | void): () => void;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor[];
}

let autogradHooks: AutogradHooks | null = null;
/** Called once by `@flambeau/autograd`. */
export function installAutogradHooks(h: AutogradHooks): void {
  autogradHooks = h;
}
function hooks(): AutogradHooks {
  if (!autogradHooks) throw new RuntimeError("autograd is not installed: import '@flambeau/autograd' (or 'flambeau')");
  return autogradHooks;
}

/** Shared by a tensor and all its views: bumped by every in-place write (autograd checks it). */
export interface VersionCounter {
  value: number;
}

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
/** One index of `t.index(...)`: an int, a slice, `null` (new axis), `'...'`, or an index/mask tensor. */
export type IndexItem = number | Slice | null | '...' | Tensor;
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}

/** `start:stop:step` for `t.index(...)`: `x[1:3, ::2]` is `x.index(slice(1, 3), slice(null, null, 2))`. */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return { start, stop, step };
}

export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DTypeLike | null;
}
export type Dims = number | readonly number[];

/** A reduction's `dim` and `keepdim`, positional as in PyTorch (`x.sum([1, 3], true)`) or by name. */
export type ReduceArgs = Args<[dim: Dims | null, keepdim: boolean], ReduceOptions & { dim?: Dims | null }>;
/** `var`/`std`: `dim, unbiased, keepdim` positional; `correction` by name. */
export type VarArgs = Args<[dim: Dims | null, unbiased: boolean, keepdim: boolean], { dim?: Dims | null; unbiased?: boolean; keepdim?: boolean; correction?: number | null }>;
export type TopkArgs = Args<[dim: number, largest: boolean, sorted: boolean], { dim?: number; largest?: boolean; sorted?: boolean }>;
type DimKeepdim = Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>;

/** `dtype=`, `device=` and `requires_grad=` of `t.new_zeros(...)` and its kin; unset means this tensor's. */
export interface NewOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
}
const NEW_OPTIONS = '*, ScalarType? dtype=None, Device? device=None, bool requiresGrad=False';

// Methods whose op schema is PyTorch's method signature share it; the others state PyTorch's form.
const DECL = {
  clamp: declare('Tensor.clamp', { op: 'clamp', method: true }),
  clip: declare('Tensor.clip', 'clip(Scalar? min=None, Scalar? max=None)'),
  sum: declare('Tensor.sum', { op: 'sum', method: true }),
  mean: declare('Tensor.mean', 'mean(int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)'),
  prod: declare('Tensor.prod', { op: 'prod', method: true }),
  all: declare('Tensor.all', { op: 'all', method: true }),
  any: declare('Tensor.any', { op: 'any', method: true }),
  amax: declare('Tensor.amax', { op: 'amax', method: true }),
  amin: declare('Tensor.amin', { op: 'amin', method: true }),
  argmax: declare('Tensor.argmax', { op: 'argmax', method: true }),
  argmin: declare('Tensor.argmin', { op: 'argmin', method: true }),
  max: declare('Tensor.max', 'max(int? dim=None, bool keepdim=False)'),
  min: declare('Tensor.min', 'min(int? dim=None, bool keepdim=False)'),
  var: declare('Tensor.var', 'var(int[]? dim=None, bool unbiased=True, bool keepdim=False, *, float? correction=None)'),
  std: declare('Tensor.std', 'std(int[]? dim=None, bool unbiased=True, bool keepdim=False, *, float? correction=None)'),
  logsumexp: declare('Tensor.logsumexp', { op: 'logsumexp', method: true }),
  cumsum: declare('Tensor.cumsum', 'cumsum(int dim, *, ScalarType? dtype=None)'),
  cumprod: declare('Tensor.cumprod', 'cumprod(int dim, *, ScalarType? dtype=None)'),
  softmax: declare('Tensor.softmax', 'softmax(int dim, ScalarType? dtype=None)'),
  logSoftmax: declare('Tensor.logSoftmax', 'log_softmax(int dim, ScalarType? dtype=None)'),
  sort: declare('Tensor.sort', 'sort(int dim=-1, bool descending=False, *, bool? stable=None)'),
  argsort: declare('Tensor.argsort', 'argsort(int dim=-1, bool descending=False)'),
  topk: declare('Tensor.topk', 'topk(int k, int dim=-1, bool largest=True, bool sorted=True)'),
  diag: declare('Tensor.diag', 'diag(int diagonal=0)'),
  bernoulli: declare('Tensor.bernoulli', 'bernoulli(*, Generator? generator=None)'),
  newFull: declare('Tensor.newFull', `new_full(int[] size, Scalar fillValue, ${NEW_OPTIONS})`),
  newZeros: declare('Tensor.newZeros', `new_zeros(int[] size, ${NEW_OPTIONS})`),
  newOnes: declare('Tensor.newOnes', `new_ones(int[] size, ${NEW_OPTIONS})`),
  newEmpty: declare('Tensor.newEmpty', `new_empty(int[] size, ${NEW_OPTIONS})`),
};

/**
 * An n-dimensional array on a device, PyTorch's `torch.Tensor`.
 *
 * Every method goes through the dispatcher, so autograd and tracing see it. Views (`view`,
 * `permute`, `narrow`, …) share storage; in-place methods end in `_` and bump a version counter.
 *
 * @example
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * x.matmul(x.t()).sum().itemSync(); // 30
 */
export class Tensor implements StridedView {
  // Writable only through `_setData` (PyTorch's `t.data = src`), which keeps storage ownership right.
  readonly storage: Storage;
  /** The shape, a {@link Size} shared by the tensors of this shape: `String(t.shape)` is `'torch.Size([2, 3])'`. */
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** The tensor this one is a view of (PyTorch's `._base`), or null. */
  readonly _base: Tensor | null;
  readonly _version: VersionCounter;

  private _requiresGrad = false;
  /** Accumulated gradient (`.grad`), filled by `backward()` on leaf tensors. */
  grad: Tensor | null = null;
  /** The autograd node that produced this tensor (`.grad_fn`), null for leaves. */
  gradFn: GradFn | null = null;
  /** Per-tensor state owned by `@flambeau/autograd` (hooks, retain_grad, output index). */
  _autograd: unknown = undefined;

  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0, base: Tensor | null = null) {
    this.storage = storage;
    this.dtype = storage.dtype;
    this.shape = internSize(shape);
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    this._base = base ? (base._base ?? base) : null;
    this._version = base ? base._version : { value: 0 };
    trackTensor(this);
  }

  /**
   * Points this tensor at `src`'s data in place (PyTorch's `t.data = src`): its identity (held by
   * optimizers, modules, hooks) stays, its storage reference moves to `src`'s storage.
   */
  _setData(src: Tensor): void {
    if (src === this) return;
    const w = this as { -readonly [K in 'storage' | 'shape' | 'strides' | 'offset' | 'dtype']: Tensor[K] };
    const old = this.storage;
    w.storage = src.storage;
    w.shape = src.shape;
    w.strides = src.strides;
    w.offset = src.offset;
    w.dtype = src.dtype;
    if (!this._disposed) moveTensor(this, old, src.storage);
  }

  private _disposed = false;
  /** True once `dispose()` ran; using the tensor afterwards is an error. */
  get isDisposed(): boolean { return this._disposed; }
  /**
   * Releases this tensor's hold on its storage now instead of at garbage collection (device memory
   * is freed with the last tensor viewing it). A no-op cost on the CPU.
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    releaseTensor(this);
  }

  // ---------------------------------------------------------------- metadata

  get backend(): Backend { return this.storage.backend; }
  /** The device (`t.device`): `String(t.device)` is `'cpu'`, `'webgpu:1'`, …; `t.device.type` its type. */
  get device(): Device { const b = this.storage.backend; return Device.of(b.name, b.index ?? null); }
  get ndim(): number { return this.shape.length; }
  dim(): number { return this.shape.length; }
  /**
   * `t.size()` is the shape, a {@link Size} (`torch.Size([2, 3])`); `t.size(d)` one dim, negative
   * counting from the end. `len(x)` in Python is `x.size(0)` here.
   *
   * @example
   * const x = torch.zeros(4, 3);
   * x.size(0);  // 4, Python's len(x)
   * x.size(-1); // 3
   */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    return dim === undefined ? Size(this.shape) : this.shape[sizeDim(dim, this.ndim)];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    return dim === undefined ? [...this.strides] : this.strides[sizeDim(dim, this.ndim)];
  }
  storageOffset(): number { return this.offset; }
  numel(): number { return numel(this.shape); }
  isContiguous(): boolean { return isContiguous(this.shape, this.strides); }
  isFloatingPoint(): boolean { return isFloating(this.dtype); }
  /** `t.is_leaf`: true for tensors not produced by a recorded op. */
  get isLeaf(): boolean { return this.gradFn === null; }

  /** `t.requires_grad`; only floating-point leaves can change it, as in PyTorch. */
  get requiresGrad(): boolean { return this._requiresGrad; }
  set requiresGrad(v: boolean) {
    if (v && !isFloating(this.dtype)) {
      throw new RuntimeError('only Tensors of floating point and complex dtype can require gradients');
    }
    if (this.gradFn !== null && !v) {
      throw new RuntimeError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    this._requiresGrad = v;
  }
  /** Sets `requiresGrad` without the leaf check; used by autograd for op outputs. */
  _setRequiresGrad(v: boolean): void { this._requiresGrad = v; }
  /** `t.requires_grad_(flag)`, returns this. */
  requiresGrad_(v = true): this { this.requiresGrad = v; return this; }

  // ---------------------------------------------------------------- autograd entry points

  /** `t.backward(gradient?, {retainGraph, createGraph, inputs})`. Needs `@flambeau/autograd`. */
  backward(gradient?: Tensor, opts: BackwardOptions = {}): void { hooks().backward(this, gradient, opts); }
  /** `t.retain_grad()`: keep `.grad` on a non-leaf tensor. */
  retainGrad(): void { hooks().retainGrad(this); }
  /** `t.register_hook(fn)`: fn(grad) may return a replacement; returns a remover. */
  registerHook(fn: (grad: Tensor) => Tensor | void): () => void { return hooks().registerHook(this, fn); }
  /** A view that shares storage but not history (`t.detach()`). */
  detach(): Tensor { return dispatch1('detach', [this]); }
  /** Detaches in place: drops history and requiresGrad. */
  detach_(): this {
    if (this._base !== null && this._base.requiresGrad) {
      throw new RuntimeError("Can't detach views in-place. Use detach() instead.");
    }
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  /**
   * `t.data`, PyTorch's: a tensor sharing this one's storage, outside autograd (no history, no
   * `requiresGrad`, its own version counter), so writes through it are not recorded:
   * `p.data.add_(g, { alpha: -lr })` updates `p`. The elements themselves: `await t.dataAsync()`.
   *
   * @example
   * const w = torch.ones(2, { requiresGrad: true });
   * w.data.mul_(3); // w is [3, 3], still a leaf requiring grad
   */
  get data(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }
  /**
   * `t.data = src`: points this tensor at `src`'s storage, shape and dtype, keeping its identity
   * (held by optimizers, modules, hooks) and its `requiresGrad`.
   *
   * @example param.data = torch.zeros(3);
   */
  set data(src: Tensor) {
    if (!(src instanceof Tensor)) throw new DTypeError(`Variable data has to be a tensor, but got ${pyTypeName(src)}`);
    if (this.requiresGrad && !isFloating(src.dtype)) throw new RuntimeError('data set to a tensor that requires gradients must be floating point or complex dtype');
    this._setData(src);
  }

  // ---------------------------------------------------------------- readback

  /** All elements in row-major order (int64 as Float64Array, bool as Uint8Array). */
  async dataAsync(): Promise<TypedArray> {
    const c = this.contiguousStorage();
    return this.backend.read(c);
  }
  /** Synchronous `dataAsync()`; only on backends that can read synchronously (the CPU). */
  dataSync(): TypedArray {
    const b = this.backend;
    if (!b.readSync) throw new RuntimeError(`dataSync() is not available on device '${b.name}': use 'await t.dataAsync()'`);
    return b.readSync(this.contiguousStorage());
  }
  /** The value of a one-element tensor (`t.item()`). */
  async item(): Promise<number> {
    this.checkItem();
    return scalarOf((await this.dataAsync())[0], this.dtype) as number;
  }
  itemSync(): number {
    this.checkItem();
    return scalarOf(this.dataSync()[0], this.dtype) as number;
  }
  /** Nested arrays (`t.tolist()`); bools come back as `true`/`false`. */
  async tolist(): Promise<NestedArray> { return toNested(await this.dataAsync(), this.shape, this.dtype); }
  tolistSync(): NestedArray { return toNested(this.dataSync(), this.shape, this.dtype); }
  /** `JSON.stringify(t)` writes `t.tolist()` (CPU tensors; elsewhere `await t.tolist()` first). */
  toJSON(): NestedArray { return this.tolistSync(); }
  /** `Number(t)`, `+t`, `t < 0.5`: `float(t)` of a one-element CPU tensor; strings get the printout. */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | string {
    return hint === 'number' ? Number(this.itemSync()) : this.toString();
  }

  private checkWholeReduce(name: string): void {
    if (this.numel() === 0) {
      throw new RuntimeError(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    }
  }
  private checkItem(): void {
    if (this.numel() !== 1) {
      throw new ValueError('only one element tensors can be converted to Python scalars');
    }
  }
  /** The storage itself when already a dense row-major window from 0, else a fresh copy. */
  private contiguousStorage(): Storage {
    if (this.offset === 0 && this.isContiguous() && this.storage.size === this.numel()) return this.storage;
    return this.backend.copy(this, this.dtype);
  }

  /** PyTorch's printout, e.g. `tensor([[1., 2.],\n        [3., 4.]])`. CPU tensors print synchronously. */
  toString(): string {
    const b = this.backend;
    if (!b.readSync) return `tensor(<on ${b.name}: use await t.dataAsync()>, shape=[${this.shape.join(', ')}])`;
    return formatTensor(this.shape, this.dtype, b.readSync(this.contiguousStorage()), {
      device: String(this.device),
      requiresGrad: this.requiresGrad,
      gradFn: this.gradFn?.name ?? null,
    });
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }

  // ---------------------------------------------------------------- device and dtype

  /**
   * `t.to(dtype)` or `t.to(device)` or `t.to({ device, dtype })`; a dtype as an object
   * (`torch.float64`) or a name (`'float64'`). Returns `this` when nothing changes.
   */
  to(target: DTypeLike | DeviceLike | { device?: DeviceLike; dtype?: DTypeLike; copy?: boolean }): Tensor {
    const o = isDTypeLike(target) ? { dtype: target } : typeof target === 'string' || target instanceof Device ? { device: target } : parseArgs(TO_OPTIONS, [target]) as { device: DeviceLike | null; dtype: DTypeLike | null; copy: boolean };
    const dtype = o.dtype == null ? undefined : toDType(o.dtype);
    let t: Tensor = this;
    if (dtype !== undefined && dtype !== t.dtype) t = dispatch1('cast', [t], { dtype });
    if (o.device != null && Device.of(o.device) !== t.device) t = dispatch1('toDevice', [t], { device: String(o.device) });
    if ('copy' in o && o.copy && t === this) t = this.clone();
    return t;
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  /** `tensor.half()`: a float16 copy (`torch.float16`); on the CPU its values read back as float32 numbers. */
  half(): Tensor { return this.to('float16'); }
  int(): Tensor { return this.to('int32'); }
  long(): Tensor { return this.to('int64'); }
  bool(): Tensor { return this.to('bool'); }
  byte(): Tensor { return this.to('uint8'); }
  cpu(): Tensor { return this.to({ device: 'cpu' }); }
  /**
   * `t.to(device)` for any source device, reading asynchronously: the way off a device without
   * synchronous reads (WebGPU), and device to device.
   *
   * @example const host = await gpuTensor.toAsync('cpu');
   */
  async toAsync(target: DeviceLike | { device?: DeviceLike; dtype?: DTypeLike }): Promise<Tensor> {
    const o: { device?: DeviceLike | null; dtype?: DTypeLike | null } = typeof target === 'string' || target instanceof Device ? { device: target } : parseArgs(TO_OPTIONS, [target]);
    const src = o.dtype != null ? this.to(o.dtype) : this;
    if (o.device == null || Device.of(o.device) === src.device || src.backend.readSync) return src.to({ device: o.device ?? src.device });
    const data = await src.dataAsync();
    return new Tensor(getBackend(o.device).fromArray(data, src.dtype), [...src.shape]);
  }
  /**
   * `t.type()`: PyTorch's tensor type name (`'torch.FloatTensor'`); `t.type(dtype)` casts, the
   * dtype given as an object, a name or a tensor type name (`t.type('torch.LongTensor')`).
   */
  type(): string;
  type(dtype: DTypeLike | string): Tensor;
  type(dtype?: DTypeLike | string): Tensor | string {
    if (dtype === undefined) return `torch.${dtypeTitle(this.dtype)}Tensor`;
    if (isDTypeLike(dtype)) return this.to(dtype);
    const named = DTYPES.find((d) => dtype === `torch.${dtypeTitle(d)}Tensor`);
    if (!named) throw new ValueError(`invalid type: '${dtype}'`);
    return this.to(named);
  }

  // ---------------------------------------------------------------- views

  view(...shape: ShapeArg): Tensor { return dispatch1('view', [this], { shape: flatShape(shape) }); }
  viewAs(other: Tensor): Tensor { return this.view(other.shape as number[]); }
  /** A view when the strides allow it, else a copy (`t.reshape`). */
  reshape(...shape: ShapeArg): Tensor { return dispatch1('reshape', [this], { shape: flatShape(shape) }); }
  reshapeAs(other: Tensor): Tensor { return this.reshape(other.shape as number[]); }
  permute(...dims: ShapeArg): Tensor { return dispatch1('permute', [this], { dims: flatShape(dims) }); }
  transpose(dim0: number, dim1: number): Tensor { return dispatch1('transpose', [this], { dim0, dim1 }); }
  swapaxes(dim0: number, dim1: number): Tensor { return this.transpose(dim0, dim1); }
  /** `t.t()`: transpose of a ≤2-D tensor. */
  t(): Tensor {
    if (this.ndim > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${this.ndim}D`);
    return this.ndim < 2 ? this.view(this.shape as number[]) : this.transpose(0, 1);
  }
  /** `t.mT`: transpose of the last two dims. */
  get mT(): Tensor { return this.transpose(-2, -1); }
  get T(): Tensor { return this.permute([...this.shape.keys()].reverse()); }
  movedim(source: number, destination: number): Tensor {
    const s = normDim(source, this.ndim);
    const d = normDim(destination, this.ndim);
    const order = [...this.shape.keys()].filter((i) => i !== s);
    order.splice(d, 0, s);
    return this.permute(order);
  }
  expand(...shape: ShapeArg): Tensor { return dispatch1('expand', [this], { shape: flatShape(shape) }); }
  expandAs(other: Tensor): Tensor { return this.expand(other.shape as number[]); }
  broadcastTo(...shape: ShapeArg): Tensor { return this.expand(...shape); }
  squeeze(dim?: Dims): Tensor { return dispatch1('squeeze', [this], { dim: dim ?? null }); }
  unsqueeze(dim: number): Tensor { return dispatch1('unsqueeze', [this], { dim }); }
  flatten(startDim = 0, endDim = -1): Tensor { return dispatch1('flatten', [this], { startDim, endDim }); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return dispatch1('unflatten', [this], { dim, sizes: [...sizes] }); }
  /** `t.narrow(dim, start, length)`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return dispatch1('slice', [this], { dim, start, stop: start + length, step: 1, narrow: true });
  }
  /** `t.select(dim, index)`: removes `dim`. */
  select(dim: number, index: number): Tensor { return dispatch1('select', [this], { dim, index }); }
  /** `t.unfold(dim, size, step)`: sliding windows as a new last dim. */
  unfold(dim: number, size: number, step: number): Tensor { return dispatch1('unfold', [this], { dim, size, step }); }
  asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
    return dispatch1('asStrided', [this], { size: [...size], stride: [...stride], storageOffset: storageOffset ?? this.offset });
  }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor { return dispatch1('diagonal', [this], { offset, dim1, dim2 }); }
  /**
   * `t.diag(diagonal=0)`: a 1-D tensor as the `diagonal`-th diagonal of a square matrix, or a
   * matrix's `diagonal`-th diagonal as a new 1-D tensor (`torch.diag`).
   *
   * @example torch.tensor([1, 2]).diag() // [[1, 0], [0, 2]]
   */
  diag(...args: Args<[diagonal: number], { diagonal?: number }>): Tensor {
    const { diagonal } = parseArgs(DECL.diag, args) as { diagonal: number };
    if (this.ndim === 2) return this.diagonal(diagonal).clone();
    if (this.ndim !== 1) throw new RuntimeError(`diag(): Supports 1D or 2D tensors. Got ${this.ndim}D`);
    const n = this.shape[0] + Math.abs(diagonal);
    const out = this.newZeros([n, n]);
    out.diagonal(diagonal).copy_(this);
    return out;
  }

  // ---------------------------------------------------------------- new tensors like this one

  /**
   * `t.new_full(size, fill_value, *, dtype=None, device=None, requires_grad=False)`: this tensor's
   * dtype and device unless given.
   *
   * @example x.newFull([2, 2], 7, { dtype: torch.long })
   */
  newFull(size: readonly number[], fillValue: number | boolean, opts: NewOptions = {}): Tensor { return this.newFilled(DECL.newFull, [size, fillValue, opts]); }
  /** `t.new_zeros(size, *, dtype=None, device=None, requires_grad=False)`. @example x.newZeros([2, 3]) */
  newZeros(size: readonly number[], opts: NewOptions = {}): Tensor { return this.newFilled(DECL.newZeros, [size, opts], 0); }
  /** `t.new_ones(size, *, dtype=None, device=None, requires_grad=False)`. @example x.newOnes([2, 3]) */
  newOnes(size: readonly number[], opts: NewOptions = {}): Tensor { return this.newFilled(DECL.newOnes, [size, opts], 1); }
  /** `t.new_empty(size, *, dtype=None, device=None, requires_grad=False)`: zero-filled here (JavaScript memory is never uninitialised). */
  newEmpty(size: readonly number[], opts: NewOptions = {}): Tensor { return this.newFilled(DECL.newEmpty, [size, opts], 0); }
  private newFilled(decl: Declaration, args: unknown[], value?: number): Tensor {
    const o = parseArgs(decl, args);
    const out = dispatch1('full', [], { shape: [...(o.size as number[])], value: value ?? o.fillValue, dtype: o.dtype ?? this.dtype, device: String(o.device ?? this.device) });
    if (o.requiresGrad) out.requiresGrad = true;
    return out;
  }
  /**
   * Python indexing `x[...]`: `x.index(0, slice(1, 3), null, '...', mask)`. Basic items give a view;
   * one tensor item (bool mask or int64 indices) gives a copy, as in PyTorch.
   */
  index(...items: IndexItem[]): Tensor { return dispatch1('index', [this, ...tensorItems(items)], { items: encodeItems(items) }); }
  /** `x[...] = value` in place (`index_put_` / slice assignment). */
  indexPut_(items: IndexItem[], value: TensorOrScalar): this {
    const v = this.asTensorLike(value);
    dispatch('indexPut_', [this, v, ...tensorItems(items)], { items: encodeItems(items) });
    return this;
  }
  /** A dense copy when not contiguous (`t.contiguous()`), else `this`. */
  contiguous(): Tensor { return this.isContiguous() ? this : dispatch1('contiguous', [this]); }
  clone(): Tensor { return dispatch1('clone', [this]); }

  // ---------------------------------------------------------------- elementwise

  /** `a + alpha * b` (`torch.add(a, b, alpha=…)`). */
  add(other: TensorOrScalar, opts: { alpha?: number } = {}): Tensor {
    return this.binary('add', withAlpha(other, opts));
  }
  sub(other: TensorOrScalar, opts: { alpha?: number } = {}): Tensor {
    if (this.dtype === 'bool' && (other instanceof Tensor ? other.dtype === 'bool' : typeof other === 'boolean')) {
      throw new RuntimeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
    }
    return this.binary('sub', withAlpha(other, opts));
  }
  /** `rsub`: `other - this`. */
  rsub(other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? other.sub(this) : dispatch1('sub', [this], { scalar: checkScalar(other), reverse: true });
  }
  mul(other: TensorOrScalar): Tensor { return this.binary('mul', other); }
  /** True division; `roundingMode` 'trunc' or 'floor' as in `torch.div`. */
  div(other: TensorOrScalar, opts: { roundingMode?: 'trunc' | 'floor' | null } = {}): Tensor {
    if (opts.roundingMode === 'floor') return this.binary('floorDivide', other);
    const q = this.binary('div', other);
    return opts.roundingMode === 'trunc' ? q.trunc().to(this.resultDtype(other)) : q;
  }
  /** `t.true_divide(other)`: `div` without rounding. */
  trueDivide(other: TensorOrScalar): Tensor { return this.div(other); }
  floorDivide(other: TensorOrScalar): Tensor { return this.binary('floorDivide', other); }
  remainder(other: TensorOrScalar): Tensor { return this.binary('remainder', other); }
  fmod(other: TensorOrScalar): Tensor { return this.binary('fmod', other); }
  pow(exponent: TensorOrScalar): Tensor { return this.binary('pow', exponent); }
  atan2(other: TensorOrScalar): Tensor { return this.binary('atan2', other); }
  maximum(other: Tensor): Tensor { return this.binary('maximum', other); }
  minimum(other: Tensor): Tensor { return this.binary('minimum', other); }
  eq(other: TensorOrScalar): Tensor { return this.binary('eq', other); }
  ne(other: TensorOrScalar): Tensor { return this.binary('ne', other); }
  lt(other: TensorOrScalar): Tensor { return this.binary('lt', other); }
  le(other: TensorOrScalar): Tensor { return this.binary('le', other); }
  gt(other: TensorOrScalar): Tensor { return this.binary('gt', other); }
  ge(other: TensorOrScalar): Tensor { return this.binary('ge', other); }
  logicalAnd(other: TensorOrScalar): Tensor { return this.binary('logicalAnd', other); }
  logicalOr(other: TensorOrScalar): Tensor { return this.binary('logicalOr', other); }
  logicalXor(other: TensorOrScalar): Tensor { return this.binary('logicalXor', other); }
  bitwiseAnd(other: TensorOrScalar): Tensor { return this.binary('bitwiseAnd', other); }
  bitwiseOr(other: TensorOrScalar): Tensor { return this.binary('bitwiseOr', other); }
  bitwiseXor(other: TensorOrScalar): Tensor { return this.binary('bitwiseXor', other); }
  /** `torch.equal`: same shape and same values. */
  equal(other: Tensor): boolean {
    if (this.shape.length !== other.shape.length || this.shape.some((s, i) => s !== other.shape[i])) return false;
    return Boolean(this.eq(other).all().itemSync());
  }
  /** `torch.allclose(a, b, rtol=1e-5, atol=1e-8, equal_nan=False)`. */
  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    return Boolean(this.isclose(other, opts).all().itemSync());
  }
  isclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
    return dispatch1('isclose', [this, other], { rtol: opts.rtol ?? 1e-5, atol: opts.atol ?? 1e-8, equalNan: opts.equalNan ?? false });
  }

  neg(): Tensor { return this.unary('neg'); }
  negative(): Tensor { return this.neg(); }
  abs(): Tensor { return this.unary('abs'); }
  sign(): Tensor { return this.unary('sign'); }
  exp(): Tensor { return this.unary('exp'); }
  exp2(): Tensor { return this.unary('exp2'); }
  expm1(): Tensor { return this.unary('expm1'); }
  log(): Tensor { return this.unary('log'); }
  log2(): Tensor { return this.unary('log2'); }
  log10(): Tensor { return this.unary('log10'); }
  log1p(): Tensor { return this.unary('log1p'); }
  sqrt(): Tensor { return this.unary('sqrt'); }
  rsqrt(): Tensor { return this.unary('rsqrt'); }
  square(): Tensor { return this.unary('square'); }
  sin(): Tensor { return this.unary('sin'); }
  cos(): Tensor { return this.unary('cos'); }
  tan(): Tensor { return this.unary('tan'); }
  asin(): Tensor { return this.unary('asin'); }
  acos(): Tensor { return this.unary('acos'); }
  atan(): Tensor { return this.unary('atan'); }
  sinh(): Tensor { return this.unary('sinh'); }
  cosh(): Tensor { return this.unary('cosh'); }
  tanh(): Tensor { return this.unary('tanh'); }
  asinh(): Tensor { return this.unary('asinh'); }
  acosh(): Tensor { return this.unary('acosh'); }
  atanh(): Tensor { return this.unary('atanh'); }
  sigmoid(): Tensor { return this.unary('sigmoid'); }
  relu(): Tensor { return this.unary('relu'); }
  floor(): Tensor { return this.unary('floor'); }
  ceil(): Tensor { return this.unary('ceil'); }
  /** Round half to even, as `torch.round`. */
  round(): Tensor { return this.unary('round'); }
  trunc(): Tensor { return this.unary('trunc'); }
  frac(): Tensor { return this.unary('frac'); }
  reciprocal(): Tensor { return this.unary('reciprocal'); }
  erf(): Tensor { return this.unary('erf'); }
  erfc(): Tensor { return this.unary('erfc'); }
  logicalNot(): Tensor { return this.unary('logicalNot'); }
  bitwiseNot(): Tensor { return this.unary('bitwiseNot'); }
  isnan(): Tensor { return this.unary('isnan'); }
  isinf(): Tensor { return this.unary('isinf'); }
  isfinite(): Tensor { return this.unary('isfinite'); }

  /** `torch.clamp(x, min, max)`; either bound may be null. */
  clamp(...args: Args<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>): Tensor {
    const { min, max } = parseArgs(DECL.clamp, args) as { min: number | null; max: number | null };
    if (min === null && max === null) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
    return dispatch1('clamp', [this], { min, max });
  }
  clip(...args: Args<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>): Tensor {
    const { min, max } = parseArgs(DECL.clip, args) as { min: number | null; max: number | null };
    return this.clamp(min, max);
  }
  /** `torch.where(cond, this, other)`, i.e. `this.where(cond, other)` as in PyTorch's method form. */
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? dispatch1('where', [condition, this, other]) : dispatch1('where', [condition, this], { otherScalar: checkScalar(other) });
  }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    if (mask.dtype !== 'bool') throw new RuntimeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${dtypeTitle(mask.dtype)}`);
    return value instanceof Tensor ? dispatch1('maskedFill', [this, mask, value]) : dispatch1('maskedFill', [this, mask], { scalar: checkScalar(value) });
  }
  /** `self + value * t1 * t2`. */
  addcmul(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): Tensor {
    const p = t1.mul(t2);
    return this.add(opts.value === undefined || opts.value === 1 ? p : p.mul(opts.value));
  }
  /** `self + value * t1 / t2`. */
  addcdiv(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): Tensor {
    const q = t1.div(t2);
    return this.add(opts.value === undefined || opts.value === 1 ? q : q.mul(opts.value));
  }
  /** `self + weight * (end - self)`. */
  lerp(end: Tensor, weight: TensorOrScalar): Tensor { return this.add(end.sub(this).mul(weight)); }

  // ---------------------------------------------------------------- in place

  /** Copies `src` (broadcast, cast) into this tensor's elements. */
  copy_(src: TensorOrScalar): this {
    if (src instanceof Tensor) dispatch('copy_', [this, src]);
    else dispatch('copy_', [this], { scalar: checkScalar(src) });
    return this;
  }
  fill_(value: TensorOrScalar): this {
    if (value instanceof Tensor && value.ndim !== 0) {
      throw new RuntimeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
    }
    return this.copy_(value);
  }
  zero_(): this { return this.fill_(0); }
  /** Generic in-place form: `op_` = compute out of place, then write back (keeps dtype, as PyTorch). */
  private inplace(result: Tensor): this {
    if (result.dtype !== this.dtype && !canCast(result.dtype, this.dtype)) {
      throw new RuntimeError(`result type ${dtypeTitle(result.dtype)} can't be cast to the desired output type ${dtypeTitle(this.dtype)}`);
    }
    if (result.shape.length > this.shape.length || result.shape.some((s, i) => s !== this.shape[this.shape.length - result.shape.length + i])) {
      throw new RuntimeError(`output with shape [${this.shape.join(', ')}] doesn't match the broadcast shape [${result.shape.join(', ')}]`);
    }
    return this.copy_(result);
  }
  add_(other: TensorOrScalar, opts: { alpha?: number } = {}): this {
    const o = withAlpha(other, opts);
    return this.inplace(writeInto(this, () => this.add(o)));
  }
  sub_(other: TensorOrScalar, opts: { alpha?: number } = {}): this {
    const o = withAlpha(other, opts);
    return this.inplace(writeInto(this, () => this.sub(o)));
  }
  mul_(other: TensorOrScalar): this { return this.inplace(writeInto(this, () => this.mul(other))); }
  div_(other: TensorOrScalar, opts: { roundingMode?: 'trunc' | 'floor' | null } = {}): this {
    return this.inplace(opts.roundingMode === 'trunc' ? this.div(other, opts) : writeInto(this, () => this.div(other, opts)));
  }
  pow_(e: TensorOrScalar): this { return this.inplace(writeInto(this, () => this.pow(e))); }
  neg_(): this { return this.inplace(writeInto(this, () => this.neg())); }
  abs_(): this { return this.inplace(writeInto(this, () => this.abs())); }
  exp_(): this { return this.inplace(writeInto(this, () => this.exp())); }
  log_(): this { return this.inplace(writeInto(this, () => this.log())); }
  sqrt_(): this { return this.inplace(writeInto(this, () => this.sqrt())); }
  sigmoid_(): this { return this.inplace(writeInto(this, () => this.sigmoid())); }
  tanh_(): this { return this.inplace(writeInto(this, () => this.tanh())); }
  relu_(): this { return this.inplace(writeInto(this, () => this.relu())); }
  clamp_(...args: Args<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>): this { return this.inplace(this.clamp(...args)); }
  clip_(...args: Args<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>): this { return this.inplace(this.clip(...args)); }
  maskedFill_(mask: Tensor, value: TensorOrScalar): this { return this.inplace(this.maskedFill(mask, value)); }
  addcmul_(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): this { return this.inplace(this.addcmul(t1, t2, opts)); }
  addcdiv_(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): this { return this.inplace(this.addcdiv(t1, t2, opts)); }
  lerp_(end: Tensor, weight: TensorOrScalar): this { return this.inplace(this.lerp(end, weight)); }
  maximum_(other: Tensor): this { return this.inplace(this.maximum(other)); }
  floor_(): this { return this.inplace(writeInto(this, () => this.floor())); }
  round_(): this { return this.inplace(writeInto(this, () => this.round())); }
  reciprocal_(): this { return this.inplace(writeInto(this, () => this.reciprocal())); }
  /** Fills with U(from, to) from the global generator (`t.uniform_(a, b)`). */
  uniform_(from = 0, to = 1): this { dispatch('randomFill_', [this], { kind: 'uniform', a: from, b: to }); return this; }
  /** Fills with N(mean, std²) (`t.normal_(mean, std)`). */
  normal_(mean = 0, std = 1): this { dispatch('randomFill_', [this], { kind: 'normal', a: mean, b: std }); return this; }
  /**
   * `t.bernoulli(*, generator=None)`: one 0/1 draw per element, this tensor holding the
   * probabilities. PyTorch draws one uniform of this precision per element, so `rand_like(p) < p`
   * is the same stream; the range check runs on the device.
   *
   * @example torch.tensor([0, 0.5, 1]).bernoulli() // [0, 0 or 1, 1]
   */
  bernoulli(opts: { generator?: Generator | null } = {}): Tensor {
    const { generator } = parseArgs(DECL.bernoulli, [opts]);
    deviceCheck(this.ge(0).logicalAnd(this.le(1)).all(), () => new RuntimeError('Expected p_in >= 0 && p_in <= 1 to be true'));
    const u = this.newEmpty(this.shape);
    dispatch('randomFill_', [u], { kind: 'uniform', a: 0, b: 1, generator: generator ?? undefined });
    return u.lt(this).to(this.dtype);
  }
  /** Fills with Bernoulli(p) draws (`t.bernoulli_(p)`). */
  bernoulli_(p = 0.5): this { dispatch('randomFill_', [this], { kind: 'bernoulli', a: p, b: 0 }); return this; }
  /** Fills with integers in [from, to) (`t.random_(from, to)`). */
  random_(from: number, to: number): this { dispatch('randomFill_', [this], { kind: 'randint', a: from, b: to }); return this; }
  exponential_(lambd = 1): this { dispatch('randomFill_', [this], { kind: 'exponential', a: lambd, b: 0 }); return this; }
  /**
   * `t.multinomial(num_samples, replacement=False, generator=None)`: category indices (int64)
   * drawn from each row of non-negative weights, as PyTorch's CPU kernel draws them.
   *
   * @example torch.manualSeed(0); torch.tensor([0.1, 0.6, 0.3]).multinomial(4, { replacement: true })
   */
  multinomial(numSamples: number, opts: { replacement?: boolean; generator?: Generator } = {}): Tensor {
    return dispatch1('multinomial', [this], { numSamples, replacement: opts.replacement ?? false, generator: opts.generator });
  }

  // ---------------------------------------------------------------- reductions

  /** `t.sum(dim=None, keepdim=False, dtype=None)`: `x.sum([1, 3], true)` or `x.sum(1, { keepdim: true })`. */
  sum(...args: ReduceArgs): Tensor { return dispatch1('sum', [this], parseArgs(DECL.sum, args)); }
  mean(...args: ReduceArgs): Tensor { return dispatch1('mean', [this], parseArgs(DECL.mean, args)); }
  prod(...args: Args<[dim: number | null, keepdim: boolean], ReduceOptions & { dim?: number | null }>): Tensor { return dispatch1('prod', [this], parseArgs(DECL.prod, args)); }
  all(...args: ReduceArgs): Tensor { return dispatch1('all', [this], parseArgs(DECL.all, args)); }
  any(...args: ReduceArgs): Tensor { return dispatch1('any', [this], parseArgs(DECL.any, args)); }
  amax(...args: ReduceArgs): Tensor { return dispatch1('amax', [this], parseArgs(DECL.amax, args)); }
  amin(...args: ReduceArgs): Tensor { return dispatch1('amin', [this], parseArgs(DECL.amin, args)); }
  /** `t.max()` → the maximum; `t.max(dim)` → `{ values, indices }`, as PyTorch's named tuple. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
  max(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
  max(...args: unknown[]): Tensor | ValuesIndices { return this.extremum('max', args); }
  min(): Tensor;
  min(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesIndices;
  min(opts: { dim: number; keepdim?: boolean }): ValuesIndices;
  min(...args: unknown[]): Tensor | ValuesIndices { return this.extremum('min', args); }
  /** `max` / `min`: over everything (the value), or along `dim` (values and indices). */
  private extremum(op: 'max' | 'min', args: unknown[]): Tensor | ValuesIndices {
    const { dim, keepdim } = parseArgs(DECL[op], args);
    if (dim === null) { this.checkWholeReduce(op); return dispatch1(op === 'max' ? 'amax' : 'amin', [this], { dim: null, keepdim: false }); }
    return valuesIndices(dispatch(op === 'max' ? 'maxDim' : 'minDim', [this], { dim, keepdim }));
  }
  argmax(...args: DimKeepdim): Tensor { return dispatch1('argmax', [this], parseArgs(DECL.argmax, args)); }
  argmin(...args: DimKeepdim): Tensor { return dispatch1('argmin', [this], parseArgs(DECL.argmin, args)); }
  /** `t.var(dim=None, unbiased=True, keepdim=False, *, correction=None)`; `unbiased=False` is `correction=0`. */
  var(...args: VarArgs): Tensor { return this.variance(DECL.var, args); }
  /** `t.std(dim=None, unbiased=True, keepdim=False, *, correction=None)`: `x.std(0, false)` is the biased estimate. */
  std(...args: VarArgs): Tensor { return this.variance(DECL.std, args).sqrt(); }
  private variance(decl: Declaration, args: VarArgs): Tensor {
    const { dim, unbiased, keepdim, correction } = parseArgs(decl, args);
    return dispatch1('var', [this], { dim, correction: correction ?? (unbiased ? 1 : 0), keepdim });
  }
  logsumexp(...args: Args<[dim: Dims, keepdim: boolean], { dim?: Dims; keepdim?: boolean }>): Tensor {
    return dispatch1('logsumexp', [this], parseArgs(DECL.logsumexp, args));
  }
  /** `t.norm(p=2, dim=None, keepdim=False)`; p may be a number, Infinity, -Infinity or 'fro'. */
  norm(p: number | 'fro' = 2, dim?: Dims | null, opts: { keepdim?: boolean } = {}): Tensor {
    return dispatch1('norm', [this], { p: p === 'fro' ? 2 : p, dim: dim ?? null, keepdim: opts.keepdim ?? false });
  }
  cumsum(...args: Args<[dim: number], { dim?: number; dtype?: DTypeLike | null }>): Tensor { return dispatch1('cumsum', [this], parseArgs(DECL.cumsum, args)); }
  cumprod(...args: Args<[dim: number], { dim?: number; dtype?: DTypeLike | null }>): Tensor { return dispatch1('cumprod', [this], parseArgs(DECL.cumprod, args)); }
  softmax(...args: Args<[dim: number, dtype: DTypeLike | null], { dim?: number; dtype?: DTypeLike | null }>): Tensor {
    const { dim, dtype } = parseArgs(DECL.softmax, args);
    return dispatch1('softmax', [dtype ? this.to(dtype) : this], { dim });
  }
  logSoftmax(...args: Args<[dim: number, dtype: DTypeLike | null], { dim?: number; dtype?: DTypeLike | null }>): Tensor {
    const { dim, dtype } = parseArgs(DECL.logSoftmax, args);
    return dispatch1('logSoftmax', [dtype ? this.to(dtype) : this], { dim });
  }

  // ---------------------------------------------------------------- linear algebra

  /** `torch.matmul` with PyTorch's batching and broadcasting rules. */
  matmul(other: Tensor): Tensor { return dispatch1('matmul', [this, other]); }
  mm(other: Tensor): Tensor {
    if (this.ndim !== 2) throw new RuntimeError(`self must be a matrix`);
    if (other.ndim !== 2) throw new RuntimeError(`mat2 must be a matrix`);
    return this.matmul(other);
  }
  bmm(other: Tensor): Tensor {
    if (this.ndim !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
    if (other.ndim !== 3) throw new RuntimeError(`batch2 must be a 3D tensor`);
    if (this.shape[0] !== other.shape[0]) {
      throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${this.shape[0]}, ${this.shape[2]}] but got: [${other.shape[0]}, ${other.shape[1]}].`);
    }
    return this.matmul(other);
  }
  mv(vec: Tensor): Tensor {
    if (this.ndim !== 2 || vec.ndim !== 1) throw new RuntimeError(`vector + matrix @ vector expected, got ${this.ndim}, ${vec.ndim}`);
    return this.matmul(vec);
  }
  dot(other: Tensor): Tensor {
    if (this.ndim !== 1 || other.ndim !== 1) throw new RuntimeError(`1D tensors expected, but got ${this.ndim}D and ${other.ndim}D tensors`);
    return this.matmul(other);
  }
  outer(other: Tensor): Tensor {
    if (this.ndim !== 1 || other.ndim !== 1) throw new RuntimeError(`outer: expected 1D tensors, got ${this.ndim}D and ${other.ndim}D`);
    return this.unsqueeze(1).mul(other.unsqueeze(0));
  }

  // ---------------------------------------------------------------- indexing, joining, sorting

  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return dispatch('split', [this], { splitSize: typeof splitSize === 'number' ? splitSize : [...splitSize], dim }) as Tensor[];
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    if (!Number.isInteger(chunks) || chunks <= 0) throw new RuntimeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
    const size = this.shape[normDim(dim, this.ndim)];
    // An empty dim gives `chunks` empty pieces, as PyTorch's split_with_sizes([0] * chunks).
    if (size === 0) return this.split(new Array<number>(chunks).fill(0), dim);
    return this.split(Math.ceil(size / chunks), dim);
  }
  unbind(dim = 0): Tensor[] {
    return dispatch('unbind', [this], { dim }) as Tensor[];
  }
  indexSelect(dim: number, index: Tensor): Tensor { return dispatch1('indexSelect', [this, index], { dim }); }
  gather(dim: number, index: Tensor): Tensor { return dispatch1('gather', [this, index], { dim }); }
  /** Out-of-place `scatter`; `reduce: 'add'` as `scatter_add`. */
  scatter(dim: number, index: Tensor, src: TensorOrScalar, opts: { reduce?: 'add' } = {}): Tensor {
    const s = src instanceof Tensor ? src : this.asTensorLike(src).expand(index.shape as number[]);
    return dispatch1('scatter', [this, index, s], { dim, reduce: opts.reduce ?? 'none' });
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return this.scatter(dim, index, src, { reduce: 'add' }); }
  scatter_(dim: number, index: Tensor, src: TensorOrScalar, opts: { reduce?: 'add' } = {}): this { return this.copy_(this.scatter(dim, index, src, opts)); }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this { return this.copy_(this.scatterAdd(dim, index, src)); }
  indexAdd(dim: number, index: Tensor, source: Tensor, opts: { alpha?: number } = {}): Tensor {
    return dispatch1('indexAdd', [this, index, opts.alpha === undefined ? source : source.mul(opts.alpha)], { dim });
  }
  /** Elements at flat indices of the row-major tensor (`torch.take`). */
  take(index: Tensor): Tensor {
    const n = this.numel();
    if (index.numel() > 0) {
      const lo = index.amin();
      const hi = index.amax();
      deviceCheck(lo.ge(-n).logicalAnd(hi.lt(n)), ([l, h]) => new IndexError(`out of range: tried to access index ${h >= n ? h : l} on a tensor of ${n} elements.`), dispatch1('cat', [lo.reshape([1]), hi.reshape([1])], { dim: 0 }));
    }
    return this.reshape(-1).index(index);
  }
  maskedSelect(mask: Tensor): Tensor {
    const shape = broadcastShapes(this.shape, mask.shape);
    return dispatch1('index', [this.expand(shape), mask.expand(shape)], { items: ['T'] });
  }
  /** Indices of non-zero elements, shape [n, ndim] (`torch.nonzero`). */
  nonzero(): Tensor { return dispatch1('nonzero', [this]); }
  /** `t.sort(dim=-1, descending=False)` → `{ values, indices }` (stable). */
  sort(...args: Args<[dim: number, descending: boolean], { dim?: number; descending?: boolean; stable?: boolean | null }>): ValuesIndices {
    const { dim, descending } = parseArgs(DECL.sort, args);
    return valuesIndices(dispatch('sort', [this], { dim, descending }));
  }
  argsort(...args: Args<[dim: number, descending: boolean], { dim?: number; descending?: boolean }>): Tensor {
    const { dim, descending } = parseArgs(DECL.argsort, args);
    return this.sort(dim, descending).indices;
  }
  /** `t.topk(k, dim=-1, largest=True, sorted=True)`; the result is always sorted. */
  topk(k: number, ...args: TopkArgs): ValuesIndices {
    const a = parseArgs(DECL.topk, [k, ...args]);
    return valuesIndices(dispatch('topk', [this], { k: a.k, dim: a.dim, largest: a.largest }));
  }
  tril(diagonal = 0): Tensor { return dispatch1('tril', [this], { diagonal, upper: false }); }
  triu(diagonal = 0): Tensor { return dispatch1('tril', [this], { diagonal, upper: true }); }
  flip(dims: Dims): Tensor { return dispatch1('flip', [this], { dims: typeof dims === 'number' ? [dims] : [...dims] }); }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return dispatch1('roll', [this], { shifts: typeof shifts === 'number' ? [shifts] : [...shifts], dims: dims === undefined ? null : typeof dims === 'number' ? [dims] : [...dims] });
  }
  /** `t.repeat(*sizes)`: tiles the tensor. */
  repeat(...sizes: ShapeArg): Tensor { return dispatch1('repeat', [this], { sizes: flatShape(sizes) }); }

  // ---------------------------------------------------------------- helpers for ops

  /** A JS scalar as a 0-dim tensor of this tensor's dtype and device, made by a fill kernel (no upload). */
  asTensorLike(x: TensorOrScalar): Tensor {
    if (x instanceof Tensor) return x;
    return dispatch1('full', [], { shape: [], value: checkScalar(x), dtype: this.dtype, device: String(this.device) });
  }
  private resultDtype(other: TensorOrScalar): DType {
    return dispatchResultType(this, other);
  }
  private binary(op: string, other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? dispatch1(op, [this, other]) : dispatch1(op, [this], { scalar: checkScalar(other) });
  }
  private unary(op: string): Tensor { return dispatch1(op, [this]); }
}

/** `{ values, indices }`, PyTorch's `torch.return_types` named tuple. */
/**
 * PyTorch's `torch.return_types` named tuple (`topk`, `max(dim)`, `sort`, …): destructures as
 * `[values, indices]` and has `.values` / `.indices`.
 *
 * @example
 * const [values, indices] = x.topk(2); // or: const { values, indices } = x.topk(2);
 */
export type ValuesIndices = Omit<readonly [Tensor, Tensor], 'values'> & { readonly values: Tensor; readonly indices: Tensor };
export function valuesIndices(r: Tensor | Tensor[]): ValuesIndices {
  const [values, indices] = r as Tensor[];
  // Non-enumerable, so the pair compares, spreads and prints as the two tensors; `values` shadows Array.prototype.values.
  return Object.defineProperties([values, indices], { values: { value: values }, indices: { value: indices } }) as unknown as ValuesIndices;
}

export type NestedArray = number | boolean | NestedArray[];
export type ShapeArg = number[] | [readonly number[]];

/** Accepts both `view(2, 3)` and `view([2, 3])`. */
export function flatShape(args: ShapeArg): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : [...(args as number[])];
}

function scalarOf(v: number, dtype: DType): number | boolean {
  return dtype === 'bool' ? v !== 0 : v;
}

function toNested(data: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  if (shape.length === 0) return scalarOf(data[0], dtype);
  const rec = (dim: number, off: number): NestedArray[] => {
    const n = shape[dim];
    const out: NestedArray[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = scalarOf(data[off + i], dtype);
      return out;
    }
    let step = 1;
    for (let d = dim + 1; d < shape.length; d++) step *= shape[d];
    for (let i = 0; i < n; i++) out[i] = rec(dim + 1, off + i * step);
    return out;
  };
  return rec(0, 0);
}

/** A JS scalar operand, checked: PyTorch's TypeError for anything else. */
export function checkScalar(x: unknown): Scalar {
  if (typeof x !== 'number' && typeof x !== 'boolean') {
    throw new DTypeError(`expected a Tensor or a number, but got ${x === null ? 'null' : typeof x}`);
  }
  return x;
}

/** `other * alpha` for `add`/`sub`'s alpha, a host multiplication when `other` is a number. */
/** The keyword-only parameters of `t.to({ … })` / `t.toAsync({ … })` and of `add`/`sub` (their positional forms are overloads). */
const TO_OPTIONS = declare('Tensor.to', 'to(*, Device? device=None, ScalarType? dtype=None, bool nonBlocking=False, bool copy=False)', { listed: false });
const ALPHA = declare('Tensor.add', 'add(*, Scalar alpha=1)', { listed: false });

function withAlpha(other: TensorOrScalar, opts: { alpha?: number }): TensorOrScalar {
  // add/sub are hot: the options are bound only when some are given.
  let alpha = 1;
  for (const _ in opts) { ({ alpha } = parseArgs(ALPHA, [opts]) as { alpha: number }); break; }
  if (alpha === 1) return other;
  return other instanceof Tensor ? other.mul(alpha) : Number(checkScalar(other)) * alpha;
}

/** Same-kind casting, PyTorch's `canCast` for in-place results (float → int is refused). */
export function canCast(from: DType, to: DType): boolean {
  const kind = (d: DType) => (d === 'bool' ? 0 : isFloating(d) ? 2 : 1);
  return kind(from) <= kind(to);
}

/** PyTorch spells dtypes in these messages as `Float`, `Long`, `Bool`. */
export function dtypeTitle(d: DType): string {
  return { float16: 'Half', float32: 'Float', float64: 'Double', int32: 'Int', int64: 'Long', bool: 'Bool', uint8: 'Byte' }[d];
}

let resultTypeFn: (a: Tensor, b: TensorOrScalar) => DType = () => 'float32';
/** Wired by ops/elementwise.ts, which owns type promotion for ops. */
export function setResultTypeFn(fn: (a: Tensor, b: TensorOrScalar) => DType): void {
  resultTypeFn = fn;
}
function dispatchResultType(a: Tensor, b: TensorOrScalar): DType {
  return resultTypeFn(a, b);
}

/** Splits index items into tensors (passed as op inputs) and a plain-data description. */
function tensorItems(items: IndexItem[]): Tensor[] {
  return items.filter((x): x is Tensor => x instanceof Tensor);
}
export type EncodedItem = number | { start: number | null; stop: number | null; step: number | null } | null | '...' | 'T';
function encodeItems(items: IndexItem[]): EncodedItem[] {
  return items.map((x) => {
    if (x instanceof Tensor) return 'T';
    if (x === null || x === '...' || typeof x === 'number') {
      if (typeof x === 'number' && !Number.isInteger(x)) throw new IndexError('only integers, slices, None, Ellipsis and tensors are valid indices');
      return x;
    }
    if (typeof x === 'object') return { start: x.start ?? null, stop: x.stop ?? null, step: x.step ?? null };
    throw new IndexError('only integers, slices (`slice()`), null (numpy.newaxis), `...` and integer or boolean tensors are valid indices');
  });
}
