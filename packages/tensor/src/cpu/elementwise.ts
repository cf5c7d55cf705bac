import type { BinaryOp, Storage, StridedView, UnaryOp } from '../backend.js';
import { type DType, allocArray, isFloating } from '../dtype.js';
import { isContiguous, numel } from '../shape.js';
import { divFloor, erf, erfc, pyRemainder, roundHalfEven } from './math.js';
import { Rows } from './iter.js';
import { arr } from './storage.js';
import type { TypedArray } from '../dtype.js';
import { nativeKernels } from './native.js';
import { NATIVE_MIN, nativeViews, sameFloat } from './native_views.js';
import { WASM_MIN, wasmBinary, wasmBinaryCode, wasmBinaryScalar, wasmKernels, wasmUnary, wasmUnaryCode } from './wasm_kernels.js';

type F1 = (x: number) => number;

/** The native addon's codes (elementwise.c) of the ops it computes. */
const NATIVE_BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const NATIVE_UNARY: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, relu: 2, sqrt: 3, square: 4 };
const NATIVE_COMPARE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
type F2 = (a: number, b: number) => number;

export const UNARY: Record<UnaryOp, F1> = {
  neg: (x) => -x,
  abs: Math.abs,
  // sign(NaN) is 0 in PyTorch.
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? x : 0),
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  frac: (x) => x - Math.trunc(x),
  reciprocal: (x) => 1 / x,
  erf,
  erfc,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  square: (x) => x * x,
  bitwiseNot: (x) => ~x,
};

const FLOAT_BINARY: Record<BinaryOp, F2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => (a === 1 || b === 0 ? 1 : a ** b),
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  atan2: Math.atan2,
  fmod: (a, b) => a % b,
  remainder: pyRemainder,
  floorDivide: divFloor,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
};

/** Integer ops that differ from the float formula: C's truncating division semantics. */
const INT_BINARY: Partial<Record<BinaryOp, F2>> = {
  mul: (a, b) => (Math.abs(a * b) < 2 ** 53 ? a * b : Number(BigInt.asIntN(64, BigInt(a) * BigInt(b)))),
  pow: (a, b) => (b < 0 ? (a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0) : a ** b),
  floorDivide: (a, b) => Math.floor(a / b),
  fmod: (a, b) => a % b,
};

export function unaryKernel(op: UnaryOp, x: StridedView, outDtype: DType, make: (d: DType, a: TypedArray) => Storage): Storage {
  const out = allocArray(outDtype, numel(x.shape));
  unaryWrite(op, x, out);
  return make(outDtype, out);
}

/** The `out=` form: into a dense view (`x.relu_()` passes `x` itself). */
export function unaryIntoKernel(op: UnaryOp, x: StridedView, dst: StridedView): void {
  unaryWrite(op, x, denseOut(dst));
}

/** The elements of a dense view, as a typed array of its own (sharing the buffer). */
function denseOut(dst: StridedView): TypedArray {
  return arr(dst).subarray(dst.offset, dst.offset + numel(dst.shape));
}

/** `out[i] = f(x[i])` in row-major order; reads element i of `x` before writing `out[i]`. */
function unaryWrite(op: UnaryOp, x: StridedView, out: TypedArray): void {
  const f = UNARY[op];
  const n = out.length;
  const src = arr(x);
  const nat = n >= NATIVE_MIN ? nativeKernels() : null;
  const code = NATIVE_UNARY[op];
  if (nat && code !== undefined && sameFloat(src, out)) {
    const desc = nativeViews(x.shape, null, x);
    if (desc) return nat.unary(code, out, src, desc);
  }
  if (isContiguous(x.shape, x.strides)) {
    const o = x.offset;
    const code = n >= WASM_MIN && src instanceof Float32Array && out instanceof Float32Array ? wasmUnaryCode(op) : -1;
    const m = code >= 0 ? wasmKernels() : null;
    if (m) return wasmUnary(m, code, src, o, out);
    for (let i = 0; i < n; i++) out[i] = f(src[o + i]);
    return;
  }
  const it = new Rows(x.shape, [x]);
  const { inner } = it;
  const sx = it.step[0];
  let p = 0;
  for (let r = 0; r < it.count; r++, it.next()) {
    for (let j = 0, ix = it.at[0]; j < inner; j++, ix += sx) out[p++] = f(src[ix]);
  }
}

export function binaryKernel(
  op: BinaryOp,
  a: StridedView,
  b: StridedView,
  computeDtype: DType,
  outDtype: DType,
  make: (d: DType, a: TypedArray) => Storage,
): Storage {
  const out = allocArray(outDtype, numel(a.shape));
  binaryWrite(op, a, b, computeDtype, outDtype, out);
  return make(outDtype, out);
}

/** The `out=` form: into a dense view of the output dtype (`x.add_(y)` passes `x` itself as `a` and `dst`). */
export function binaryIntoKernel(op: BinaryOp, a: StridedView, b: StridedView, computeDtype: DType, dst: StridedView): void {
  binaryWrite(op, a, b, computeDtype, dst.dtype, denseOut(dst));
}

/** `out[i] = a[i] op b[i]` in row-major order; reads element i of `a` and `b` before writing `out[i]`. */
function binaryWrite(op: BinaryOp, a: StridedView, b: StridedView, computeDtype: DType, outDtype: DType, out: TypedArray): void {
  const g = (!isFloating(computeDtype) && INT_BINARY[op]) || FLOAT_BINARY[op];
  // true + true is true: a bool store saturates, as in C++.
  const f = outDtype === 'bool' && op === 'add' ? (x: number, y: number) => (g(x, y) !== 0 ? 1 : 0) : g;
  const n = out.length;
  const A = arr(a);
  const B = arr(b);
  const nat = n >= NATIVE_MIN ? nativeKernels() : null;
  const code = NATIVE_BINARY[op];
  const exact = (computeDtype === 'float64') === A instanceof Float64Array;
  if (nat && code !== undefined && sameFloat(A, B, out) && exact) {
    const desc = nativeViews(a.shape, null, a, b);
    if (desc) return nat.binary(code, out, A, B, desc);
  }
  const cmp = NATIVE_COMPARE[op];
  if (nat && cmp !== undefined && out instanceof Uint8Array && sameFloat(A, B) && exact) {
    const desc = nativeViews(a.shape, null, a, b);
    if (desc) return nat.compare(cmp, out, A, B, desc);
  }
  // Results are computed in float64 and rounded once on store: for + - * / that equals float32 arithmetic.
  if (f === FLOAT_BINARY[op] && arithmeticFastPath(op, out, a, b, n)) return;
  if (out instanceof Uint8Array && A instanceof Float32Array && B instanceof Float32Array && compareFastPath(op, out, A, a, B, b, n)) return;
  if (isContiguous(a.shape, a.strides) && isContiguous(b.shape, b.strides)) {
    const a0 = a.offset;
    const b0 = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(A[a0 + i], B[b0 + i]);
    return;
  }
  const it = new Rows(a.shape, [a, b]);
  if (f === FLOAT_BINARY[op] && arithmeticRows(op, out, A, B, it)) return;
  const { inner } = it;
  const sa = it.step[0];
  const sb = it.step[1];
  let p = 0;
  for (let r = 0; r < it.count; r++, it.next()) {
    for (let j = 0, ia = it.at[0], ib = it.at[1]; j < inner; j++, ia += sa, ib += sb) out[p++] = f(A[ia], B[ib]);
  }
}

/** A view that is one value repeated (a broadcast scalar): every stride is 0. */
function isBroadcastScalar(v: StridedView): boolean {
  return v.strides.every((s) => s === 0);
}

/**
 * + - * / over dense or broadcast-scalar operands, the shapes most calls have (optimizer updates,
 * bias adds, scaling): one loop per operator, so V8 compiles each without a call per element.
 */
function arithmeticFastPath(op: BinaryOp, out: TypedArray, a: StridedView, b: StridedView, n: number): boolean {
  if (op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div') return false;
  const aS = isBroadcastScalar(a);
  const bS = isBroadcastScalar(b);
  if ((!aS && !isContiguous(a.shape, a.strides)) || (!bS && !isContiguous(b.shape, b.strides)) || (aS && bS)) return false;
  const A = arr(a), B = arr(b), a0 = a.offset, b0 = b.offset;
  const m = n >= WASM_MIN && out instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array ? wasmKernels() : null;
  if (m) {
    const code = wasmBinaryCode(op);
    if (bS) wasmBinaryScalar(m, code, A, a0, B[b0], false, out);
    else if (aS) wasmBinaryScalar(m, code, B, b0, A[a0], true, out);
    else wasmBinary(m, code, A, a0, B, b0, out);
    return true;
  }
  if (bS) {
    const y = B[b0];
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = A[a0 + i] + y;
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = A[a0 + i] - y;
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = A[a0 + i] * y;
    else for (let i = 0; i < n; i++) out[i] = A[a0 + i] / y;
  } else if (aS) {
    const x = A[a0];
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = x + B[b0 + i];
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = x - B[b0 + i];
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = x * B[b0 + i];
    else for (let i = 0; i < n; i++) out[i] = x / B[b0 + i];
  } else if (op === 'add') for (let i = 0; i < n; i++) out[i] = A[a0 + i] + B[b0 + i];
  else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = A[a0 + i] - B[b0 + i];
  else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = A[a0 + i] * B[b0 + i];
  else for (let i = 0; i < n; i++) out[i] = A[a0 + i] / B[b0 + i];
  return true;
}

/**
 * Comparisons of dense float32 operands, or against a scalar (relu's backward mask, bounds
 * checks): one loop per operator over float32 arrays only, so each compiles to a tight loop.
 */
function compareFastPath(op: BinaryOp, out: Uint8Array, A: Float32Array, a: StridedView, B: Float32Array, b: StridedView, n: number): boolean {
  if (op !== 'eq' && op !== 'ne' && op !== 'lt' && op !== 'le' && op !== 'gt' && op !== 'ge') return false;
  if (!isContiguous(a.shape, a.strides)) return false;
  const a0 = a.offset, b0 = b.offset;
  if (isBroadcastScalar(b)) {
    const y = B[b0];
    if (op === 'gt') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] > y);
    else if (op === 'ge') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] >= y);
    else if (op === 'lt') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] < y);
    else if (op === 'le') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] <= y);
    else if (op === 'eq') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] === y);
    else for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] !== y);
    return true;
  }
  if (!isContiguous(b.shape, b.strides)) return false;
  if (op === 'gt') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] > B[b0 + i]);
  else if (op === 'ge') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] >= B[b0 + i]);
  else if (op === 'lt') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] < B[b0 + i]);
  else if (op === 'le') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] <= B[b0 + i]);
  else if (op === 'eq') for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] === B[b0 + i]);
  else for (let i = 0; i < n; i++) out[i] = +(A[a0 + i] !== B[b0 + i]);
  return true;
}

/**
 * + - * / over strided or broadcast operands, row by row: a row where one side is constant
 * (a per-channel bias over H·W) reads it once.
 */
function arithmeticRows(op: BinaryOp, out: TypedArray, A: TypedArray, B: TypedArray, it: Rows): boolean {
  if (op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div') return false;
  const { inner } = it;
  const sa = it.step[0];
  const sb = it.step[1];
  // Rows of one contiguous and one contiguous or constant operand (a bias add): SIMD per row.
  const m = inner >= WASM_MIN && sa === 1 && (sb === 1 || sb === 0) && out instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array
    ? wasmKernels() : null;
  const code = wasmBinaryCode(op);
  let p = 0;
  for (let r = 0; r < it.count; r++, it.next(), p += inner) {
    const ia = it.at[0];
    const ib = it.at[1];
    if (m) {
      const row = out.subarray(p, p + inner);
      if (sb === 0) wasmBinaryScalar(m, code, A, ia, B[ib], false, row);
      else wasmBinary(m, code, A, ia, B, ib, row);
    } else if (sb === 0) {
      const y = B[ib];
      if (op === 'add') for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] + y;
      else if (op === 'sub') for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] - y;
      else if (op === 'mul') for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] * y;
      else for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] / y;
    } else if (sa === 0) {
      const x = A[ia];
      if (op === 'add') for (let j = 0; j < inner; j++) out[p + j] = x + B[ib + j * sb];
      else if (op === 'sub') for (let j = 0; j < inner; j++) out[p + j] = x - B[ib + j * sb];
      else if (op === 'mul') for (let j = 0; j < inner; j++) out[p + j] = x * B[ib + j * sb];
      else for (let j = 0; j < inner; j++) out[p + j] = x / B[ib + j * sb];
    } else if (op === 'add') for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] + B[ib + j * sb];
    else if (op === 'sub') for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] - B[ib + j * sb];
    else if (op === 'mul') for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] * B[ib + j * sb];
    else for (let j = 0; j < inner; j++) out[p + j] = A[ia + j * sa] / B[ib + j * sb];
  }
  return true;
}

export function whereKernel(cond: StridedView, a: StridedView, b: StridedView, outDtype: DType, make: (d: DType, a: TypedArray) => Storage): Storage {
  const out = allocArray(outDtype, numel(cond.shape));
  const C = arr(cond), A = arr(a), B = arr(b);
  const nat = out.length >= NATIVE_MIN && sameFloat(out, A, B) ? nativeKernels() : null;
  const desc = nat && C instanceof Uint8Array ? nativeViews(cond.shape, null, cond, a, b) : null;
  if (nat && desc) {
    nat.where(out, C as Uint8Array, A, B, desc);
    return make(outDtype, out);
  }
  if (out instanceof Float32Array && C instanceof Uint8Array && A instanceof Float32Array && B instanceof Float32Array && isContiguous(cond.shape, cond.strides)) {
    if (whereFloat32(out, C, cond.offset, A, a, B, b)) return make(outDtype, out);
  }
  const it = new Rows(cond.shape, [cond, a, b]);
  const { inner } = it;
  const sc = it.step[0], sa = it.step[1], sb = it.step[2];
  let p = 0;
  for (let r = 0; r < it.count; r++, it.next()) {
    let ic = it.at[0], ia = it.at[1], ib = it.at[2];
    for (let j = 0; j < inner; j++, ic += sc, ia += sa, ib += sb) out[p++] = C[ic] !== 0 ? A[ia] : B[ib];
  }
  return make(outDtype, out);
}

/** `where` over a dense mask with dense or scalar float32 branches (relu's and clamp's backward): no row walker. */
function whereFloat32(out: Float32Array, C: Uint8Array, c0: number, A: Float32Array, a: StridedView, B: Float32Array, b: StridedView): boolean {
  const n = out.length;
  const aS = isBroadcastScalar(a), bS = isBroadcastScalar(b);
  if ((!aS && !isContiguous(a.shape, a.strides)) || (!bS && !isContiguous(b.shape, b.strides))) return false;
  const a0 = a.offset, b0 = b.offset;
  if (bS && !aS) {
    const y = B[b0];
    for (let i = 0; i < n; i++) out[i] = C[c0 + i] !== 0 ? A[a0 + i] : y;
  } else if (aS && !bS) {
    const x = A[a0];
    for (let i = 0; i < n; i++) out[i] = C[c0 + i] !== 0 ? x : B[b0 + i];
  } else if (!aS) {
    for (let i = 0; i < n; i++) out[i] = C[c0 + i] !== 0 ? A[a0 + i] : B[b0 + i];
  } else return false;
  return true;
}

export function clampKernel(x: StridedView, min: number | null, max: number | null, outDtype: DType, make: (d: DType, a: TypedArray) => Storage): Storage {
  const out = allocArray(outDtype, numel(x.shape));
  const X = arr(x);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const it = new Rows(x.shape, [x]);
  const { inner } = it;
  const sx = it.step[0];
  let p = 0;
  for (let r = 0; r < it.count; r++, it.next()) {
    for (let j = 0, ix = it.at[0]; j < inner; j++, ix += sx) {
      const v = X[ix];
      // PyTorch: min(max(x, lo), hi), NaN propagates; when lo > hi every element becomes hi.
      out[p++] = v !== v ? v : Math.min(Math.max(v, lo), hi);
    }
  }
  return make(outDtype, out);
}
