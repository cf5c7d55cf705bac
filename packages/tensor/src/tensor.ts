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
import { type Args, type Declaration, declare, isOptions, parseArgs, pyTypeName } from './signature.js';
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
/** `clamp`/`clip`'s `min, max`, positional or by name. */
export type ClampArgs = Args<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>;
/** `addcmul`/`addcdiv`: `tensor1, tensor2` and `value` by name. */
export type AddcArgs = [tensor1: Tensor, tensor2: Tensor, opts?: { value?: number }] | [tensor1: Tensor, opts: { tensor2: Tensor; value?: number }] | [{ tensor1: Tensor; tensor2: Tensor; value?: number }];
/** `scatter(dim, index, src, *, reduce=None)`. */
export type ScatterArgs = [dim: number, index: Tensor, src: TensorOrScalar, opts?: { reduce?: 'add' | null }] | [dim: number, index: Tensor, opts: { src: TensorOrScalar; reduce?: 'add' | null }] | [dim: number, opts: { index: Tensor; src: TensorOrScalar; reduce?: 'add' | null }] | [{ dim: number; index: Tensor; src: TensorOrScalar; reduce?: 'add' | null }];
type DimKeepdim = Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>;

/** `t.to(...)`'s parameters by name. */
export interface ToOptions {
  device?: DeviceLike | null;
  dtype?: DTypeLike | null;
  nonBlocking?: boolean;
  copy?: boolean;
}

/** `dtype=`, `device=` and `requires_grad=` of `t.new_zeros(...)` and its kin; unset means this tensor's. */
export interface NewOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
}
const NEW_OPTIONS = '*, ScalarType? dtype=None, Device? device=None, bool requiresGrad=False';

// Every public method with a PyTorch name, stated once: methods whose op schema is PyTorch's method
// signature share it (`{ op, method: true }`), the others state PyTorch's form. Each method binds
// its arguments through `parseArgs` — at once, or (the hot ones) only when a call is not plain
// positional values of the expected kinds, so that `x.add(y)` builds nothing.
const method = (name: string, sig: string): Declaration => declare(`Tensor.${name}`, sig);
const fromOp = (name: string): Declaration => declare(`Tensor.${name}`, { op: name, method: true });
const OPERAND = 'Tensor|Scalar other';
/** The unary ops, each with a method of its name (`x.neg()`). */
const UNARY_METHODS = ['neg', 'abs', 'sign', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'square', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'sigmoid', 'relu', 'floor', 'ceil', 'round', 'trunc', 'frac', 'reciprocal', 'erf', 'erfc', 'logicalNot', 'bitwiseNot', 'isnan', 'isinf', 'isfinite'] as const;
type UnaryMethod = (typeof UNARY_METHODS)[number];
/** The binary ops taking a tensor or a number, each with a method of its name (`x.mul(2)`). */
const BINARY_METHODS = ['mul', 'trueDivide', 'floorDivide', 'remainder', 'fmod', 'atan2', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor'] as const;
type BinaryMethod = (typeof BINARY_METHODS)[number];
/** The unary in-place methods without other parameters (`x.relu_()`). */
const INPLACE_METHODS = ['neg_', 'abs_', 'exp_', 'log_', 'sqrt_', 'sigmoid_', 'tanh_', 'relu_', 'floor_', 'round_', 'reciprocal_', 'zero_', 'detach_'] as const;
const NO_ARGS = ['dim', 'storageOffset', 'numel', 'isFloatingPoint', 'retainGrad', 'detach', 'item', 'tolist', 'float', 'double', 'half', 'int', 'long', 'bool', 'byte', 'cpu', 't', 'negative', 'contiguous', 'isContiguous', 'clone', 'nonzero'] as const;
const RAND = '*, Generator? generator=None';

const DECL = {
  ...(Object.fromEntries(UNARY_METHODS.map((op) => [op, fromOp(op)])) as Record<UnaryMethod, Declaration>),
  ...(Object.fromEntries(BINARY_METHODS.map((op) => [op, method(op, `${op}(${OPERAND})`)])) as Record<BinaryMethod, Declaration>),
  ...(Object.fromEntries(INPLACE_METHODS.map((op) => [op, method(op, `${op}()`)])) as Record<(typeof INPLACE_METHODS)[number], Declaration>),
  ...(Object.fromEntries(NO_ARGS.map((op) => [op, method(op, `${op}()`)])) as Record<(typeof NO_ARGS)[number], Declaration>),
  size: method('size', 'size(int? dim=None)'),
  stride: method('stride', 'stride(int? dim=None)'),
  requiresGrad_: method('requiresGrad_', 'requires_grad_(bool requiresGrad=True)'),
  backward: method('backward', 'backward(Tensor? gradient=None, bool? retainGraph=None, bool createGraph=False, Tensor[]? inputs=None)'),
  registerHook: method('registerHook', 'register_hook(Callable hook)'),
  to: method('to', 'to(Device? device=None, ScalarType? dtype=None, bool nonBlocking=False, bool copy=False)'),
  type: method('type', 'type(ScalarType|str? dtype=None, bool nonBlocking=False)'),
  view: method('view', 'view(int[] size)'),
  viewAs: method('viewAs', 'view_as(Tensor other)'),
  reshape: method('reshape', 'reshape(int[] shape)'),
  reshapeAs: method('reshapeAs', 'reshape_as(Tensor other)'),
  permute: fromOp('permute'),
  transpose: fromOp('transpose'),
  swapaxes: method('swapaxes', 'swapaxes(int axis0, int axis1)'),
  movedim: method('movedim', 'movedim(int source, int destination)'),
  expand: method('expand', 'expand(int[] size)'),
  expandAs: method('expandAs', 'expand_as(Tensor other)'),
  broadcastTo: method('broadcastTo', 'broadcast_to(int[] size)'),
  squeeze: fromOp('squeeze'),
  unsqueeze: fromOp('unsqueeze'),
  flatten: fromOp('flatten'),
  unflatten: fromOp('unflatten'),
  narrow: method('narrow', 'narrow(int dim, int start, int length)'),
  select: fromOp('select'),
  unfold: method('unfold', 'unfold(int dimension, int size, int step)'),
  asStrided: method('asStrided', 'as_strided(int[] size, int[] stride, int? storageOffset=None)'),
  diagonal: fromOp('diagonal'),
  indexPut_: method('indexPut_', 'index_put_(Any[] indices, Tensor|Scalar values)'),
  add: method('add', `add(${OPERAND}, *, Scalar alpha=1)`),
  sub: method('sub', `sub(${OPERAND}, *, Scalar alpha=1)`),
  add_: method('add_', `add_(${OPERAND}, *, Scalar alpha=1)`),
  sub_: method('sub_', `sub_(${OPERAND}, *, Scalar alpha=1)`),
  mul_: method('mul_', `mul_(${OPERAND})`),
  div: method('div', `div(${OPERAND}, *, str? roundingMode=None)`),
  div_: method('div_', `div_(${OPERAND}, *, str? roundingMode=None)`),
  pow: method('pow', 'pow(Tensor|Scalar exponent)'),
  pow_: method('pow_', 'pow_(Tensor|Scalar exponent)'),
  maximum: method('maximum', 'maximum(Tensor other)'),
  minimum: method('minimum', 'minimum(Tensor other)'),
  equal: method('equal', 'equal(Tensor other)'),
  allclose: method('allclose', 'allclose(Tensor other, float rtol=1e-05, float atol=1e-08, bool equalNan=False)'),
  isclose: fromOp('isclose'),
  clamp: fromOp('clamp'),
  clip: method('clip', 'clip(Scalar? min=None, Scalar? max=None)'),
  clamp_: method('clamp_', 'clamp_(Scalar? min=None, Scalar? max=None)'),
  clip_: method('clip_', 'clip_(Scalar? min=None, Scalar? max=None)'),
  where: method('where', 'where(Tensor condition, Tensor|Scalar other)'),
  maskedFill: method('maskedFill', 'masked_fill(Tensor mask, Tensor|Scalar value)'),
  maskedFill_: method('maskedFill_', 'masked_fill_(Tensor mask, Tensor|Scalar value)'),
  addcmul: method('addcmul', 'addcmul(Tensor tensor1, Tensor tensor2, *, Scalar value=1)'),
  addcdiv: method('addcdiv', 'addcdiv(Tensor tensor1, Tensor tensor2, *, Scalar value=1)'),
  addcmul_: method('addcmul_', 'addcmul_(Tensor tensor1, Tensor tensor2, *, Scalar value=1)'),
  addcdiv_: method('addcdiv_', 'addcdiv_(Tensor tensor1, Tensor tensor2, *, Scalar value=1)'),
  lerp: method('lerp', 'lerp(Tensor end, Tensor|Scalar weight)'),
  lerp_: method('lerp_', 'lerp_(Tensor end, Tensor|Scalar weight)'),
  copy_: method('copy_', 'copy_(Tensor|Scalar src)'),
  fill_: method('fill_', 'fill_(Tensor|Scalar value)'),
  uniform_: method('uniform_', `uniform_(float from=0, float to=1, ${RAND})`),
  normal_: method('normal_', `normal_(float mean=0, float std=1, ${RAND})`),
  bernoulli_: method('bernoulli_', `bernoulli_(float p=0.5, ${RAND})`),
  random_: method('random_', `random_(int from, int to, ${RAND})`),
  exponential_: method('exponential_', `exponential_(float lambd=1, ${RAND})`),
  multinomial: fromOp('multinomial'),
  sum: fromOp('sum'),
  mean: fromOp('mean'),
  prod: fromOp('prod'),
  all: fromOp('all'),
  any: fromOp('any'),
  amax: fromOp('amax'),
  amin: fromOp('amin'),
  argmax: fromOp('argmax'),
  argmin: fromOp('argmin'),
  max: method('max', 'max(int? dim=None, bool keepdim=False)'),
  min: method('min', 'min(int? dim=None, bool keepdim=False)'),
  var: method('var', 'var(int[]? dim=None, bool unbiased=True, bool keepdim=False, *, float? correction=None)'),
  std: method('std', 'std(int[]? dim=None, bool unbiased=True, bool keepdim=False, *, float? correction=None)'),
  logsumexp: fromOp('logsumexp'),
  norm: method('norm', 'norm(Scalar|str p="fro", int[]? dim=None, bool keepdim=False, ScalarType? dtype=None)'),
  cumsum: fromOp('cumsum'),
  cumprod: fromOp('cumprod'),
  softmax: method('softmax', 'softmax(int dim, ScalarType? dtype=None)'),
  logSoftmax: method('logSoftmax', 'log_softmax(int dim, ScalarType? dtype=None)'),
  matmul: fromOp('matmul'),
  mm: method('mm', 'mm(Tensor mat2)'),
  bmm: method('bmm', 'bmm(Tensor mat2)'),
  mv: method('mv', 'mv(Tensor vec)'),
  dot: method('dot', 'dot(Tensor tensor)'),
  outer: method('outer', 'outer(Tensor vec2)'),
  split: method('split', 'split(int[] splitSize, int dim=0)'),
  chunk: method('chunk', 'chunk(int chunks, int dim=0)'),
  unbind: fromOp('unbind'),
  indexSelect: method('indexSelect', 'index_select(int dim, Tensor index)'),
  gather: method('gather', 'gather(int dim, Tensor index)'),
  scatter: method('scatter', 'scatter(int dim, Tensor index, Tensor|Scalar src, *, str? reduce=None)'),
  scatter_: method('scatter_', 'scatter_(int dim, Tensor index, Tensor|Scalar src, *, str? reduce=None)'),
  scatterAdd: method('scatterAdd', 'scatter_add(int dim, Tensor index, Tensor src)'),
  scatterAdd_: method('scatterAdd_', 'scatter_add_(int dim, Tensor index, Tensor src)'),
  indexAdd: method('indexAdd', 'index_add(int dim, Tensor index, Tensor source, *, Scalar alpha=1)'),
  take: method('take', 'take(Tensor index)'),
  maskedSelect: method('maskedSelect', 'masked_select(Tensor mask)'),
  sort: method('sort', 'sort(int dim=-1, bool descending=False, *, bool? stable=None)'),
  argsort: method('argsort', 'argsort(int dim=-1, bool descending=False)'),
  topk: method('topk', 'topk(int k, int dim=-1, bool largest=True, bool sorted=True)'),
  tril: method('tril', 'tril(int diagonal=0)'),
  triu: method('triu', 'triu(int diagonal=0)'),
  flip: fromOp('flip'),
  roll: method('roll', 'roll(int[] shifts, int[] dims=[])'),
  repeat: method('repeat', 'repeat(int[] repeats)'),
  diag: method('diag', 'diag(int diagonal=0)'),
  bernoulli: method('bernoulli', `bernoulli(${RAND})`),
  newFull: method('newFull', `new_full(int[] size, Scalar fillValue, ${NEW_OPTIONS})`),
  newZeros: method('newZeros', `new_zeros(int[] size, ${NEW_OPTIONS})`),
  newOnes: method('newOnes', `new_ones(int[] size, ${NEW_OPTIONS})`),
  newEmpty: method('newEmpty', `new_empty(int[] size, ${NEW_OPTIONS})`),
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
  dim(): number { if (arguments.length) parseArgs(DECL.dim, arguments); return this.shape.length; }
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
  size(dim?: number | null): Size | number {
    if (typeof dim !== 'number' && arguments.length) ({ dim } = parseArgs(DECL.size, arguments));
    return dim == null ? Size(this.shape) : this.shape[sizeDim(dim, this.ndim)];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number | null): number[] | number {
    if (typeof dim !== 'number' && arguments.length) ({ dim } = parseArgs(DECL.stride, arguments));
    return dim == null ? [...this.strides] : this.strides[sizeDim(dim, this.ndim)];
  }
  storageOffset(): number { if (arguments.length) parseArgs(DECL.storageOffset, arguments); return this.offset; }
  numel(): number { if (arguments.length) parseArgs(DECL.numel, arguments); return numel(this.shape); }
  isContiguous(): boolean { if (arguments.length) parseArgs(DECL.isContiguous, arguments); return isContiguous(this.shape, this.strides); }
  isFloatingPoint(): boolean { if (arguments.length) parseArgs(DECL.isFloatingPoint, arguments); return isFloating(this.dtype); }
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
  requiresGrad_(requiresGrad: boolean | { requiresGrad?: boolean } = true): this {
    if (typeof requiresGrad !== 'boolean' || arguments.length > 1) ({ requiresGrad } = parseArgs(DECL.requiresGrad_, arguments));
    this.requiresGrad = requiresGrad as boolean;
    return this;
  }

  // ---------------------------------------------------------------- autograd entry points

  /** `t.backward(gradient?, {retainGraph, createGraph, inputs})`. Needs `@flambeau/autograd`. */
  backward(gradient?: Tensor | null | (BackwardOptions & { gradient?: Tensor | null }), opts?: BackwardOptions): void {
    if (arguments.length === 0) { hooks().backward(this, undefined, {}); return; }
    const o = parseArgs(DECL.backward, arguments);
    hooks().backward(this, o.gradient ?? undefined, { retainGraph: o.retainGraph ?? undefined, createGraph: o.createGraph, inputs: o.inputs ?? undefined });
  }
  /** `t.retain_grad()`: keep `.grad` on a non-leaf tensor. */
  retainGrad(): void { if (arguments.length) parseArgs(DECL.retainGrad, arguments); hooks().retainGrad(this); }
  /** `t.register_hook(fn)`: fn(grad) may return a replacement; returns a remover. */
  registerHook(hook: (grad: Tensor) => Tensor | void): () => void {
    if (typeof hook !== 'function' || arguments.length !== 1) ({ hook } = parseArgs(DECL.registerHook, arguments));
    return hooks().registerHook(this, hook);
  }
  /** A view that shares storage but not history (`t.detach()`). */
  detach(): Tensor { if (arguments.length) parseArgs(DECL.detach, arguments); return dispatch1('detach', [this]); }
  /** Detaches in place: drops history and requiresGrad. */
  detach_(): this {
    if (arguments.length) parseArgs(DECL.detach_, arguments);
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
    if (arguments.length) parseArgs(DECL.item, arguments);
    this.checkItem();
    return scalarOf((await this.dataAsync())[0], this.dtype) as number;
  }
  itemSync(): number {
    this.checkItem();
    return scalarOf(this.dataSync()[0], this.dtype) as number;
  }
  /** Nested arrays (`t.tolist()`); bools come back as `true`/`false`. */
  async tolist(): Promise<NestedArray> { if (arguments.length) parseArgs(DECL.tolist, arguments); return toNested(await this.dataAsync(), this.shape, this.dtype); }
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
  to(dtype: DTypeLike): Tensor;
  to(...args: Args<[device: DeviceLike | null, dtype: DTypeLike | null, nonBlocking: boolean, copy: boolean], ToOptions>): Tensor;
  to(...args: unknown[]): Tensor {
    // `to(dtype)` is its own overload in PyTorch; the rest binds `to(device, dtype, non_blocking, copy)`.
    const o = (args.length === 1 && isDTypeLike(args[0]) ? { dtype: args[0], device: null, copy: false } : parseArgs(DECL.to, args)) as { device: DeviceLike | null; dtype: DTypeLike | null; copy: boolean };
    const dtype = o.dtype == null ? undefined : toDType(o.dtype);
    let t: Tensor = this;
    if (dtype !== undefined && dtype !== t.dtype) t = dispatch1('cast', [t], { dtype });
    if (o.device != null && Device.of(o.device) !== t.device) t = dispatch1('toDevice', [t], { device: String(o.device) });
    if (o.copy && t === this) t = this.clone();
    return t;
  }
  float(): Tensor { if (arguments.length) parseArgs(DECL.float, arguments); return this.to('float32'); }
  double(): Tensor { if (arguments.length) parseArgs(DECL.double, arguments); return this.to('float64'); }
  /** `tensor.half()`: a float16 copy (`torch.float16`); on the CPU its values read back as float32 numbers. */
  half(): Tensor { if (arguments.length) parseArgs(DECL.half, arguments); return this.to('float16'); }
  int(): Tensor { if (arguments.length) parseArgs(DECL.int, arguments); return this.to('int32'); }
  long(): Tensor { if (arguments.length) parseArgs(DECL.long, arguments); return this.to('int64'); }
  bool(): Tensor { if (arguments.length) parseArgs(DECL.bool, arguments); return this.to('bool'); }
  byte(): Tensor { if (arguments.length) parseArgs(DECL.byte, arguments); return this.to('uint8'); }
  cpu(): Tensor { if (arguments.length) parseArgs(DECL.cpu, arguments); return this.to({ device: 'cpu' }); }
  /**
   * `t.to(device)` for any source device, reading asynchronously: the way off a device without
   * synchronous reads (WebGPU), and device to device.
   *
   * @example const host = await gpuTensor.toAsync('cpu');
   */
  async toAsync(target: DeviceLike | { device?: DeviceLike; dtype?: DTypeLike }): Promise<Tensor> {
    const o: { device?: DeviceLike | null; dtype?: DTypeLike | null } = typeof target === 'string' || target instanceof Device ? { device: target } : parseArgs(TO_ASYNC, [target]);
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
  type(dtype?: DTypeLike | string | null): Tensor | string {
    if (arguments.length > 1 || (dtype != null && typeof dtype === 'object' && !isDTypeLike(dtype))) ({ dtype } = parseArgs(DECL.type, arguments));
    if (dtype == null) return `torch.${dtypeTitle(this.dtype)}Tensor`;
    if (isDTypeLike(dtype)) return this.to(dtype);
    const named = DTYPES.find((d) => dtype === `torch.${dtypeTitle(d)}Tensor`);
    if (!named) throw new ValueError(`invalid type: '${dtype}'`);
    return this.to(named);
  }

  // ---------------------------------------------------------------- views

  view(...shape: ShapeArg | [{ size: readonly number[] }]): Tensor { return dispatch1('view', [this], { shape: sizeArgs(DECL.view, shape) }); }
  viewAs(other: Tensor): Tensor { if (!(other instanceof Tensor) || arguments.length !== 1) ({ other } = parseArgs(DECL.viewAs, arguments)); return this.view(other.shape as number[]); }
  /** A view when the strides allow it, else a copy (`t.reshape`). */
  reshape(...shape: ShapeArg | [{ shape: readonly number[] }]): Tensor { return dispatch1('reshape', [this], { shape: sizeArgs(DECL.reshape, shape) }); }
  reshapeAs(other: Tensor): Tensor { if (!(other instanceof Tensor) || arguments.length !== 1) ({ other } = parseArgs(DECL.reshapeAs, arguments)); return this.reshape(other.shape as number[]); }
  permute(...dims: ShapeArg | [{ dims: readonly number[] }]): Tensor { return dispatch1('permute', [this], { dims: sizeArgs(DECL.permute, dims) }); }
  transpose(dim0: number, dim1: number): Tensor {
    if (arguments.length !== 2 || typeof dim0 !== 'number' || typeof dim1 !== 'number') ({ dim0, dim1 } = parseArgs(DECL.transpose, arguments));
    return dispatch1('transpose', [this], { dim0, dim1 });
  }
  swapaxes(axis0: number, axis1: number): Tensor {
    if (arguments.length !== 2 || typeof axis0 !== 'number') ({ axis0, axis1 } = parseArgs(DECL.swapaxes, arguments));
    return this.transpose(axis0, axis1);
  }
  /** `t.t()`: transpose of a ≤2-D tensor. */
  t(): Tensor {
    if (arguments.length) parseArgs(DECL.t, arguments);
    if (this.ndim > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${this.ndim}D`);
    return this.ndim < 2 ? this.view(this.shape as number[]) : this.transpose(0, 1);
  }
  /** `t.mT`: transpose of the last two dims. */
  get mT(): Tensor { return this.transpose(-2, -1); }
  get T(): Tensor { return this.permute([...this.shape.keys()].reverse()); }
  movedim(source: number, destination: number): Tensor {
    if (arguments.length !== 2 || typeof source !== 'number') ({ source, destination } = parseArgs(DECL.movedim, arguments));
    const s = normDim(source, this.ndim);
    const d = normDim(destination, this.ndim);
    const order = [...this.shape.keys()].filter((i) => i !== s);
    order.splice(d, 0, s);
    return this.permute(order);
  }
  expand(...shape: ShapeArg | [{ size: readonly number[] }]): Tensor { return dispatch1('expand', [this], { shape: sizeArgs(DECL.expand, shape) }); }
  expandAs(other: Tensor): Tensor { if (!(other instanceof Tensor) || arguments.length !== 1) ({ other } = parseArgs(DECL.expandAs, arguments)); return this.expand(other.shape as number[]); }
  broadcastTo(...shape: ShapeArg | [{ size: readonly number[] }]): Tensor { return this.expand(sizeArgs(DECL.broadcastTo, shape)); }
  squeeze(...args: Args<[dim: Dims | null], { dim?: Dims | null }>): Tensor { return dispatch1('squeeze', [this], parseArgs(DECL.squeeze, args)); }
  unsqueeze(dim: number): Tensor {
    if (arguments.length !== 1 || typeof dim !== 'number') ({ dim } = parseArgs(DECL.unsqueeze, arguments));
    return dispatch1('unsqueeze', [this], { dim });
  }
  flatten(...args: Args<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>): Tensor { return dispatch1('flatten', [this], parseArgs(DECL.flatten, args)); }
  unflatten(...args: Args<[dim: number, sizes: readonly number[]], { dim?: number; sizes?: readonly number[] }>): Tensor {
    const { dim, sizes } = parseArgs(DECL.unflatten, args);
    return dispatch1('unflatten', [this], { dim, sizes: typeof sizes === 'number' ? [sizes] : [...sizes] });
  }
  /** `t.narrow(dim, start, length)`. */
  narrow(...args: Args<[dim: number, start: number, length: number], { dim?: number; start?: number; length?: number }>): Tensor {
    const { dim, start, length } = parseArgs(DECL.narrow, args);
    return dispatch1('slice', [this], { dim, start, stop: start + length, step: 1, narrow: true });
  }
  /** `t.select(dim, index)`: removes `dim`. */
  select(...args: Args<[dim: number, index: number], { dim?: number; index?: number }>): Tensor { return dispatch1('select', [this], parseArgs(DECL.select, args)); }
  /** `t.unfold(dimension, size, step)`: sliding windows as a new last dim. */
  unfold(...args: Args<[dimension: number, size: number, step: number], { dimension?: number; size?: number; step?: number }>): Tensor {
    const { dimension, size, step } = parseArgs(DECL.unfold, args);
    return dispatch1('unfold', [this], { dim: dimension, size, step });
  }
  asStrided(...args: Args<[size: readonly number[], stride: readonly number[], storageOffset: number | null], { size?: readonly number[]; stride?: readonly number[]; storageOffset?: number | null }>): Tensor {
    const { size, stride, storageOffset } = parseArgs(DECL.asStrided, args);
    return dispatch1('asStrided', [this], { size: [...size], stride: [...stride], storageOffset: storageOffset ?? this.offset });
  }
  diagonal(...args: Args<[offset: number, dim1: number, dim2: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor { return dispatch1('diagonal', [this], parseArgs(DECL.diagonal, args)); }
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
  newFull(size: readonly number[], fillValue: number | boolean, opts?: NewOptions): Tensor { return this.newFilled(DECL.newFull, arguments); }
  /** `t.new_zeros(size, *, dtype=None, device=None, requires_grad=False)`. @example x.newZeros([2, 3]) */
  newZeros(size: readonly number[], opts?: NewOptions): Tensor { return this.newFilled(DECL.newZeros, arguments, 0); }
  /** `t.new_ones(size, *, dtype=None, device=None, requires_grad=False)`. @example x.newOnes([2, 3]) */
  newOnes(size: readonly number[], opts?: NewOptions): Tensor { return this.newFilled(DECL.newOnes, arguments, 1); }
  /** `t.new_empty(size, *, dtype=None, device=None, requires_grad=False)`: zero-filled here (JavaScript memory is never uninitialised). */
  newEmpty(size: readonly number[], opts?: NewOptions): Tensor { return this.newFilled(DECL.newEmpty, arguments, 0); }
  private newFilled(decl: Declaration, args: ArrayLike<unknown>, value?: number): Tensor {
    const o = parseArgs(decl, args);
    const out = dispatch1('full', [], { shape: typeof o.size === 'number' ? [o.size] : [...(o.size as number[])], value: value ?? o.fillValue, dtype: o.dtype ?? this.dtype, device: String(o.device ?? this.device) });
    if (o.requiresGrad) out.requiresGrad = true;
    return out;
  }
  /**
   * Python indexing `x[...]`: `x.index(0, slice(1, 3), null, '...', mask)`. Basic items give a view;
   * one tensor item (bool mask or int64 indices) gives a copy, as in PyTorch.
   */
  index(...items: IndexItem[]): Tensor { return dispatch1('index', [this, ...tensorItems(items)], { items: encodeItems(items) }); }
  /** `x[...] = value` in place (`index_put_` / slice assignment). */
  indexPut_(...args: [indices: IndexItem[], values: TensorOrScalar] | [{ indices: IndexItem[]; values: TensorOrScalar }]): this {
    const { indices: items, values } = parseArgs(DECL.indexPut_, args) as { indices: IndexItem[]; values: TensorOrScalar };
    const v = this.asTensorLike(values);
    dispatch('indexPut_', [this, v, ...tensorItems(items)], { items: encodeItems(items) });
    return this;
  }
  /** A dense copy when not contiguous (`t.contiguous()`), else `this`. */
  contiguous(): Tensor { if (arguments.length) parseArgs(DECL.contiguous, arguments); return this.isContiguous() ? this : dispatch1('contiguous', [this]); }
  clone(): Tensor { if (arguments.length) parseArgs(DECL.clone, arguments); return dispatch1('clone', [this]); }

  // ---------------------------------------------------------------- elementwise

  /** `a + alpha * b` (`torch.add(a, b, *, alpha=1)`): `x.add(y)`, `x.add(y, { alpha: 2 })`. */
  add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    let alpha = 1;
    if (arguments.length !== 1 || !isOperand(other)) ({ other, alpha } = parseArgs(DECL.add, arguments));
    return this.binary('add', withAlpha(other, alpha));
  }
  /** `a - alpha * b` (`torch.sub(a, b, *, alpha=1)`). */
  sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor {
    let alpha = 1;
    if (arguments.length !== 1 || !isOperand(other)) ({ other, alpha } = parseArgs(DECL.sub, arguments));
    if (this.dtype === 'bool' && (other instanceof Tensor ? other.dtype === 'bool' : typeof other === 'boolean')) {
      throw new RuntimeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
    }
    return this.binary('sub', withAlpha(other, alpha));
  }
  /** `rsub`: `other - this` (`torch.rsub`). */
  rsub(other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? other.sub(this) : dispatch1('sub', [this], { scalar: checkScalar(other), reverse: true });
  }
  mul(other: TensorOrScalar): Tensor {
    if (arguments.length !== 1 || !isOperand(other)) ({ other } = parseArgs(DECL.mul, arguments));
    return this.binary('mul', other);
  }
  /** True division; `roundingMode` 'trunc' or 'floor' as in `torch.div(a, b, *, rounding_mode=None)`. */
  div(other: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    let roundingMode: 'trunc' | 'floor' | null = null;
    if (arguments.length !== 1 || !isOperand(other)) ({ other, roundingMode } = parseArgs(DECL.div, arguments));
    if (roundingMode === 'floor') return this.binary('floorDivide', other);
    const q = this.binary('div', other);
    return roundingMode === 'trunc' ? q.trunc().to(this.resultDtype(other)) : q;
  }
  /** `t.true_divide(other)`: `div` without rounding. */
  trueDivide(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('div', other) : this.binaryParsed('trueDivide', arguments); }
  floorDivide(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('floorDivide', other) : this.binaryParsed('floorDivide', arguments); }
  remainder(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('remainder', other) : this.binaryParsed('remainder', arguments); }
  fmod(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('fmod', other) : this.binaryParsed('fmod', arguments); }
  pow(exponent: TensorOrScalar): Tensor {
    if (arguments.length !== 1 || !isOperand(exponent)) ({ exponent } = parseArgs(DECL.pow, arguments));
    return this.binary('pow', exponent);
  }
  atan2(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('atan2', other) : this.binaryParsed('atan2', arguments); }
  maximum(other: Tensor): Tensor {
    if (arguments.length !== 1 || !(other instanceof Tensor)) ({ other } = parseArgs(DECL.maximum, arguments));
    return this.binary('maximum', other);
  }
  minimum(other: Tensor): Tensor {
    if (arguments.length !== 1 || !(other instanceof Tensor)) ({ other } = parseArgs(DECL.minimum, arguments));
    return this.binary('minimum', other);
  }
  eq(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('eq', other) : this.binaryParsed('eq', arguments); }
  ne(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('ne', other) : this.binaryParsed('ne', arguments); }
  lt(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('lt', other) : this.binaryParsed('lt', arguments); }
  le(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('le', other) : this.binaryParsed('le', arguments); }
  gt(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('gt', other) : this.binaryParsed('gt', arguments); }
  ge(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('ge', other) : this.binaryParsed('ge', arguments); }
  logicalAnd(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('logicalAnd', other) : this.binaryParsed('logicalAnd', arguments); }
  logicalOr(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('logicalOr', other) : this.binaryParsed('logicalOr', arguments); }
  logicalXor(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('logicalXor', other) : this.binaryParsed('logicalXor', arguments); }
  bitwiseAnd(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('bitwiseAnd', other) : this.binaryParsed('bitwiseAnd', arguments); }
  bitwiseOr(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('bitwiseOr', other) : this.binaryParsed('bitwiseOr', arguments); }
  bitwiseXor(other: TensorOrScalar): Tensor { return arguments.length === 1 && isOperand(other) ? this.binary('bitwiseXor', other) : this.binaryParsed('bitwiseXor', arguments); }
  /** `torch.equal`: same shape and same values. */
  equal(other: Tensor): boolean {
    if (arguments.length !== 1 || !(other instanceof Tensor)) ({ other } = parseArgs(DECL.equal, arguments));
    if (this.shape.length !== other.shape.length || this.shape.some((s, i) => s !== other.shape[i])) return false;
    return Boolean(this.eq(other).all().itemSync());
  }
  /** `torch.allclose(a, b, rtol=1e-5, atol=1e-8, equal_nan=False)`. */
  allclose(...args: Args<[other: Tensor, rtol: number, atol: number, equalNan: boolean], { other?: Tensor; rtol?: number; atol?: number; equalNan?: boolean }>): boolean {
    const { other, rtol, atol, equalNan } = parseArgs(DECL.allclose, args);
    return Boolean(this.isclose(other, rtol, atol, equalNan).all().itemSync());
  }
  isclose(...args: Args<[other: Tensor, rtol: number, atol: number, equalNan: boolean], { other?: Tensor; rtol?: number; atol?: number; equalNan?: boolean }>): Tensor {
    const a = parseArgs(DECL.isclose, args);
    return dispatch1('isclose', [this, a.other], a);
  }

  neg(): Tensor { return arguments.length ? this.unaryParsed('neg', arguments) : this.unary('neg'); }
  negative(): Tensor { if (arguments.length) parseArgs(DECL.negative, arguments); return this.neg(); }
  abs(): Tensor { return arguments.length ? this.unaryParsed('abs', arguments) : this.unary('abs'); }
  sign(): Tensor { return arguments.length ? this.unaryParsed('sign', arguments) : this.unary('sign'); }
  exp(): Tensor { return arguments.length ? this.unaryParsed('exp', arguments) : this.unary('exp'); }
  exp2(): Tensor { return arguments.length ? this.unaryParsed('exp2', arguments) : this.unary('exp2'); }
  expm1(): Tensor { return arguments.length ? this.unaryParsed('expm1', arguments) : this.unary('expm1'); }
  log(): Tensor { return arguments.length ? this.unaryParsed('log', arguments) : this.unary('log'); }
  log2(): Tensor { return arguments.length ? this.unaryParsed('log2', arguments) : this.unary('log2'); }
  log10(): Tensor { return arguments.length ? this.unaryParsed('log10', arguments) : this.unary('log10'); }
  log1p(): Tensor { return arguments.length ? this.unaryParsed('log1p', arguments) : this.unary('log1p'); }
  sqrt(): Tensor { return arguments.length ? this.unaryParsed('sqrt', arguments) : this.unary('sqrt'); }
  rsqrt(): Tensor { return arguments.length ? this.unaryParsed('rsqrt', arguments) : this.unary('rsqrt'); }
  square(): Tensor { return arguments.length ? this.unaryParsed('square', arguments) : this.unary('square'); }
  sin(): Tensor { return arguments.length ? this.unaryParsed('sin', arguments) : this.unary('sin'); }
  cos(): Tensor { return arguments.length ? this.unaryParsed('cos', arguments) : this.unary('cos'); }
  tan(): Tensor { return arguments.length ? this.unaryParsed('tan', arguments) : this.unary('tan'); }
  asin(): Tensor { return arguments.length ? this.unaryParsed('asin', arguments) : this.unary('asin'); }
  acos(): Tensor { return arguments.length ? this.unaryParsed('acos', arguments) : this.unary('acos'); }
  atan(): Tensor { return arguments.length ? this.unaryParsed('atan', arguments) : this.unary('atan'); }
  sinh(): Tensor { return arguments.length ? this.unaryParsed('sinh', arguments) : this.unary('sinh'); }
  cosh(): Tensor { return arguments.length ? this.unaryParsed('cosh', arguments) : this.unary('cosh'); }
  tanh(): Tensor { return arguments.length ? this.unaryParsed('tanh', arguments) : this.unary('tanh'); }
  asinh(): Tensor { return arguments.length ? this.unaryParsed('asinh', arguments) : this.unary('asinh'); }
  acosh(): Tensor { return arguments.length ? this.unaryParsed('acosh', arguments) : this.unary('acosh'); }
  atanh(): Tensor { return arguments.length ? this.unaryParsed('atanh', arguments) : this.unary('atanh'); }
  sigmoid(): Tensor { return arguments.length ? this.unaryParsed('sigmoid', arguments) : this.unary('sigmoid'); }
  relu(): Tensor { return arguments.length ? this.unaryParsed('relu', arguments) : this.unary('relu'); }
  floor(): Tensor { return arguments.length ? this.unaryParsed('floor', arguments) : this.unary('floor'); }
  ceil(): Tensor { return arguments.length ? this.unaryParsed('ceil', arguments) : this.unary('ceil'); }
  /** Round half to even, as `torch.round`. */
  round(): Tensor { return arguments.length ? this.unaryParsed('round', arguments) : this.unary('round'); }
  trunc(): Tensor { return arguments.length ? this.unaryParsed('trunc', arguments) : this.unary('trunc'); }
  frac(): Tensor { return arguments.length ? this.unaryParsed('frac', arguments) : this.unary('frac'); }
  reciprocal(): Tensor { return arguments.length ? this.unaryParsed('reciprocal', arguments) : this.unary('reciprocal'); }
  erf(): Tensor { return arguments.length ? this.unaryParsed('erf', arguments) : this.unary('erf'); }
  erfc(): Tensor { return arguments.length ? this.unaryParsed('erfc', arguments) : this.unary('erfc'); }
  logicalNot(): Tensor { return arguments.length ? this.unaryParsed('logicalNot', arguments) : this.unary('logicalNot'); }
  bitwiseNot(): Tensor { return arguments.length ? this.unaryParsed('bitwiseNot', arguments) : this.unary('bitwiseNot'); }
  isnan(): Tensor { return arguments.length ? this.unaryParsed('isnan', arguments) : this.unary('isnan'); }
  isinf(): Tensor { return arguments.length ? this.unaryParsed('isinf', arguments) : this.unary('isinf'); }
  isfinite(): Tensor { return arguments.length ? this.unaryParsed('isfinite', arguments) : this.unary('isfinite'); }

  /** `torch.clamp(x, min, max)`; either bound may be null. */
  clamp(...args: ClampArgs): Tensor {
    const { min, max } = parseArgs(DECL.clamp, args) as { min: number | null; max: number | null };
    if (min === null && max === null) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
    return dispatch1('clamp', [this], { min, max });
  }
  clip(...args: ClampArgs): Tensor {
    const { min, max } = parseArgs(DECL.clip, args) as { min: number | null; max: number | null };
    return this.clamp(min, max);
  }
  /** `torch.where(cond, this, other)`, i.e. `this.where(cond, other)` as in PyTorch's method form. */
  where(...args: Args<[condition: Tensor, other: TensorOrScalar], { condition?: Tensor; other?: TensorOrScalar }>): Tensor {
    const { condition, other } = parseArgs(DECL.where, args);
    return other instanceof Tensor ? dispatch1('where', [condition, this, other]) : dispatch1('where', [condition, this], { otherScalar: checkScalar(other) });
  }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    if (arguments.length !== 2 || !(mask instanceof Tensor) || !isOperand(value)) ({ mask, value } = parseArgs(DECL.maskedFill, arguments));
    if (mask.dtype !== 'bool') throw new RuntimeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${dtypeTitle(mask.dtype)}`);
    return value instanceof Tensor ? dispatch1('maskedFill', [this, mask, value]) : dispatch1('maskedFill', [this, mask], { scalar: checkScalar(value) });
  }
  /** `self + value * t1 * t2` (`addcmul(tensor1, tensor2, *, value=1)`). */
  addcmul(...args: AddcArgs): Tensor {
    const { tensor1, tensor2, value } = parseArgs(DECL.addcmul, args);
    const p = (tensor1 as Tensor).mul(tensor2);
    return this.add(value === 1 ? p : p.mul(value));
  }
  /** `self + value * t1 / t2` (`addcdiv(tensor1, tensor2, *, value=1)`). */
  addcdiv(...args: AddcArgs): Tensor {
    const { tensor1, tensor2, value } = parseArgs(DECL.addcdiv, args);
    const q = (tensor1 as Tensor).div(tensor2);
    return this.add(value === 1 ? q : q.mul(value));
  }
  /** `self + weight * (end - self)`. */
  lerp(end: Tensor, weight: TensorOrScalar): Tensor {
    if (arguments.length !== 2 || !(end instanceof Tensor) || !isOperand(weight)) ({ end, weight } = parseArgs(DECL.lerp, arguments));
    return this.add(end.sub(this).mul(weight));
  }

  // ---------------------------------------------------------------- in place

  /** Copies `src` (broadcast, cast) into this tensor's elements. */
  copy_(src: TensorOrScalar): this {
    if (arguments.length !== 1 || !isOperand(src)) ({ src } = parseArgs(DECL.copy_, arguments));
    if (src instanceof Tensor) dispatch('copy_', [this, src]);
    else dispatch('copy_', [this], { scalar: checkScalar(src) });
    return this;
  }
  fill_(value: TensorOrScalar): this {
    if (arguments.length !== 1 || !isOperand(value)) ({ value } = parseArgs(DECL.fill_, arguments));
    if (value instanceof Tensor && value.ndim !== 0) {
      throw new RuntimeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
    }
    return this.copy_(value);
  }
  zero_(): this { if (arguments.length) parseArgs(DECL.zero_, arguments); return this.fill_(0); }
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
  add_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    let alpha = 1;
    if (arguments.length !== 1 || !isOperand(other)) ({ other, alpha } = parseArgs(DECL.add_, arguments));
    const o = withAlpha(other, alpha);
    return this.inplace(writeInto(this, () => this.add(o)));
  }
  sub_(other: TensorOrScalar, opts?: { alpha?: number }): this {
    let alpha = 1;
    if (arguments.length !== 1 || !isOperand(other)) ({ other, alpha } = parseArgs(DECL.sub_, arguments));
    const o = withAlpha(other, alpha);
    return this.inplace(writeInto(this, () => this.sub(o)));
  }
  mul_(other: TensorOrScalar): this {
    if (arguments.length !== 1 || !isOperand(other)) ({ other } = parseArgs(DECL.mul_, arguments));
    return this.inplace(writeInto(this, () => this.mul(other)));
  }
  div_(other: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): this {
    let roundingMode: 'trunc' | 'floor' | null = null;
    if (arguments.length !== 1 || !isOperand(other)) ({ other, roundingMode } = parseArgs(DECL.div_, arguments));
    const rounding = { roundingMode };
    return this.inplace(roundingMode === 'trunc' ? this.div(other, rounding) : writeInto(this, () => this.div(other, rounding)));
  }
  pow_(exponent: TensorOrScalar): this {
    if (arguments.length !== 1 || !isOperand(exponent)) ({ exponent } = parseArgs(DECL.pow_, arguments));
    return this.inplace(writeInto(this, () => this.pow(exponent)));
  }
  neg_(): this { if (arguments.length) parseArgs(DECL.neg_, arguments); return this.inplace(writeInto(this, () => this.neg())); }
  abs_(): this { if (arguments.length) parseArgs(DECL.abs_, arguments); return this.inplace(writeInto(this, () => this.abs())); }
  exp_(): this { if (arguments.length) parseArgs(DECL.exp_, arguments); return this.inplace(writeInto(this, () => this.exp())); }
  log_(): this { if (arguments.length) parseArgs(DECL.log_, arguments); return this.inplace(writeInto(this, () => this.log())); }
  sqrt_(): this { if (arguments.length) parseArgs(DECL.sqrt_, arguments); return this.inplace(writeInto(this, () => this.sqrt())); }
  sigmoid_(): this { if (arguments.length) parseArgs(DECL.sigmoid_, arguments); return this.inplace(writeInto(this, () => this.sigmoid())); }
  tanh_(): this { if (arguments.length) parseArgs(DECL.tanh_, arguments); return this.inplace(writeInto(this, () => this.tanh())); }
  relu_(): this { if (arguments.length) parseArgs(DECL.relu_, arguments); return this.inplace(writeInto(this, () => this.relu())); }
  clamp_(...args: ClampArgs): this { const { min, max } = parseArgs(DECL.clamp_, args); return this.inplace(this.clamp(min, max)); }
  clip_(...args: ClampArgs): this { const { min, max } = parseArgs(DECL.clip_, args); return this.inplace(this.clip(min, max)); }
  maskedFill_(mask: Tensor, value: TensorOrScalar): this {
    if (arguments.length !== 2 || !(mask instanceof Tensor) || !isOperand(value)) ({ mask, value } = parseArgs(DECL.maskedFill_, arguments));
    return this.inplace(this.maskedFill(mask, value));
  }
  addcmul_(...args: AddcArgs): this {
    const { tensor1, tensor2, value } = parseArgs(DECL.addcmul_, args);
    return this.inplace(this.addcmul(tensor1, tensor2, { value }));
  }
  addcdiv_(...args: AddcArgs): this {
    const { tensor1, tensor2, value } = parseArgs(DECL.addcdiv_, args);
    return this.inplace(this.addcdiv(tensor1, tensor2, { value }));
  }
  lerp_(end: Tensor, weight: TensorOrScalar): this {
    if (arguments.length !== 2 || !(end instanceof Tensor) || !isOperand(weight)) ({ end, weight } = parseArgs(DECL.lerp_, arguments));
    return this.inplace(this.lerp(end, weight));
  }
  /** In-place `maximum` (Flambeau's; PyTorch has only the out-of-place one): `this = maximum(this, other)`. */
  maximum_(other: Tensor): this { return this.inplace(this.maximum(other)); }
  floor_(): this { if (arguments.length) parseArgs(DECL.floor_, arguments); return this.inplace(writeInto(this, () => this.floor())); }
  round_(): this { if (arguments.length) parseArgs(DECL.round_, arguments); return this.inplace(writeInto(this, () => this.round())); }
  reciprocal_(): this { if (arguments.length) parseArgs(DECL.reciprocal_, arguments); return this.inplace(writeInto(this, () => this.reciprocal())); }
  /** Fills with U(from, to) (`t.uniform_(from=0, to=1, *, generator=None)`). */
  uniform_(...args: Args<[from: number, to: number], { from?: number; to?: number; generator?: Generator | null }>): this {
    const { from, to, generator } = parseArgs(DECL.uniform_, args);
    return this.randomFill('uniform', from, to, generator);
  }
  /** Fills with N(mean, std²) (`t.normal_(mean=0, std=1, *, generator=None)`). */
  normal_(...args: Args<[mean: number, std: number], { mean?: number; std?: number; generator?: Generator | null }>): this {
    const { mean, std, generator } = parseArgs(DECL.normal_, args);
    return this.randomFill('normal', mean, std, generator);
  }
  /**
   * `t.bernoulli(*, generator=None)`: one 0/1 draw per element, this tensor holding the
   * probabilities. PyTorch draws one uniform of this precision per element, so `rand_like(p) < p`
   * is the same stream; the range check runs on the device.
   *
   * @example torch.tensor([0, 0.5, 1]).bernoulli() // [0, 0 or 1, 1]
   */
  bernoulli(...args: [] | [{ generator?: Generator | null }]): Tensor {
    const { generator } = parseArgs(DECL.bernoulli, args);
    deviceCheck(this.ge(0).logicalAnd(this.le(1)).all(), () => new RuntimeError('Expected p_in >= 0 && p_in <= 1 to be true'));
    const u = this.newEmpty(this.shape);
    dispatch('randomFill_', [u], { kind: 'uniform', a: 0, b: 1, generator: generator ?? undefined });
    return u.lt(this).to(this.dtype);
  }
  /** Fills with Bernoulli(p) draws (`t.bernoulli_(p=0.5, *, generator=None)`). */
  bernoulli_(...args: Args<[p: number], { p?: number; generator?: Generator | null }>): this {
    const { p, generator } = parseArgs(DECL.bernoulli_, args);
    return this.randomFill('bernoulli', p, 0, generator);
  }
  /** Fills with integers in [from, to) (`t.random_(from, to, *, generator=None)`). */
  random_(...args: [from: number, to: number, opts?: { generator?: Generator | null }] | [{ from: number; to: number; generator?: Generator | null }]): this {
    const { from, to, generator } = parseArgs(DECL.random_, args);
    return this.randomFill('randint', from, to, generator);
  }
  /** Fills with Exp(lambd) draws (`t.exponential_(lambd=1, *, generator=None)`). */
  exponential_(...args: Args<[lambd: number], { lambd?: number; generator?: Generator | null }>): this {
    const { lambd, generator } = parseArgs(DECL.exponential_, args);
    return this.randomFill('exponential', lambd, 0, generator);
  }
  private randomFill(kind: string, a: number, b: number, generator: Generator | null): this {
    dispatch('randomFill_', [this], { kind, a, b, generator: generator ?? undefined });
    return this;
  }
  /**
   * `t.multinomial(num_samples, replacement=False, *, generator=None)`: category indices (int64)
   * drawn from each row of non-negative weights, as PyTorch's CPU kernel draws them.
   *
   * @example torch.manualSeed(0); torch.tensor([0.1, 0.6, 0.3]).multinomial(4, { replacement: true })
   */
  multinomial(...args: Args<[numSamples: number, replacement: boolean], { numSamples?: number; replacement?: boolean; generator?: Generator | null }>): Tensor {
    const a = parseArgs(DECL.multinomial, args);
    return dispatch1('multinomial', [this], { ...a, generator: a.generator ?? undefined });
  }

  // ---------------------------------------------------------------- reductions

  /** `t.sum(dim=None, keepdim=False, dtype=None)`: `x.sum([1, 3], true)` or `x.sum(1, { keepdim: true })`. */
  sum(...args: ReduceArgs): Tensor { return dispatch1('sum', [this], args.length === 0 ? { dim: null, keepdim: false, dtype: null } : parseArgs(DECL.sum, args)); }
  mean(...args: ReduceArgs): Tensor { return dispatch1('mean', [this], args.length === 0 ? { dim: null, keepdim: false, dtype: null } : parseArgs(DECL.mean, args)); }
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
  /** `t.norm(p='fro', dim=None, keepdim=False, dtype=None)`; p may be a number, Infinity, -Infinity or 'fro' (the 2-norm of the flattened elements). */
  norm(...args: Args<[p: number | 'fro', dim: Dims | null, keepdim: boolean, dtype: DTypeLike | null], { p?: number | 'fro'; dim?: Dims | null; keepdim?: boolean; dtype?: DTypeLike | null }>): Tensor {
    const { p, dim, keepdim, dtype } = parseArgs(DECL.norm, args);
    if (typeof p === 'string' && p !== 'fro') throw new RuntimeError(`norm(): unsupported p '${p}'`);
    return dispatch1('norm', [dtype ? this.to(dtype) : this], { p: p === 'fro' ? 2 : p, dim, keepdim });
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
  matmul(other: Tensor): Tensor {
    if (arguments.length !== 1 || !(other instanceof Tensor)) ({ other } = parseArgs(DECL.matmul, arguments));
    return dispatch1('matmul', [this, other]);
  }
  mm(mat2: Tensor): Tensor {
    if (arguments.length !== 1 || !(mat2 instanceof Tensor)) ({ mat2 } = parseArgs(DECL.mm, arguments));
    if (this.ndim !== 2) throw new RuntimeError(`self must be a matrix`);
    if (mat2.ndim !== 2) throw new RuntimeError(`mat2 must be a matrix`);
    return this.matmul(mat2);
  }
  bmm(mat2: Tensor): Tensor {
    if (arguments.length !== 1 || !(mat2 instanceof Tensor)) ({ mat2 } = parseArgs(DECL.bmm, arguments));
    if (this.ndim !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
    if (mat2.ndim !== 3) throw new RuntimeError(`batch2 must be a 3D tensor`);
    if (this.shape[0] !== mat2.shape[0]) {
      throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${this.shape[0]}, ${this.shape[2]}] but got: [${mat2.shape[0]}, ${mat2.shape[1]}].`);
    }
    return this.matmul(mat2);
  }
  mv(vec: Tensor): Tensor {
    if (arguments.length !== 1 || !(vec instanceof Tensor)) ({ vec } = parseArgs(DECL.mv, arguments));
    if (this.ndim !== 2 || vec.ndim !== 1) throw new RuntimeError(`vector + matrix @ vector expected, got ${this.ndim}, ${vec.ndim}`);
    return this.matmul(vec);
  }
  dot(tensor: Tensor): Tensor {
    if (arguments.length !== 1 || !(tensor instanceof Tensor)) ({ tensor } = parseArgs(DECL.dot, arguments));
    if (this.ndim !== 1 || tensor.ndim !== 1) throw new RuntimeError(`1D tensors expected, but got ${this.ndim}D and ${tensor.ndim}D tensors`);
    return this.matmul(tensor);
  }
  outer(vec2: Tensor): Tensor {
    if (arguments.length !== 1 || !(vec2 instanceof Tensor)) ({ vec2 } = parseArgs(DECL.outer, arguments));
    if (this.ndim !== 1 || vec2.ndim !== 1) throw new RuntimeError(`outer: expected 1D tensors, got ${this.ndim}D and ${vec2.ndim}D`);
    return this.unsqueeze(1).mul(vec2.unsqueeze(0));
  }

  // ---------------------------------------------------------------- indexing, joining, sorting

  split(...args: Args<[splitSize: number | readonly number[], dim: number], { splitSize?: number | readonly number[]; dim?: number }>): Tensor[] {
    const { splitSize, dim } = parseArgs(DECL.split, args);
    return dispatch('split', [this], { splitSize: typeof splitSize === 'number' ? splitSize : [...splitSize], dim }) as Tensor[];
  }
  chunk(...args: Args<[chunks: number, dim: number], { chunks?: number; dim?: number }>): Tensor[] {
    const { chunks, dim } = parseArgs(DECL.chunk, args) as { chunks: number; dim: number };
    if (!Number.isInteger(chunks) || chunks <= 0) throw new RuntimeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
    const size = this.shape[normDim(dim, this.ndim)];
    // An empty dim gives `chunks` empty pieces, as PyTorch's split_with_sizes([0] * chunks).
    if (size === 0) return this.split(new Array<number>(chunks).fill(0), dim);
    return this.split(Math.ceil(size / chunks), dim);
  }
  unbind(...args: Args<[dim: number], { dim?: number }>): Tensor[] {
    return dispatch('unbind', [this], parseArgs(DECL.unbind, args)) as Tensor[];
  }
  indexSelect(...args: Args<[dim: number, index: Tensor], { dim?: number; index?: Tensor }>): Tensor {
    const { dim, index } = parseArgs(DECL.indexSelect, args);
    return dispatch1('indexSelect', [this, index], { dim });
  }
  gather(...args: Args<[dim: number, index: Tensor], { dim?: number; index?: Tensor }>): Tensor {
    const { dim, index } = parseArgs(DECL.gather, args);
    return dispatch1('gather', [this, index], { dim });
  }
  /** Out-of-place `scatter(dim, index, src, *, reduce=None)`; `reduce: 'add'` as `scatter_add`. */
  scatter(...args: ScatterArgs): Tensor {
    const { dim, index, src, reduce } = parseArgs(DECL.scatter, args);
    return this.scattered(dim, index, src, reduce);
  }
  private scattered(dim: number, index: Tensor, src: TensorOrScalar, reduce: 'add' | null): Tensor {
    const s = src instanceof Tensor ? src : this.asTensorLike(src).expand(index.shape as number[]);
    return dispatch1('scatter', [this, index, s], { dim, reduce: reduce ?? 'none' });
  }
  scatterAdd(...args: Args<[dim: number, index: Tensor, src: Tensor], { dim?: number; index?: Tensor; src?: Tensor }>): Tensor {
    const { dim, index, src } = parseArgs(DECL.scatterAdd, args);
    return this.scattered(dim, index, src, 'add');
  }
  scatter_(...args: ScatterArgs): this {
    const { dim, index, src, reduce } = parseArgs(DECL.scatter_, args);
    return this.copy_(this.scattered(dim, index, src, reduce));
  }
  scatterAdd_(...args: Args<[dim: number, index: Tensor, src: Tensor], { dim?: number; index?: Tensor; src?: Tensor }>): this {
    const { dim, index, src } = parseArgs(DECL.scatterAdd_, args);
    return this.copy_(this.scattered(dim, index, src, 'add'));
  }
  indexAdd(...args: Args<[dim: number, index: Tensor, source: Tensor], { dim?: number; index?: Tensor; source?: Tensor; alpha?: number }>): Tensor {
    const { dim, index, source, alpha } = parseArgs(DECL.indexAdd, args);
    return dispatch1('indexAdd', [this, index, alpha === 1 ? source : (source as Tensor).mul(alpha)], { dim });
  }
  /** Elements at flat indices of the row-major tensor (`torch.take`). */
  take(index: Tensor): Tensor {
    if (arguments.length !== 1 || !(index instanceof Tensor)) ({ index } = parseArgs(DECL.take, arguments));
    const n = this.numel();
    if (index.numel() > 0) {
      const lo = index.amin();
      const hi = index.amax();
      deviceCheck(lo.ge(-n).logicalAnd(hi.lt(n)), ([l, h]) => new IndexError(`out of range: tried to access index ${h >= n ? h : l} on a tensor of ${n} elements.`), dispatch1('cat', [lo.reshape([1]), hi.reshape([1])], { dim: 0 }));
    }
    return this.reshape(-1).index(index);
  }
  maskedSelect(mask: Tensor): Tensor {
    if (arguments.length !== 1 || !(mask instanceof Tensor)) ({ mask } = parseArgs(DECL.maskedSelect, arguments));
    const shape = broadcastShapes(this.shape, mask.shape);
    return dispatch1('index', [this.expand(shape), mask.expand(shape)], { items: ['T'] });
  }
  /** Indices of non-zero elements, shape [n, ndim] (`torch.nonzero`). */
  nonzero(): Tensor { if (arguments.length) parseArgs(DECL.nonzero, arguments); return dispatch1('nonzero', [this]); }
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
  topk(...args: [k: number, ...rest: TopkArgs] | [{ k: number; dim?: number; largest?: boolean; sorted?: boolean }]): ValuesIndices {
    const a = parseArgs(DECL.topk, args);
    return valuesIndices(dispatch('topk', [this], { k: a.k, dim: a.dim, largest: a.largest }));
  }
  tril(...args: Args<[diagonal: number], { diagonal?: number }>): Tensor { return dispatch1('tril', [this], { diagonal: parseArgs(DECL.tril, args).diagonal, upper: false }); }
  triu(...args: Args<[diagonal: number], { diagonal?: number }>): Tensor { return dispatch1('tril', [this], { diagonal: parseArgs(DECL.triu, args).diagonal, upper: true }); }
  flip(...dims: ShapeArg | [{ dims: Dims }]): Tensor { return dispatch1('flip', [this], { dims: sizeArgs(DECL.flip, dims) }); }
  roll(...args: Args<[shifts: number | readonly number[], dims: number | readonly number[]], { shifts?: number | readonly number[]; dims?: number | readonly number[] }>): Tensor {
    const { shifts, dims } = parseArgs(DECL.roll, args);
    const d = typeof dims === 'number' ? [dims] : [...dims];
    return dispatch1('roll', [this], { shifts: typeof shifts === 'number' ? [shifts] : [...shifts], dims: d.length === 0 ? null : d });
  }
  /** `t.repeat(*repeats)`: tiles the tensor. */
  repeat(...repeats: ShapeArg | [{ repeats: readonly number[] }]): Tensor { return dispatch1('repeat', [this], { sizes: sizeArgs(DECL.repeat, repeats) }); }

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
  /** A unary method called with arguments: PyTorch's TypeError unless they are an empty options object. */
  private unaryParsed(op: UnaryMethod, args: ArrayLike<unknown>): Tensor {
    parseArgs(DECL[op], args);
    return this.unary(op);
  }
  /** A binary method called otherwise than with one tensor or number: bound by its declaration, then called plainly. */
  private binaryParsed(name: BinaryMethod, args: ArrayLike<unknown>): Tensor {
    const { other } = parseArgs(DECL[name], args);
    return (this[name] as (other: TensorOrScalar) => Tensor)(other);
  }
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

/** `t.toAsync({ … })`'s parameters (Flambeau's own method: `t.to` for any source device). */
const TO_ASYNC = declare('Tensor.toAsync', 'to(*, Device? device=None, ScalarType? dtype=None)', { listed: false });

/** `other * alpha` for `add`/`sub`'s alpha, a host multiplication when `other` is a number. */
function withAlpha(other: TensorOrScalar, alpha: number): TensorOrScalar {
  if (alpha === 1) return other;
  return other instanceof Tensor ? other.mul(alpha) : Number(checkScalar(other)) * alpha;
}

/** A tensor or a JS number: what a binary method's plain call passes. */
function isOperand(v: unknown): v is TensorOrScalar {
  return v instanceof Tensor || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * A size given as varargs (`view(2, 3)`), one list (`view([2, 3])`) or by name (`view({ size: [2, 3] })`).
 */
function sizeArgs(decl: Declaration, args: readonly unknown[]): number[] {
  if (args.length === 1 && isOptions(args[0])) {
    const v = parseArgs(decl, args)[decl.params[0].name] as number | readonly number[];
    return typeof v === 'number' ? [v] : [...v];
  }
  return flatShape(args as ShapeArg);
}

const CAN_CAST = declare('torch.canCast', 'can_cast(ScalarType from, ScalarType to)');
/**
 * `torch.can_cast(from_, to)`: same-kind casting, PyTorch's rule for in-place results (float → int
 * is refused).
 *
 * @example torch.canCast(torch.float32, torch.int32) // false
 */
export function canCast(from: DTypeLike, to: DTypeLike): boolean {
  if (arguments.length !== 2 || typeof from !== 'string' || typeof to !== 'string') ({ from, to } = parseArgs(CAN_CAST, arguments));
  const kind = (d: DType) => (d === 'bool' ? 0 : isFloating(d) ? 2 : 1);
  return kind(from as DType) <= kind(to as DType);
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
