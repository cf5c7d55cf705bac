import type { BinaryOp, Storage, StridedView, UnaryOp } from '../backend.js';
import { type DType, allocArray, isFloating } from '../dtype.js';
import { isContiguous, numel } from '../shape.js';
import { divFloor, erf, erfc, pyRemainder, roundHalfEven } from './math.js';
import { offsets } from './iter.js';
import { arr } from './storage.js';
import type { TypedArray } from '../dtype.js';

type F1 = (x: number) => number;
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
  const f = UNARY[op];
  const n = numel(x.shape);
  const out = allocArray(outDtype, n);
  const src = arr(x);
  const ox = offsets(x);
  if (ox === null) {
    const o = x.offset;
    for (let i = 0; i < n; i++) out[i] = f(src[o + i]);
  } else {
    for (let i = 0; i < n; i++) out[i] = f(src[ox[i]]);
  }
  return make(outDtype, out);
}

export function binaryKernel(
  op: BinaryOp,
  a: StridedView,
  b: StridedView,
  computeDtype: DType,
  outDtype: DType,
  make: (d: DType, a: TypedArray) => Storage,
): Storage {
  const g = (!isFloating(computeDtype) && INT_BINARY[op]) || FLOAT_BINARY[op];
  // true + true is true: a bool store saturates, as in C++.
  const f = outDtype === 'bool' && op === 'add' ? (x: number, y: number) => (g(x, y) !== 0 ? 1 : 0) : g;
  const n = numel(a.shape);
  const out = allocArray(outDtype, n);
  const A = arr(a);
  const B = arr(b);
  // Results are computed in float64 and rounded once on store: for + - * / that equals float32 arithmetic.
  if (f === FLOAT_BINARY[op] && arithmeticFastPath(op, out, a, b, n)) return make(outDtype, out);
  const oa = offsets(a);
  const ob = offsets(b);
  const a0 = a.offset;
  const b0 = b.offset;
  if (oa === null && ob === null) {
    for (let i = 0; i < n; i++) out[i] = f(A[a0 + i], B[b0 + i]);
  } else if (ob !== null && oa === null) {
    for (let i = 0; i < n; i++) out[i] = f(A[a0 + i], B[ob[i]]);
  } else if (oa !== null && ob === null) {
    for (let i = 0; i < n; i++) out[i] = f(A[oa[i]], B[b0 + i]);
  } else {
    for (let i = 0; i < n; i++) out[i] = f(A[oa![i]], B[ob![i]]);
  }
  return make(outDtype, out);
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

export function whereKernel(cond: StridedView, a: StridedView, b: StridedView, outDtype: DType, make: (d: DType, a: TypedArray) => Storage): Storage {
  const n = numel(cond.shape);
  const out = allocArray(outDtype, n);
  const C = arr(cond), A = arr(a), B = arr(b);
  const oc = offsets(cond) ?? dense(cond.offset, n);
  const oa = offsets(a) ?? dense(a.offset, n);
  const ob = offsets(b) ?? dense(b.offset, n);
  for (let i = 0; i < n; i++) out[i] = C[oc[i]] !== 0 ? A[oa[i]] : B[ob[i]];
  return make(outDtype, out);
}

export function clampKernel(x: StridedView, min: number | null, max: number | null, outDtype: DType, make: (d: DType, a: TypedArray) => Storage): Storage {
  const n = numel(x.shape);
  const out = allocArray(outDtype, n);
  const X = arr(x);
  const ox = offsets(x) ?? dense(x.offset, n);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  for (let i = 0; i < n; i++) {
    const v = X[ox[i]];
    // PyTorch: min(max(x, lo), hi), NaN propagates; when lo > hi every element becomes hi.
    out[i] = v !== v ? v : Math.min(Math.max(v, lo), hi);
  }
  return make(outDtype, out);
}

export function dense(offset: number, n: number): Int32Array {
  const o = new Int32Array(n);
  for (let i = 0; i < n; i++) o[i] = offset + i;
  return o;
}
