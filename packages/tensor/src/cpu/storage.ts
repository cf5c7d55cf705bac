import type { Backend, Storage, StridedView } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';

/** CPU storage: a typed array, freed by the garbage collector. */
export class CpuStorage implements Storage {
  constructor(readonly backend: Backend, readonly dtype: DType, readonly data: TypedArray) {}
  get size(): number {
    return this.data.length;
  }
}

/** The typed array behind a CPU view or storage. */
export function arr(v: StridedView | Storage): TypedArray {
  return v instanceof CpuStorage ? v.data : ((v as StridedView).storage as CpuStorage).data;
}
