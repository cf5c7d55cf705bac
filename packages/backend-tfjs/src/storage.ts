/**
 * Storage on the tfjs device: one flat tfjs tensor per Flambeau storage. tfjs knows float32,
 * int32 and bool, so Flambeau's int64 and uint8 live in int32 tensors (int64 values must fit in
 * int32, checked at upload) and float64 is refused.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { type Backend, type DType, type Storage, type TypedArray, DTypeError, RuntimeError, arrayType } from '@flambeau/tensor';
import { tf } from './tfjs.js';

export class TfjsStorage implements Storage {
  constructor(readonly backend: Backend, readonly dtype: DType, readonly size: number, private t: TF.Tensor | null) {}

  /** The flat tfjs tensor holding the values. */
  get tensor(): TF.Tensor {
    if (!this.t) throw new RuntimeError('tfjs device: a storage was used after it was freed');
    return this.t;
  }

  /** Replaces the values (tfjs tensors are immutable, so a write makes a new one). */
  replace(t: TF.Tensor): void {
    const old = this.tensor;
    this.t = tf.keep(t);
    if (old !== t) old.dispose();
  }

  free(): void {
    this.t?.dispose();
    this.t = null;
  }
}

/** The errors by which this device refuses values TensorFlow.js cannot hold (float64; int64 beyond int32). */
const refusals = new WeakSet<Error>();

function refuse(e: Error): never {
  refusals.add(e);
  throw e;
}

/**
 * Whether `e` is the tfjs device refusing a dtype or value TensorFlow.js cannot hold, as opposed
 * to any other failure (the fixture lane skips exactly those tests, with the refusal as reason).
 */
export function isDtypeRefusal(e: unknown): boolean {
  return e instanceof Error && refusals.has(e);
}

/** The tfjs dtype that holds a Flambeau dtype. */
export function tfDtype(d: DType): 'float32' | 'int32' | 'bool' {
  switch (d) {
    case 'float32': return 'float32';
    case 'int32': case 'int64': case 'uint8': return 'int32';
    case 'bool': return 'bool';
    default:
      return refuse(new DTypeError(
        `the tfjs device has no ${d} tensors: TensorFlow.js stores only float32, int32 and bool (Flambeau's int64 and uint8 are held as int32); use float32`,
      ));
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Host values as the tfjs array of `dtype`, checking that int64 values fit in int32. */
export function toTfArray(data: TypedArray, dtype: DType): Float32Array | Int32Array | Uint8Array {
  const td = tfDtype(dtype);
  if (td === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (td === 'bool') return Uint8Array.from(data, (v) => (v ? 1 : 0));
  if (dtype === 'int64') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < INT32_MIN || v > INT32_MAX) {
        refuse(new RuntimeError(`the tfjs device stores int64 as int32 (TensorFlow.js has no 64-bit integers): value ${v} at index ${i} is out of range`));
      }
    }
  }
  return data instanceof Int32Array ? data : Int32Array.from(data);
}

/** A tfjs tensor's values as Flambeau's host array of `dtype` (a fresh array). */
export function fromTfArray(values: ArrayLike<number>, dtype: DType): TypedArray {
  const out = new (arrayType(dtype))(values.length);
  out.set(values as ArrayLike<number>);
  return out;
}

/** Checks that a number can be stored as `dtype` on this device. */
export function checkValue(value: number, dtype: DType): void {
  if (dtype === 'int64' && Number.isFinite(value) && (value < INT32_MIN || value > INT32_MAX)) {
    refuse(new RuntimeError(`the tfjs device stores int64 as int32 (TensorFlow.js has no 64-bit integers): value ${value} is out of range`));
  }
}
