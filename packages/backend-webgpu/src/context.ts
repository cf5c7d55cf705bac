import { RuntimeError } from '@flambeau/tensor';
import { type AllocatorStats, BufferAllocator } from './allocator.js';
import type { GpuHandle } from './device.js';

/** One compute dispatch: WGSL source, its bindings (binding 0 is always the metadata words), a grid. */
export interface DispatchSpec {
  /** Full WGSL module; also the pipeline cache key (kernel, dtypes and shape class are baked in). */
  code: string;
  /** Metadata words (shapes, strides, offsets, scalar bits) uploaded as binding 0. */
  meta: ArrayLike<number>;
  /** Buffers for bindings 1..n, in order. */
  buffers: GPUBuffer[];
  /** Number of workgroups wanted (split over x/y when above the 65 535 per-dimension limit). */
  workgroups: number;
  /** An explicit 3-D grid instead (tiled kernels); `workgroups` then only says whether to run. */
  grid?: [number, number, number];
}

const MAX_DIM = 65535;
/** Dispatches encoded before a submit is forced: bounds the memory held by unsubmitted work. */
const SUBMIT_EVERY = 128;

/**
 * The per-device runtime: a pipeline cache, lazily submitted command encoders (one open compute pass
 * collects dispatches; a submit happens at readback or every SUBMIT_EVERY dispatches) and the caching
 * buffer allocator. Device loss and uncaptured validation errors surface as RuntimeErrors on the next
 * call instead of silently wrong data.
 */
export class GpuContext {
  readonly device: GPUDevice;
  readonly storageBuffers: BufferAllocator;
  private readonly staging: BufferAllocator;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private encoded = 0;
  private lostMessage: string | null = null;
  private firstError: string | null = null;
  /** Dispatches encoded over the context's life (tests read it to check batching). */
  dispatches = 0;
  submits = 0;

  constructor(readonly handle: GpuHandle) {
    this.device = handle.device;
    const U = GPUBufferUsage;
    this.storageBuffers = new BufferAllocator(this.device, U.STORAGE | U.COPY_SRC | U.COPY_DST);
    this.staging = new BufferAllocator(this.device, U.MAP_READ | U.COPY_DST);
    void this.device.lost.then((info) => {
      this.lostMessage = `${info.reason ?? 'unknown'}: ${info.message}`;
    });
    this.device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.firstError ??= ev.error.message;
    };
  }

  get stats(): AllocatorStats & { pipelines: number; dispatches: number; submits: number } {
    return { ...this.storageBuffers.stats, pipelines: this.pipelines.size, dispatches: this.dispatches, submits: this.submits };
  }

  /** Throws when the device is gone or a command failed validation. */
  check(): void {
    if (this.lostMessage !== null) {
      throw new RuntimeError(
        `the webgpu device was lost (${this.lostMessage}); its tensors are gone. Create a new device with initWebGPU() and move data again`,
      );
    }
    if (this.firstError !== null) {
      const e = this.firstError;
      this.firstError = null;
      throw new RuntimeError(`webgpu kernel failed: ${e}`);
    }
  }

  private pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      // Kernels over float16 storage need WGSL's f16 extension (the device has shader-f16: see dtypes.ts).
      const module = this.device.createShaderModule({ code: /\bf16\b/.test(code) ? `enable f16;\n${code}` : code });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(code, p);
    }
    return p;
  }

  private currentPass(): GPUComputePassEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    return this.pass;
  }

  /** Encodes one dispatch; nothing runs until the next submit. */
  dispatch(spec: DispatchSpec): void {
    this.check();
    if (spec.workgroups <= 0) return;
    const pipe = this.pipeline(spec.code);
    const meta = new Uint32Array(Math.max(spec.meta.length, 1));
    meta.set(spec.meta as ArrayLike<number>);
    const metaBuf = this.upload(meta);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: metaBuf } }];
    spec.buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const bind = this.device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries });
    const pass = this.currentPass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, bind);
    if (spec.grid) {
      pass.dispatchWorkgroups(...spec.grid);
    } else {
      const x = Math.min(spec.workgroups, MAX_DIM);
      const y = Math.ceil(spec.workgroups / x);
      if (y > MAX_DIM) throw new RuntimeError(`webgpu: a kernel of ${spec.workgroups} workgroups is too large to dispatch`);
      pass.dispatchWorkgroups(x, y);
    }
    this.storageBuffers.release(metaBuf);
    this.dispatches++;
    if (++this.encoded >= SUBMIT_EVERY) this.submit();
  }

  /** A fresh storage buffer holding `words` (`queue.writeBuffer`, ordered before unsubmitted work that uses it). */
  upload(words: Uint32Array): GPUBuffer {
    const buf = this.storageBuffers.acquire(words.byteLength);
    if (words.byteLength > 0) this.device.queue.writeBuffer(buf, 0, words.buffer, words.byteOffset, words.byteLength);
    return buf;
  }

  /** Encodes a buffer-to-buffer copy (outside any compute pass). */
  copyBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.check();
    if (bytes === 0) return;
    this.pass?.end();
    this.pass = null;
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    if (++this.encoded >= SUBMIT_EVERY) this.submit();
  }

  /** Submits everything encoded so far. */
  submit(): void {
    this.pass?.end();
    this.pass = null;
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.submits++;
    }
    this.encoder = null;
    this.encoded = 0;
    this.storageBuffers.flushed();
  }

  /** Copies `bytes` of `buf` to the host; the only place data leaves the GPU. */
  async read(buf: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.check();
    if (bytes === 0) return new ArrayBuffer(0);
    const st = this.staging.acquire(bytes);
    this.copyBuffer(buf, 0, st, 0, bytes);
    this.submit();
    await st.mapAsync(GPUMapMode.READ, 0, bytes);
    const out = st.getMappedRange(0, bytes).slice(0);
    st.unmap();
    this.staging.release(st);
    this.staging.flushed();
    this.check();
    return out;
  }

  /** Resolves when all submitted work has finished. */
  async sync(): Promise<void> {
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }
}
