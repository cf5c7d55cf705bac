import type { Backend, DType, Storage, StridedView } from '@flambeau/tensor';
import type { GpuContext } from './context.js';

/** A GPU buffer holding `size` elements, one 32-bit word each (see dtypes.ts). */
export class WebGPUStorage implements Storage {
  constructor(readonly backend: Backend, readonly dtype: DType, readonly size: number, public buffer: GPUBuffer | null) {}
}

/** What kernels need from the backend: the device runtime and fresh output storage. */
export interface KernelHost {
  readonly ctx: GpuContext;
  /** Uninitialised storage of `n` elements. */
  out(dtype: DType, n: number): WebGPUStorage;
}

export function bufferOf(s: Storage | StridedView): GPUBuffer {
  const st: Storage = 'storage' in s ? s.storage : s;
  if (!(st instanceof WebGPUStorage)) throw new TypeError(`expected a webgpu storage, got one on '${st.backend?.name}'`);
  if (!st.buffer) throw new TypeError('use of a disposed webgpu storage');
  return st.buffer;
}
