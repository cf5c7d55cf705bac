import type { Backend, Storage } from '../backend.js';
import { RuntimeError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** Wraps fresh contiguous storage as a tensor of `shape`. */
export function fromStorage(s: Storage, shape: readonly number[]): Tensor {
  return new Tensor(s, [...shape]);
}

/** The backend shared by all inputs; mixing devices is PyTorch's "Expected all tensors to be on the same device". */
export function commonBackend(inputs: readonly Tensor[]): Backend {
  const b = inputs[0].backend;
  for (const t of inputs) {
    if (t.backend !== b) {
      throw new RuntimeError(
        `Expected all tensors to be on the same device, but found at least two devices, ${b.name} and ${t.backend.name}!`,
      );
    }
  }
  return b;
}

/** A view of `t` with new geometry over the same storage (and version counter). */
export function viewOf(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(t.storage, [...shape], [...strides], offset, t);
}

/** A 1-D int64 tensor of index values on `backend`, for ops that build their own index maps. */
export function indexTensor(values: ArrayLike<number>, backend: Backend, shape: readonly number[] = [values.length]): Tensor {
  return fromStorage(backend.fromArray(Float64Array.from(values), 'int64'), shape);
}
