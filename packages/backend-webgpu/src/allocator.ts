/**
 * A size-bucketed caching allocator for GPU buffers, in the spirit of PyTorch's CUDA caching
 * allocator: freed buffers are kept per bucket (powers of two from 256 bytes) and handed out again,
 * so a training loop that frees and reallocates the same shapes each step creates no new buffers.
 *
 * A buffer freed while commands that use it are still being encoded only becomes reusable once
 * those commands are submitted (`flushed()`): `queue.writeBuffer` into a reused buffer runs at its
 * call time on the queue timeline, ahead of unsubmitted commands, and would clobber their inputs.
 */
export interface AllocatorStats {
  /** Bytes of buffers handed out and not yet freed. */
  bytesInUse: number;
  /** Bytes of freed buffers kept for reuse. */
  bytesCached: number;
  /** `createBuffer` calls so far. */
  allocations: number;
  /** Requests served from the cache. */
  reuses: number;
}

const MIN_BUCKET = 256;
/** Above this, a bucket is the size rounded up to 1 MiB instead of a power of two (less waste). */
const POW2_LIMIT = 1 << 24;

export function bucketSize(bytes: number): number {
  const b = Math.max(bytes, MIN_BUCKET);
  if (b > POW2_LIMIT) return Math.ceil(b / (1 << 20)) * (1 << 20);
  return 2 ** Math.ceil(Math.log2(b));
}

export class BufferAllocator {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  readonly stats: AllocatorStats = { bytesInUse: 0, bytesCached: 0, allocations: 0, reuses: 0 };

  constructor(private readonly device: GPUDevice, private readonly usage: number) {}

  acquire(bytes: number): GPUBuffer {
    const size = bucketSize(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    this.stats.bytesInUse += size;
    if (reused) {
      this.stats.bytesCached -= size;
      this.stats.reuses++;
      return reused;
    }
    this.stats.allocations++;
    return this.device.createBuffer({ size, usage: this.usage });
  }

  /** Returns a buffer; it is reusable after the next submit. */
  release(buf: GPUBuffer): void {
    this.stats.bytesInUse -= buf.size;
    this.stats.bytesCached += buf.size;
    this.pending.push(buf);
  }

  /** Called after each queue submit: buffers freed before it may now be rewritten. */
  flushed(): void {
    for (const b of this.pending) {
      let list = this.free.get(b.size);
      if (!list) this.free.set(b.size, (list = []));
      list.push(b);
    }
    this.pending = [];
  }

  /** Destroys every cached buffer (`torch.cuda.empty_cache()`). */
  emptyCache(): void {
    for (const list of this.free.values()) for (const b of list) { this.stats.bytesCached -= b.size; b.destroy(); }
    this.free.clear();
  }
}
