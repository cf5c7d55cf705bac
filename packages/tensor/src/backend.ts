import type { DType, TypedArray } from './dtype.js';
import { RuntimeError } from './errors.js';
import { type Attrs, type OpImpl, setCreationBackend } from './dispatcher.js';
import type { Generator } from './random.js';

/**
 * The backend contract: the small set of primitive kernels and storage calls a device must provide.
 * Everything else in Flambeau (views, broadcasting, type promotion, composites such as softmax or
 * losses, autograd) is written once above this line.
 *
 * Kernels receive strided views and return fresh contiguous storage for the output; they never
 * see autograd. Inputs to binary kernels are already broadcast (expanded with zero strides); a
 * scalar operand arrives as a plain number, already converted to the compute dtype.
 *
 * The required set is 5 storage calls (alloc, fromArray, read, dispose, sync) plus the 27 kernels
 * below (`conv2d` and pooling included);
 * `readSync`, `deferCheck`, `index` and `kernels` are optional. Every op of the registry
 * (`listOps()`) is built on these; `kernels` lets a backend replace any op, composites included.
 */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

/** A strided window onto a storage, what every kernel reads. */
export interface StridedView {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'exp2' | 'expm1' | 'log' | 'log2' | 'log10' | 'log1p'
  | 'sqrt' | 'rsqrt' | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'tanh'
  | 'asinh' | 'acosh' | 'atanh' | 'sigmoid' | 'relu' | 'floor' | 'ceil' | 'round' | 'trunc' | 'frac'
  | 'reciprocal' | 'erf' | 'erfc' | 'logicalNot' | 'isnan' | 'isinf' | 'isfinite' | 'square' | 'bitwiseNot';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2' | 'fmod' | 'remainder'
  | 'floorDivide' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr' | 'logicalXor'
  | 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'all' | 'any';

/** Distributions of `randomFill` (`uniform_`, `normal_`, `bernoulli_`, `random_`, `exponential_`). */
export type RandomKind = 'uniform' | 'normal' | 'bernoulli' | 'randint' | 'exponential';

export interface Conv2dAttrs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

export interface Pool2dAttrs {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
  /** avg pool only */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export interface Backend {
  /** Device type string, as in `torch.device('cpu').type`. */
  readonly name: string;
  /** Device index for backends with several devices (`webgpu:1`); absent for a single device. */
  readonly index?: number;
  /** The backend of device `index` of this type (`getBackend('webgpu:1')`), for multi-device backends. */
  forIndex?(index: number): Backend;
  /**
   * Kernels that replace ops of the registry on this backend, keyed by op name: fused composites
   * (`softmax`, `addmm`, an optimizer step) or a faster primitive. They see the op's inputs and
   * attributes exactly as its default implementation would.
   */
  readonly kernels?: Readonly<Record<string, OpImpl>>;

  // ---- storage ----
  alloc(dtype: DType, size: number): Storage;
  fromArray(data: TypedArray, dtype: DType): Storage;
  /** Reads a storage back to the host. Always available. */
  read(s: Storage): Promise<TypedArray>;
  /** Synchronous read; backends that cannot read synchronously leave it undefined. */
  readSync?(s: Storage): TypedArray;
  dispose(s: Storage): void;
  /** Waits for queued work; rejects with the first failed device-side check (see `deferCheck`). */
  sync(): Promise<void>;
  /**
   * Remembers a device-side check: `flag` (a 0-dim bool view) must hold true, else
   * `error(values of detail)` is raised at the next `read` or `sync` (CUDA's device-side asserts).
   * Backends without it skip such checks unless they can read synchronously.
   */
  deferCheck?(flag: StridedView, detail: StridedView | null, error: (detail: number[]) => Error): void;
  /** Row-major coordinates of the non-zero elements (int64, `ndim` per element; a data-dependent size). */
  nonzero(x: StridedView): Storage;

  // ---- primitive kernels ----
  /** Contiguous copy of a view, cast to `dtype`. */
  copy(x: StridedView, dtype: DType): Storage;
  /** Writes `src` (already broadcast to dst's shape, any dtype) into the view `dst`, casting. */
  copyInto(dst: StridedView, src: StridedView): void;
  /** Fills a view with one value (cast to its dtype). */
  fill(dst: StridedView, value: number): void;
  /** `start + i * step` for i < n (`arange`), computed in double and stored as `dtype`. */
  arange(dtype: DType, start: number, step: number, n: number): Storage;
  /**
   * Fills a view with random draws from `generator`. The CPU reproduces PyTorch's CPU stream
   * (visiting elements in memory order); other devices may use their own counter-based stream
   * seeded from `generator.initialSeed()`, as CUDA's differs from the CPU's.
   */
  randomFill(dst: StridedView, kind: RandomKind, a: number, b: number, generator: Generator): void;
  /** Category indices (int64) drawn from each row of `p` (`torch.multinomial`). */
  multinomial(p: StridedView, numSamples: number, replacement: boolean, generator: Generator): Storage;
  unary(op: UnaryOp, x: StridedView, outDtype: DType): Storage;
  /** `a` and `b` are views of the output shape or numbers; computation happens in `computeDtype`. */
  binary(op: BinaryOp, a: StridedView | number, b: StridedView | number, computeDtype: DType, outDtype: DType): Storage;
  /**
   * Optional `out=` forms of `unary`/`binary`: write into `dst`, a dense view of the output shape
   * and dtype, which may be the first operand itself (`x.add_(y)`, `x.relu_()`) — element i is
   * read before it is written. Other operands never overlap `dst` otherwise.
   */
  unaryInto?(op: UnaryOp, x: StridedView, dst: StridedView): void;
  binaryInto?(op: BinaryOp, a: StridedView, b: StridedView | number, computeDtype: DType, dst: StridedView): void;
  /** Elementwise `cond ? a : b`, views of the output shape or numbers. */
  where(cond: StridedView, a: StridedView | number, b: StridedView | number, outDtype: DType): Storage;
  /** `clamp` with optional bounds: NaN inputs propagate. */
  clamp(x: StridedView, min: number | null, max: number | null, outDtype: DType): Storage;
  /** Reduces over `dims` (sorted); the output drops those dims. */
  reduce(op: ReduceOp, x: StridedView, dims: readonly number[], outDtype: DType): Storage;
  /** Index (int64) of the max/min along `dim`; first occurrence on ties, NaN wins as in PyTorch. */
  argReduce(op: 'argmax' | 'argmin', x: StridedView, dim: number): Storage;
  /** Inclusive scan along `dim`. */
  cumulative(op: 'cumsum' | 'cumprod', x: StridedView, dim: number, outDtype: DType): Storage;
  /** Batched matmul: a [B, M, K] · b [B, K, N] → [B, M, N]. */
  matmul(a: StridedView, b: StridedView, outDtype: DType): Storage;
  /** out[i][j][k] = x[i][index[i][j][k]][k] along `dim` (index int64, same rank as x). */
  gather(x: StridedView, dim: number, index: StridedView): Storage;
  /** Copy of `x` with `src` scattered along `dim` at `index`; `reduce` 'add' accumulates. */
  scatter(x: StridedView, dim: number, index: StridedView, src: StridedView, reduce: 'none' | 'add'): Storage;
  /** Selects whole slices along `dim` (index int64, 1-D). */
  indexSelect(x: StridedView, dim: number, index: StridedView): Storage;
  /** Accumulates slices of `src` into a copy of `x` at `index` along `dim` (`index_add`). */
  indexAdd(x: StridedView, dim: number, index: StridedView, src: StridedView): Storage;
  /** Stable sort along `dim`; returns [values, int64 indices]. */
  sort(x: StridedView, dim: number, descending: boolean): [Storage, Storage];

  // ---- convolution and pooling (NCHW) ----
  conv2d(x: StridedView, w: StridedView, attrs: Conv2dAttrs): Storage;
  conv2dBackwardInput(gradOut: StridedView, w: StridedView, inputShape: readonly number[], attrs: Conv2dAttrs): Storage;
  conv2dBackwardWeight(gradOut: StridedView, x: StridedView, weightShape: readonly number[], attrs: Conv2dAttrs): Storage;
  /** Returns [values, int64 flat indices into each H×W plane]. */
  maxPool2d(x: StridedView, attrs: Pool2dAttrs): [Storage, Storage];
  maxPool2dBackward(gradOut: StridedView, indices: StridedView, inputShape: readonly number[]): Storage;
  avgPool2d(x: StridedView, attrs: Pool2dAttrs): Storage;
  avgPool2dBackward(gradOut: StridedView, inputShape: readonly number[], attrs: Pool2dAttrs): Storage;
}

const backends = new Map<string, Backend>();
let defaultBackendName = 'cpu';

/** Registers a backend under its device name; backend packages call this when imported. */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

/** Parses `'cpu'`, `'webgpu'`, `'webgpu:0'` (or a Device) and returns the backend that serves it. */
export function getBackend(device: string | { toString(): string }): Backend {
  const dev = String(device);
  const [name, index] = dev.split(':');
  const b = backends.get(name);
  if (!b) {
    throw new RuntimeError(
      `Expected one of ${[...backends.keys()].join(', ')} device type at start of device string: ${dev}` +
        (name === 'webgpu' || name === 'tfjs' ? ` (import '@flambeau/backend-${name}' to register it)` : ''),
    );
  }
  if (index === undefined || b.index === Number(index)) return b;
  if (!b.forIndex) throw new RuntimeError(`${name} device index ${index} is out of range: this backend has one device`);
  return b.forIndex(Number(index));
}

/** The backend new tensors go to when no `device` is given (the CPU unless `setDefaultDevice` changed it). */
export function defaultBackend(): Backend {
  return getBackend(defaultBackendName);
}

/** Makes new tensors land on `device` unless told otherwise (`torch.set_default_device`). */
export function setDefaultDevice(device: string | { toString(): string }): void {
  getBackend(device);
  defaultBackendName = String(device);
}

/** The names of the registered backends (devices). */
export function listBackends(): string[] {
  return [...backends.keys()];
}

setCreationBackend((attrs: Attrs) => (attrs.device ? getBackend(attrs.device as string) : defaultBackend()));
