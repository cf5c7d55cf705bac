import {
  type OpImpl,
  type Backend, type BinaryOp, type Conv2dAttrs, type DType, type Pool2dAttrs, type ReduceOp, type Storage, type StridedView,
  type Generator, type RandomKind, type TypedArray, type UnaryOp, NotImplementedError, RuntimeError, contiguousStrides,
} from '@flambeau/tensor';
import { GpuContext } from './context.js';
import type { GpuHandle } from './device.js';
import { bufferBytes, float16Error, fromWords, toWords, wgslType } from './dtypes.js';
import * as cv from './kernels/conv.js';
import * as ew from './kernels/elementwise.js';
import { fusedKernels } from './kernels/fused.js';
import * as ix from './kernels/indexing.js';
import * as mm from './kernels/matmul.js';
import { linearKernels } from './kernels/linear.js';
import { normKernels } from './kernels/norm.js';
import { optimizerKernels } from './kernels/optim.js';
import { multinomial, randomFill } from './kernels/random.js';
import * as red from './kernels/reduce.js';
import { contiguous } from './kernels/wgsl.js';
import { type KernelHost, WebGPUStorage, bufferOf } from './storage.js';

/**
 * A Flambeau backend on one WebGPU device (`webgpu`, `webgpu:1`, …), PyTorch's `torch.device('cuda')`
 * role: every primitive of the backend contract as a WGSL kernel over strided views, lazily
 * submitted, with a caching allocator. Get one from `initWebGPU()`.
 *
 * @example
 * const gpu = await initWebGPU();
 * const y = torch.randn(8, 8).to('webgpu').relu();
 * await y.dataAsync();
 * gpu.stats.bytesInUse;   // like torch.cuda.memory_allocated()
 */
/** Backends opened by initWebGPU, by adapter index (for `getBackend('webgpu:1')`). */
export const openedBackends = new Map<number, WebGPUBackend>();

export class WebGPUBackend implements Backend, KernelHost {
  readonly name = 'webgpu';
  readonly ctx: GpuContext;
  readonly index: number;
  /** The softmax/logSoftmax kernels, also callable directly (`backend.fused.softmax([x], { dim })`). */
  readonly fused: ReturnType<typeof fusedKernels>;
  /**
   * Overrides of registry ops (the dispatcher runs them in place of the op's default; autograd
   * keeps the op's own formula): `softmax`, `logSoftmax`, `addmm` (bias + GEMM), `nativeLayerNorm` and the optimizer
   * steps `sgdStep_`, `adamStep_` (Adam and AdamW), `rmspropStep_`.
   */
  readonly kernels: Readonly<Record<string, OpImpl>>;

  constructor(handle: GpuHandle) {
    this.ctx = new GpuContext(handle);
    this.index = handle.adapterIndex;
    this.fused = fusedKernels(this);
    this.kernels = { softmax: this.fused.softmax, logSoftmax: this.fused.logSoftmax, ...linearKernels(this), ...normKernels(this), ...optimizerKernels(this) };
  }

  /** The backend of `webgpu:<index>`, once `initWebGPU('webgpu:<index>')` has opened it. */
  forIndex(index: number): WebGPUBackend {
    const b = openedBackends.get(index);
    if (!b) throw new RuntimeError(`webgpu:${index} is not open: call await initWebGPU('webgpu:${index}') first`);
    return b;
  }

  /** Adapter description (vendor, architecture, device) and whether `shader-f16` is on. */
  get info(): { vendor: string; architecture: string; device: string; description: string; shaderF16: boolean } {
    const i = this.ctx.handle.adapter.info;
    return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, shaderF16: this.ctx.device.features.has('shader-f16') };
  }

  /** Allocator and dispatch counters (bytes in use / cached, buffer creations, pipelines, submits). */
  get stats() { return this.ctx.stats; }

  /** Destroys cached (free) buffers, like `torch.cuda.empty_cache()`. */
  emptyCache(): void { this.ctx.storageBuffers.emptyCache(); }

  /** Whether float16 tensors can live here (the adapter's `shader-f16`). */
  get float16(): boolean { return this.ctx.device.features.has('shader-f16'); }

  private checkSize(dtype: DType, n: number): void {
    wgslType(dtype);
    if (dtype === 'float16' && !this.float16) throw float16Error();
    const limit = this.ctx.device.limits.maxStorageBufferBindingSize;
    const bytes = bufferBytes(dtype, n);
    if (bytes > limit) {
      throw new RuntimeError(`webgpu: a tensor of ${n} elements (${bytes} bytes) exceeds this adapter's largest storage binding (${limit} bytes)`);
    }
  }

  out(dtype: DType, n: number): WebGPUStorage {
    this.checkSize(dtype, n);
    return new WebGPUStorage(this, dtype, n, this.ctx.storageBuffers.acquire(bufferBytes(dtype, n)));
  }

  // ---- storage
  alloc(dtype: DType, size: number): Storage {
    const s = this.out(dtype, size);
    ew.fill(this, { storage: s, dtype, shape: [size], strides: [1], offset: 0 }, 0);
    return s;
  }

  fromArray(data: TypedArray, dtype: DType): Storage {
    if (dtype === 'float64' && data.length === 1) return new WebGPUStorage(this, dtype, 1, null, data[0]);
    this.checkSize(dtype, data.length);
    const words = toWords(data, dtype);
    this.ctx.check();
    return new WebGPUStorage(this, dtype, data.length, this.ctx.upload(words));
  }

  /** Device-side checks (index bounds, …) waiting for the next read or sync. */
  private checks: { flag: Storage; detail: Storage | null; error: (detail: number[]) => Error }[] = [];

  /**
   * Remembers that `flag` must hold true (CUDA's device-side assert): a snapshot of the flag and
   * of `detail` is kept, and the next `read` or `sync` raises `error(detail)` when it is false.
   */
  deferCheck(flag: StridedView, detail: StridedView | null, error: (detail: number[]) => Error): void {
    this.checks.push({ flag: this.copy(flag, 'bool'), detail: detail ? this.copy(detail, detail.dtype) : null, error });
  }

  private async runChecks(): Promise<void> {
    const pending = this.checks;
    this.checks = [];
    let failed: Error | null = null;
    for (const c of pending) {
      if (!failed && (await this.readStorage(c.flag))[0] === 0) {
        failed = c.error(c.detail ? Array.from(await this.readStorage(c.detail)) : []);
      }
      this.dispose(c.flag);
      if (c.detail) this.dispose(c.detail);
    }
    if (failed) throw failed;
  }

  async read(s: Storage): Promise<TypedArray> {
    if (this.checks.length > 0) await this.runChecks();
    return this.readStorage(s);
  }

  private async readStorage(s: Storage): Promise<TypedArray> {
    const host = (s as WebGPUStorage).hostScalar;
    if (host !== undefined) return new Float64Array([host]);
    const bytes = await this.ctx.read(bufferOf(s), bufferBytes(s.dtype, s.size));
    return fromWords(bytes, s.size, s.dtype);
  }

  dispose(s: Storage): void {
    const st = s as WebGPUStorage;
    if (!st.buffer) return;
    this.ctx.storageBuffers.release(st.buffer);
    st.buffer = null;
  }

  async sync(): Promise<void> {
    if (this.checks.length > 0) await this.runChecks();
    await this.ctx.sync();
  }

  // ---- creation and random
  arange(dtype: DType, start: number, step: number, n: number): Storage { return ew.arange(this, dtype, start, step, n); }
  /**
   * Counter-based Philox draws. Each call takes a fresh 64-bit key from `generator`'s own stream
   * (two 32-bit draws), so `manualSeed` makes webgpu runs reproducible and successive calls
   * independent; element i uses counter i. The values differ from the CPU's, as CUDA's do.
   */
  randomFill(dst: StridedView, kind: RandomKind, a: number, b: number, generator: Generator): void {
    randomFill(this, dst, kind, a, b, philoxKey(generator), 0);
  }

  multinomial(p: StridedView, numSamples: number, replacement: boolean, generator: Generator): Storage {
    return this.widened([p], ([w]) => {
      this.checkWeights(w, replacement);
      return multinomial(this, w, numSamples, replacement, philoxKey(generator));
    });
  }

  /**
   * PyTorch's checks of multinomial weights (finite, non-negative, a positive sum per row, with
   * the CPU kernel's messages), which need the values: device-side checks, raised at the next read
   * or sync as CUDA's asserts are.
   */
  private checkWeights(p: StridedView, replacement: boolean): void {
    const dense = (s: Storage, shape: readonly number[]): StridedView => ({ storage: s, dtype: s.dtype, shape, strides: contiguous(shape), offset: 0 });
    const allOf = (s: Storage, shape: readonly number[]): Storage => this.reduce('all', dense(s, shape), shape.map((_, i) => i), 'bool');
    const temps: Storage[] = [];
    const temp = (s: Storage): Storage => (temps.push(s), s);
    const finite = temp(this.unary('isfinite', p, 'bool'));
    const nonNegative = temp(this.binary('ge', p, 0, p.dtype, 'bool'));
    const rows = p.shape.slice(0, -1);
    const sums = temp(this.reduce('sum', p, [p.shape.length - 1], 'float32'));
    const positive = temp(this.binary('gt', dense(sums, rows), 0, 'float32', 'bool'));
    const checks: [Storage, string][] = replacement
      ? [[allOf(nonNegative, p.shape), 'invalid multinomial distribution (encountering probability entry < 0)'],
        [allOf(finite, p.shape), 'invalid multinomial distribution (encountering probability entry = infinity or NaN)']]
      : [[allOf(temp(this.binary('logicalAnd', dense(finite, p.shape), dense(nonNegative, p.shape), 'bool', 'bool')), p.shape), 'probability tensor contains either `inf`, `nan` or element < 0']];
    checks.push([allOf(positive, rows), 'invalid multinomial distribution (sum of probabilities <= 0)']);
    for (const [flag, message] of checks) {
      this.deferCheck(dense(flag, []), null, () => new RuntimeError(message));
      this.dispose(flag);
    }
    for (const s of temps) this.dispose(s);
  }

  /** Needs the count before the output can be allocated: a synchronous readback a GPU cannot do. */
  nonzero(_x: StridedView): Storage {
    throw new NotImplementedError("nonzero() has a data-dependent size, which needs a synchronous read on 'webgpu': move the tensor with `await t.toAsync('cpu')` first");
  }

  // ---- elementwise
  copy(x: StridedView, dtype: DType): Storage { return ew.copy(this, x, dtype); }
  copyInto(dst: StridedView, src: StridedView): void { ew.copyInto(this, dst, src); }
  fill(dst: StridedView, value: number): void { ew.fill(this, dst, value); }
  unary(op: UnaryOp, x: StridedView, outDtype: DType): Storage { return ew.unary(this, op, x, outDtype); }
  binary(op: BinaryOp, a: StridedView | number, b: StridedView | number, computeDtype: DType, outDtype: DType): Storage {
    return ew.binary(this, op, a, b, computeDtype, outDtype);
  }
  where(cond: StridedView, a: StridedView | number, b: StridedView | number, outDtype: DType): Storage { return ew.where(this, cond, a, b, outDtype); }
  clamp(x: StridedView, min: number | null, max: number | null, outDtype: DType): Storage { return ew.clamp(this, x, min, max, outDtype); }

  // ---- reductions, GEMM, indexing
  reduce(op: ReduceOp, x: StridedView, dims: readonly number[], outDtype: DType): Storage { return red.reduce(this, op, x, dims, outDtype); }
  argReduce(op: 'argmax' | 'argmin', x: StridedView, dim: number): Storage { return red.argReduce(this, op, x, dim); }
  cumulative(op: 'cumsum' | 'cumprod', x: StridedView, dim: number, outDtype: DType): Storage { return red.cumulative(this, op, x, dim, outDtype); }
  matmul(a: StridedView, b: StridedView, outDtype: DType): Storage { return mm.matmul(this, a, b, outDtype); }
  gather(x: StridedView, dim: number, index: StridedView): Storage { return ix.gather(this, x, dim, index); }
  scatter(x: StridedView, dim: number, index: StridedView, src: StridedView, reduce: 'none' | 'add'): Storage {
    return this.narrowed(this.widened([x, src], ([a, s]) => ix.scatter(this, a, dim, index, s, reduce)), x.dtype);
  }
  indexSelect(x: StridedView, dim: number, index: StridedView): Storage { return ix.indexSelect(this, x, dim, index); }
  indexAdd(x: StridedView, dim: number, index: StridedView, src: StridedView): Storage {
    return this.narrowed(this.widened([x, src], ([a, s]) => ix.indexAdd(this, a, dim, index, s)), x.dtype);
  }
  sort(x: StridedView, dim: number, descending: boolean): [Storage, Storage] {
    const [v, i] = this.widened([x], ([a]) => ix.sort(this, a, dim, descending));
    return [this.narrowed(v, x.dtype), i];
  }

  // ---- convolution and pooling
  conv2d(x: StridedView, w: StridedView, attrs: Conv2dAttrs): Storage {
    return this.narrowed(this.widened([x, w], ([a, b]) => cv.conv2d(this, a, b, attrs)), x.dtype);
  }
  conv2dBackwardInput(g: StridedView, w: StridedView, inputShape: readonly number[], attrs: Conv2dAttrs): Storage {
    return this.narrowed(this.widened([g, w], ([a, b]) => cv.conv2dBackwardInput(this, a, b, inputShape, attrs)), g.dtype);
  }
  conv2dBackwardWeight(g: StridedView, x: StridedView, weightShape: readonly number[], attrs: Conv2dAttrs): Storage {
    return this.narrowed(this.widened([g, x], ([a, b]) => cv.conv2dBackwardWeight(this, a, b, weightShape, attrs)), g.dtype);
  }
  maxPool2d(x: StridedView, attrs: Pool2dAttrs): [Storage, Storage] {
    const [v, i] = this.widened([x], ([a]) => cv.maxPool2d(this, a, attrs));
    return [this.narrowed(v, x.dtype), i];
  }
  maxPool2dBackward(g: StridedView, indices: StridedView, inputShape: readonly number[]): Storage {
    return this.narrowed(this.widened([g], ([a]) => cv.maxPool2dBackward(this, a, indices, inputShape)), g.dtype);
  }
  avgPool2d(x: StridedView, attrs: Pool2dAttrs): Storage { return this.narrowed(this.widened([x], ([a]) => cv.avgPool2d(this, a, attrs)), x.dtype); }
  avgPool2dBackward(g: StridedView, inputShape: readonly number[], attrs: Pool2dAttrs): Storage {
    return this.narrowed(this.widened([g], ([a]) => cv.avgPool2dBackward(this, a, inputShape, attrs)), g.dtype);
  }

  // ---- float16 through the float32-only kernels
  /**
   * Runs `run` with float32 copies of the float16 views among `views` (the convolution, pooling,
   * sort and scatter-add kernels are written for f32); the copies are freed once encoded.
   */
  private widened<R>(views: StridedView[], run: (wide: StridedView[]) => R): R {
    const wide = views.map((v) => (v.dtype === 'float16' ? { storage: ew.copy(this, v, 'float32'), dtype: 'float32' as DType, shape: v.shape, strides: contiguousStrides(v.shape), offset: 0 } : v));
    try {
      return run(wide);
    } finally {
      wide.forEach((v, i) => { if (v !== views[i]) this.dispose(v.storage); });
    }
  }

  /** A float32 result of `widened` stored back as `dtype` when that is float16. */
  private narrowed(s: Storage, dtype: DType): Storage {
    if (dtype !== 'float16' || s.dtype === 'float16') return s;
    const out = ew.copy(this, { storage: s, dtype: s.dtype, shape: [s.size], strides: [1], offset: 0 }, 'float16');
    this.dispose(s);
    return out;
  }
}

/** A Philox key (below 2^53, as the kernel's seed words take it) drawn from a generator's stream. */
function philoxKey(g: Generator): number {
  return (g.random() >>> 0) + (g.random() & 0x1fffff) * 2 ** 32;
}
