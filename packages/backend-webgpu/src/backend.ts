import {
  type OpImpl,
  type Backend, type BinaryOp, type Conv2dAttrs, type DType, type Pool2dAttrs, type ReduceOp, type Storage, type StridedView,
  type Generator, type RandomKind, type TypedArray, type UnaryOp, NotImplementedError, RuntimeError,
} from '@flambeau/tensor';
import { GpuContext } from './context.js';
import type { GpuHandle } from './device.js';
import { fromWords, toWords, wgslType } from './dtypes.js';
import * as cv from './kernels/conv.js';
import * as ew from './kernels/elementwise.js';
import { fusedKernels } from './kernels/fused.js';
import * as ix from './kernels/indexing.js';
import * as mm from './kernels/matmul.js';
import { multinomial, randomFill } from './kernels/random.js';
import * as red from './kernels/reduce.js';
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
  /**
   * Fused kernels in the registry's override form. `softmax` and `logSoftmax` replace the
   * registry's composites (they have backward formulas, so autograd keeps working); the rest
   * (layerNorm, sgdStep, adamStep) wait for ops of those names in the registry.
   */
  readonly fused: ReturnType<typeof fusedKernels>;
  readonly kernels: Readonly<Record<string, OpImpl>>;

  constructor(handle: GpuHandle) {
    this.ctx = new GpuContext(handle);
    this.index = handle.adapterIndex;
    this.fused = fusedKernels(this);
    this.kernels = { softmax: this.fused.softmax, logSoftmax: this.fused.logSoftmax };
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

  private checkSize(n: number): void {
    const limit = this.ctx.device.limits.maxStorageBufferBindingSize;
    if (n * 4 > limit) {
      throw new RuntimeError(`webgpu: a tensor of ${n} elements (${n * 4} bytes) exceeds this adapter's largest storage binding (${limit} bytes)`);
    }
  }

  out(dtype: DType, n: number): WebGPUStorage {
    wgslType(dtype);
    this.checkSize(n);
    return new WebGPUStorage(this, dtype, n, this.ctx.storageBuffers.acquire(n * 4));
  }

  // ---- storage
  alloc(dtype: DType, size: number): Storage {
    const s = this.out(dtype, size);
    ew.fill(this, { storage: s, dtype, shape: [size], strides: [1], offset: 0 }, 0);
    return s;
  }

  fromArray(data: TypedArray, dtype: DType): Storage {
    if (dtype === 'float64' && data.length === 1) return new WebGPUStorage(this, dtype, 1, null, data[0]);
    const words = toWords(data, dtype);
    this.ctx.check();
    this.checkSize(data.length);
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
    const bytes = await this.ctx.read(bufferOf(s), s.size * 4);
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
    return multinomial(this, p, numSamples, replacement, philoxKey(generator));
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
  scatter(x: StridedView, dim: number, index: StridedView, src: StridedView, reduce: 'none' | 'add'): Storage { return ix.scatter(this, x, dim, index, src, reduce); }
  indexSelect(x: StridedView, dim: number, index: StridedView): Storage { return ix.indexSelect(this, x, dim, index); }
  indexAdd(x: StridedView, dim: number, index: StridedView, src: StridedView): Storage { return ix.indexAdd(this, x, dim, index, src); }
  sort(x: StridedView, dim: number, descending: boolean): [Storage, Storage] { return ix.sort(this, x, dim, descending); }

  // ---- convolution and pooling
  conv2d(x: StridedView, w: StridedView, attrs: Conv2dAttrs): Storage { return cv.conv2d(this, x, w, attrs); }
  conv2dBackwardInput(g: StridedView, w: StridedView, inputShape: readonly number[], attrs: Conv2dAttrs): Storage { return cv.conv2dBackwardInput(this, g, w, inputShape, attrs); }
  conv2dBackwardWeight(g: StridedView, x: StridedView, weightShape: readonly number[], attrs: Conv2dAttrs): Storage { return cv.conv2dBackwardWeight(this, g, x, weightShape, attrs); }
  maxPool2d(x: StridedView, attrs: Pool2dAttrs): [Storage, Storage] { return cv.maxPool2d(this, x, attrs); }
  maxPool2dBackward(g: StridedView, indices: StridedView, inputShape: readonly number[]): Storage { return cv.maxPool2dBackward(this, g, indices, inputShape); }
  avgPool2d(x: StridedView, attrs: Pool2dAttrs): Storage { return cv.avgPool2d(this, x, attrs); }
  avgPool2dBackward(g: StridedView, inputShape: readonly number[], attrs: Pool2dAttrs): Storage { return cv.avgPool2dBackward(this, g, inputShape, attrs); }
}

/** A Philox key (below 2^53, as the kernel's seed words take it) drawn from a generator's stream. */
function philoxKey(g: Generator): number {
  return (g.random() >>> 0) + (g.random() & 0x1fffff) * 2 ** 32;
}
