import type { Backend, DType, Storage, StridedView } from '@flambeau/tensor';
import type { GpuContext } from './context.js';
import { float64Error } from './dtypes.js';

/**
 * A GPU buffer holding `size` elements, one 32-bit word each (see dtypes.ts), or a host scalar:
 * a one-element float64 storage (today's 0-dim "wrapped number" that `x.mul(0.5)` creates) stays
 * on the host with its exact value, and kernels receive it as a scalar operand, the way the
 * spine's `{ scalar }` attrs will pass it.
 */
export class WebGPUStorage implements Storage {
  constructor(readonly backend: Backend, readonly dtype: DType, readonly size: number, public buffer: GPUBuffer | null, readonly hostScalar?: number) {}
}

/** The host value of a view over a host-scalar storage, else undefined. */
export function hostScalarOf(v: StridedView): number | undefined {
  return v.storage instanceof WebGPUStorage ? v.storage.hostScalar : undefined;
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
  if (st.hostScalar !== undefined) throw float64Error(st.dtype);
  if (!st.buffer) throw new TypeError('use of a disposed webgpu storage');
  return st.buffer;
}
