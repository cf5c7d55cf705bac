import { DTypeError } from './errors.js';
import { roundHalf } from './half.js';
import { allocChecked } from './size_check.js';

export { halfBits, halfFromBits, roundHalf, roundHalfArray } from './half.js';

/**
 * Element types, PyTorch's names without the `torch.` prefix.
 * `int64` (PyTorch's `long`) is stored in a Float64Array: exact for |x| ≤ 2^53, which covers labels,
 * indices and counters; this keeps every kernel on plain numbers instead of BigInt.
 * `float16` (PyTorch's `half`) is held on the CPU in a Float32Array whose elements are always
 * float16 values: every CPU kernel computes in float32/float64 and rounds its result to half, as
 * PyTorch computes half ops in float (its `opmath` type) and stores half; reads return that
 * Float32Array. Devices may store it as real 16-bit words (webgpu with `shader-f16`).
 */
export type DType = 'float16' | 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'uint8';

export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'int64', 'float16', 'float32', 'float64'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The typed array that stores each dtype on the CPU. */
export function arrayType(dtype: DType): { new (n: number | ArrayLike<number> | ArrayBufferLike): TypedArray; readonly BYTES_PER_ELEMENT: number } {
  switch (dtype) {
    case 'float32': case 'float16': return Float32Array;
    case 'float64': case 'int64': return Float64Array;
    case 'int32': return Int32Array;
    case 'bool': case 'uint8': return Uint8Array;
    default: throw new DTypeError(`unknown dtype ${String(dtype)}`);
  }
}

/** A zeroed typed array of `n` elements holding `dtype` (int64 as Float64Array, bool as Uint8Array). */
export function allocArray(dtype: DType, n: number): TypedArray {
  return allocChecked(arrayType(dtype), n);
}

/** `dtype.is_floating_point`: float16, float32 or float64. */
export function isFloating(d: DType): boolean { return d === 'float32' || d === 'float64' || d === 'float16'; }
/** Whether `d` is an integer dtype (bool too with `includeBool`), as PyTorch's `isIntegralType`. */
export function isIntegral(d: DType, includeBool = false): boolean {
  return d === 'int32' || d === 'int64' || d === 'uint8' || (includeBool && d === 'bool');
}

let defaultDtype: DType = 'float32';
/** `torch.set_default_dtype`. Only floating dtypes are allowed, as in PyTorch. */
export function setDefaultDtype(dtype: DTypeLike): void {
  const d = toDType(dtype);
  if (!isFloating(d)) throw new DTypeError(`only floating-point types are supported as the default type, got ${d}`);
  defaultDtype = d;
}
/** `torch.get_default_dtype`. */
export function getDefaultDtype(): DType { return defaultDtype; }

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, int64: 3, float16: 4, float32: 5, float64: 6 };

/** `torch.promote_types`. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (isFloating(a) || isFloating(b)) {
    if (isFloating(a) && isFloating(b)) return RANK[a] > RANK[b] ? a : b;
    return isFloating(a) ? a : b;
  }
  return RANK[a] > RANK[b] ? a : b;
}

/** One operand of `resultType`: a tensor's dtype and rank, or a JS scalar. */
export type Operand = { dtype: DType; ndim: number } | number | boolean;

function scalarDtype(x: number | boolean): DType {
  if (typeof x === 'boolean') return 'bool';
  return Number.isInteger(x) ? 'int64' : defaultDtype;
}

/**
 * `torch.result_type`: dimensioned tensors outrank zero-dim tensors, which outrank scalars, except
 * that a lower-priority operand of a higher category (bool < integer < float) lifts the result to
 * that category. JS numbers that are integers count as Python ints, others as Python floats.
 */
export function resultType(...ops: Operand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  for (const o of ops) {
    if (typeof o === 'number' || typeof o === 'boolean') {
      const d = scalarDtype(o);
      wrapped = wrapped === undefined ? d : promoteTypes(wrapped, d);
    } else if (o.ndim === 0) {
      zero = zero === undefined ? o.dtype : promoteTypes(zero, o.dtype);
    } else {
      dim = dim === undefined ? o.dtype : promoteTypes(dim, o.dtype);
    }
  }
  // Scalars of float category take the default dtype, as Python floats do in PyTorch.
  if (wrapped !== undefined && isFloating(wrapped)) wrapped = defaultDtype;
  return combine(dim, combine(zero, wrapped)) ?? defaultDtype;
}

function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloating(higher)) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/** Converts a number to what storing it in `dtype` keeps (int64 lives in a Float64Array). */
export function castScalar(x: number, dtype: DType): number {
  switch (dtype) {
    case 'float32': return Math.fround(x);
    case 'float16': return roundHalf(x);
    case 'float64': return x;
    case 'int64': return Number.isFinite(x) ? Math.trunc(x) : 0;
    case 'int32': return x | 0;
    case 'uint8': return x & 255;
    case 'bool': return x !== 0 ? 1 : 0;
  }
}

/** The printed name PyTorch uses (`torch.int32`), for error messages and tensor printing. */
export function torchName(d: DType): string { return `torch.${d}`; }

/**
 * A dtype object, PyTorch's `torch.dtype`: `torch.float32`, `torch.long`, … One object per dtype
 * (aliases included: `torch.float === torch.float32`), printing as PyTorch does (`torch.float32`).
 * Accepted wherever a dtype is, as the dtype's name (`'float32'`) is; a tensor's `t.dtype` is the
 * name, which the kernels and backends read (`t.dtype === torch.float32.name`).
 *
 * @example
 * torch.zeros(2, { dtype: torch.long }).dtype; // 'int64'
 * String(torch.double); // 'torch.float64'
 */
export class Dtype {
  private static readonly interned = new Map<DType, Dtype>();
  private constructor(readonly name: DType) {}

  /** The interned object for a dtype name (or the object itself). */
  static of(d: DTypeLike): Dtype {
    if (d instanceof Dtype) return d;
    let o = Dtype.interned.get(d);
    if (!o) {
      arrayType(d);
      Dtype.interned.set(d, (o = new Dtype(d)));
    }
    return o;
  }
  /** `dtype.is_floating_point`. */
  get isFloatingPoint(): boolean { return isFloating(this.name); }
  /** `dtype.is_signed`: false for bool and uint8. */
  get isSigned(): boolean { return this.name !== 'bool' && this.name !== 'uint8'; }
  /** `dtype.is_complex`: no complex dtypes here. */
  get isComplex(): boolean { return false; }
  toString(): string { return torchName(this.name); }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return torchName(this.name); }
}

/** What a `dtype=` argument accepts: a dtype name (`'float32'`) or a dtype object (`torch.float32`). */
export type DTypeLike = DType | Dtype;

/** The dtype name of a `dtype=` argument. */
export function toDType(d: DTypeLike): DType {
  return d instanceof Dtype ? d.name : d;
}

/** Whether `v` names a dtype: one of {@link DTYPES} or a dtype object. */
export function isDTypeLike(v: unknown): v is DTypeLike {
  return v instanceof Dtype || (typeof v === 'string' && (DTYPES as readonly string[]).includes(v));
}

/** `torch.float32`, alias `torch.float`. */
export const float32 = Dtype.of('float32');
export const float = float32;
/** `torch.float16`, alias `torch.half`. */
export const float16 = Dtype.of('float16');
export const half = float16;
/** `torch.float64`, alias `torch.double`. */
export const float64 = Dtype.of('float64');
export const double = float64;
/** `torch.int64`, alias `torch.long`. */
export const int64 = Dtype.of('int64');
export const long = int64;
/** `torch.int32`, alias `torch.int`. */
export const int32 = Dtype.of('int32');
export const int = int32;
/** `torch.bool`. */
export const bool = Dtype.of('bool');
/** `torch.uint8`. */
export const uint8 = Dtype.of('uint8');
