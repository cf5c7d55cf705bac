import type { TypedArray } from '../dtype.js';
import type { Layout } from './iter.js';

/**
 * Arguments of the native accelerator's elementwise kernels (see native.ts): views packed into
 * one reused Float64Array, so a call passes any layout in one argument without allocating.
 */

/**
 * Below this many elements a TypeScript loop is as fast as a call into the native addon (a call
 * costs 0.2–0.5 µs, a plain loop 2–3 ns per element: measured with the built packages).
 */
export const NATIVE_MIN = 64;
/** The native `unary` code of a plain copy. */
export const NATIVE_COPY = 5;

/** Most dims and operands the addon's walks take (elementwise.h); larger calls stay in TypeScript. */
const MAX_DIMS = 16;
const MAX_OPS = 4;
const desc = new Float64Array(1 + MAX_DIMS + MAX_OPS * (1 + MAX_DIMS));

/**
 * [nd, shape…, then per operand: offset, strides…] for views of `shape`; a null operand is a
 * dense array from 0 (a kernel's fresh output). Null when the shape has too many dims.
 */
export function nativeViews(shape: readonly number[], ...views: (Layout | null)[]): Float64Array | null {
  const nd = shape.length;
  if (nd > MAX_DIMS) return null;
  desc[0] = nd;
  for (let d = 0; d < nd; d++) desc[1 + d] = shape[d];
  let at = 1 + nd;
  for (const v of views) {
    if (v === null) {
      desc[at] = 0;
      for (let d = nd - 1, s = 1; d >= 0; d--) {
        desc[at + 1 + d] = s;
        s *= shape[d];
      }
    } else {
      desc[at] = v.offset;
      for (let d = 0; d < nd; d++) desc[at + 1 + d] = v.strides[d];
    }
    at += 1 + nd;
  }
  return desc;
}

/** Whether a view writes some element twice (a broadcast destination): its writes need an order. */
export function writesTwice(v: Layout & { shape: readonly number[] }): boolean {
  for (let d = 0; d < v.shape.length; d++) if (v.strides[d] === 0 && v.shape[d] > 1) return true;
  return false;
}

/** Whether the arrays are all Float32Array or all Float64Array (the native kernels' types). */
export function sameFloat(a: TypedArray, b: TypedArray, c?: TypedArray): boolean {
  if (a instanceof Float32Array) return b instanceof Float32Array && (c === undefined || c instanceof Float32Array);
  if (a instanceof Float64Array) return b instanceof Float64Array && (c === undefined || c instanceof Float64Array);
  return false;
}

/** A reused Float64Array of `n` values for constants and geometries. */
const scratch = new Float64Array(32);
export function nativeArgs(...values: number[]): Float64Array {
  for (let i = 0; i < values.length; i++) scratch[i] = values[i];
  return scratch;
}
