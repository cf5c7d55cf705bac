import type { Pool2dAttrs, Storage, StridedView } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { NotImplementedError } from '../errors.js';

type Make = (d: DType, a: TypedArray) => Storage;

export function maxPool2dKernel(_x: StridedView, _a: Pool2dAttrs, _make: Make): [Storage, Storage] {
  throw new NotImplementedError('max_pool2d: CPU kernel pending');
}
export function maxPool2dBackwardKernel(_g: StridedView, _i: StridedView, _s: readonly number[], _make: Make): Storage {
  throw new NotImplementedError('max_pool2d backward: CPU kernel pending');
}
export function avgPool2dKernel(_x: StridedView, _a: Pool2dAttrs, _make: Make): Storage {
  throw new NotImplementedError('avg_pool2d: CPU kernel pending');
}
export function avgPool2dBackwardKernel(_g: StridedView, _s: readonly number[], _a: Pool2dAttrs, _make: Make): Storage {
  throw new NotImplementedError('avg_pool2d backward: CPU kernel pending');
}
