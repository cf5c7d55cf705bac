import type { Conv2dAttrs, Storage, StridedView } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { NotImplementedError } from '../errors.js';

type Make = (d: DType, a: TypedArray) => Storage;

export function conv2dKernel(_x: StridedView, _w: StridedView, _a: Conv2dAttrs, _make: Make): Storage {
  throw new NotImplementedError('conv2d: CPU kernel pending');
}
export function conv2dBackwardInputKernel(_g: StridedView, _w: StridedView, _s: readonly number[], _a: Conv2dAttrs, _make: Make): Storage {
  throw new NotImplementedError('conv2d backward: CPU kernel pending');
}
export function conv2dBackwardWeightKernel(_g: StridedView, _x: StridedView, _s: readonly number[], _a: Conv2dAttrs, _make: Make): Storage {
  throw new NotImplementedError('conv2d backward: CPU kernel pending');
}
