/** Elementwise, reduction and matmul kernels as tfjs kernel calls. */
import type * as TF from '@tensorflow/tfjs-core';
import { type BinaryOp, type DType, type ReduceOp, type StridedView, type UnaryOp, isFloating } from '@flambeau/tensor';
import { tfDtype } from './storage.js';
import { hasKernel, run, tf } from './tfjs.js';
import { castTo, reshape, transpose, viewTensor } from './views.js';

const LN2 = Math.LN2;
const LN10 = Math.LN10;

const s = (v: number, dtype: DType = 'float32') => tf.scalar(v, tfDtype(dtype));
const k1 = (name: string) => (x: TF.Tensor) => run(name, { x });

/** tfjs kernels each unary op needs (for the up-front fallback report). */
export const UNARY_KERNELS: Record<UnaryOp, string[]> = {
  neg: ['Neg'], abs: ['Abs'], sign: ['Sign'], exp: ['Exp'], exp2: ['Pow'], expm1: ['Expm1'], log: ['Log'],
  log2: ['Log', 'Multiply'], log10: ['Log', 'Multiply'], log1p: ['Log1p'], sqrt: ['Sqrt'], rsqrt: ['Rsqrt'], sin: ['Sin'],
  cos: ['Cos'], tan: ['Tan'], asin: ['Asin'], acos: ['Acos'], atan: ['Atan'], sinh: ['Sinh'], cosh: ['Cosh'], tanh: ['Tanh'],
  asinh: ['Asinh'], acosh: ['Acosh'], atanh: ['Atanh'], sigmoid: ['Sigmoid'], relu: ['Relu'], floor: ['Floor'], ceil: ['Ceil'],
  round: ['Round'], trunc: ['Sign', 'Abs', 'Floor', 'Multiply'], frac: ['Sign', 'Abs', 'Floor', 'Multiply', 'Sub'],
  reciprocal: ['Reciprocal'], erf: ['Erf'],
  // 1 - erf(x) loses every digit of erfc for x > 3 in float32, and tfjs has no Erfc kernel.
  erfc: ['Erfc'],
  logicalNot: ['LogicalNot'], isnan: ['IsNan'], isinf: ['IsInf'], isfinite: ['IsFinite'], square: ['Square'],
  bitwiseNot: ['Neg', 'Sub', 'LogicalNot'],
};

function trunc(x: TF.Tensor): TF.Tensor {
  return run('Multiply', { a: run('Sign', { x }), b: run('Floor', { x: run('Abs', { x }) }) });
}

const UNARY: Partial<Record<UnaryOp, (x: TF.Tensor) => TF.Tensor>> = {
  neg: k1('Neg'), abs: k1('Abs'), sign: k1('Sign'), exp: k1('Exp'), expm1: k1('Expm1'), log: k1('Log'), log1p: k1('Log1p'),
  sqrt: k1('Sqrt'), rsqrt: k1('Rsqrt'), sin: k1('Sin'), cos: k1('Cos'), tan: k1('Tan'), asin: k1('Asin'), acos: k1('Acos'),
  atan: k1('Atan'), sinh: k1('Sinh'), cosh: k1('Cosh'), tanh: k1('Tanh'), asinh: k1('Asinh'), acosh: k1('Acosh'),
  atanh: k1('Atanh'), sigmoid: k1('Sigmoid'), relu: k1('Relu'), floor: k1('Floor'), ceil: k1('Ceil'), round: k1('Round'),
  reciprocal: k1('Reciprocal'), erf: k1('Erf'), isnan: k1('IsNan'), isinf: k1('IsInf'), isfinite: k1('IsFinite'),
  square: k1('Square'),
  exp2: (x) => run('Pow', { a: s(2), b: x }),
  log2: (x) => run('Multiply', { a: run('Log', { x }), b: s(1 / LN2) }),
  log10: (x) => run('Multiply', { a: run('Log', { x }), b: s(1 / LN10) }),
  trunc,
  frac: (x) => run('Sub', { a: x, b: trunc(x) }),
};

/** Whether `unary(op)` runs on tfjs kernels of the active backend. */
export function unaryNative(op: UnaryOp): boolean {
  return op !== 'erfc' && UNARY_KERNELS[op].every(hasKernel);
}

export function unary(op: UnaryOp, xv: StridedView, outDtype: DType): TF.Tensor {
  const x = viewTensor(xv);
  if (op === 'logicalNot') return run('LogicalNot', { x: castTo(x, 'bool') });
  if (op === 'bitwiseNot') {
    return xv.dtype === 'bool' ? run('LogicalNot', { x }) : run('Sub', { a: run('Neg', { x }), b: s(1, 'int32') });
  }
  if (op === 'isnan' || op === 'isinf' || op === 'isfinite') {
    if (!isFloating(xv.dtype)) return run('Fill', {}, { shape: [...xv.shape], value: op === 'isfinite' ? 1 : 0, dtype: 'bool' });
    return UNARY[op]!(x);
  }
  // Integer inputs of float-valued ops (sqrt of an int tensor) compute in the output dtype.
  return UNARY[op]!(castTo(x, outDtype === 'bool' ? xv.dtype : outDtype));
}

const BINARY_KERNELS: Record<BinaryOp, string[]> = {
  add: ['Add'], sub: ['Sub'], mul: ['Multiply'], div: ['RealDiv'], pow: ['Pow'], maximum: ['Maximum'], minimum: ['Minimum'],
  atan2: ['Atan2'], fmod: ['Mod', 'Sub', 'Multiply', 'Sign', 'Abs'], remainder: ['Mod'], floorDivide: ['FloorDiv', 'RealDiv', 'Floor'], eq: ['Equal'],
  ne: ['NotEqual'], lt: ['Less'], le: ['LessEqual'], gt: ['Greater'], ge: ['GreaterEqual'], logicalAnd: ['LogicalAnd'],
  logicalOr: ['LogicalOr'], logicalXor: ['NotEqual'], bitwiseAnd: ['BitwiseAnd', 'LogicalAnd'],
  // tfjs 4.22 has BitwiseAnd only.
  bitwiseOr: ['BitwiseOr'], bitwiseXor: ['BitwiseXor'],
};
export { BINARY_KERNELS };

export function binaryNative(op: BinaryOp): boolean {
  return BINARY_KERNELS[op].every(hasKernel);
}

function operand(v: StridedView | number, dtype: DType): TF.Tensor {
  return typeof v === 'number' ? s(v, dtype) : castTo(viewTensor(v, { broadcast: false }), dtype);
}

function logical(op: BinaryOp): boolean {
  return op === 'logicalAnd' || op === 'logicalOr' || op === 'logicalXor';
}

const BIN: Partial<Record<BinaryOp, string>> = {
  add: 'Add', sub: 'Sub', mul: 'Multiply', div: 'RealDiv', pow: 'Pow', maximum: 'Maximum', minimum: 'Minimum', atan2: 'Atan2',
  remainder: 'Mod', floorDivide: 'FloorDiv', eq: 'Equal', ne: 'NotEqual', lt: 'Less', le: 'LessEqual', gt: 'Greater',
  ge: 'GreaterEqual', logicalAnd: 'LogicalAnd', logicalOr: 'LogicalOr', logicalXor: 'NotEqual',
};

/** Ops whose bool form is arithmetic on 0/1 then cast back (True + True is True); tfjs would keep the 2. */
const ARITHMETIC = new Set<BinaryOp>(['add', 'sub', 'mul', 'pow', 'maximum', 'minimum', 'remainder', 'fmod', 'floorDivide']);

export function binary(op: BinaryOp, av: StridedView | number, bv: StridedView | number, computeDtype: DType, shape: readonly number[]): TF.Tensor {
  const dt = logical(op) ? 'bool' : computeDtype === 'bool' && ARITHMETIC.has(op) ? 'int32' : computeDtype;
  const a = operand(av, dt);
  const b = operand(bv, dt);
  let out: TF.Tensor;
  if (op === 'floorDivide' && isFloating(dt)) {
    // tfjs's FloorDiv returns int32, losing inf and NaN (x // 0): floor of the true quotient instead.
    out = run('Floor', { x: run('RealDiv', { a, b }) });
  } else if (op === 'fmod') {
    // C's fmod: the remainder takes the dividend's sign (a - trunc(a / b) * b).
    const m = run('Mod', { a: run('Abs', { x: a }), b: run('Abs', { x: b }) });
    out = run('Multiply', { a: m, b: run('Sign', { x: a }) });
  } else if (op === 'bitwiseAnd') {
    out = dt === 'bool' ? run('LogicalAnd', { a, b }) : run('BitwiseAnd', { a, b });
  } else {
    out = run(BIN[op]!, { a, b });
  }
  // Broadcasting of size-1 dims happened inside tfjs; a result smaller than the output is tiled.
  return out.shape.length === shape.length && out.shape.every((n, i) => n === shape[i]) ? out : broadcastTo(out, shape);
}

export function broadcastTo(t: TF.Tensor, shape: readonly number[]): TF.Tensor {
  const r = t.shape.length < shape.length ? reshape(t, [...new Array(shape.length - t.shape.length).fill(1), ...t.shape]) : t;
  return run('Tile', { x: r }, { reps: shape.map((n, i) => (r.shape[i] === n ? 1 : n)) });
}

export function where(cv: StridedView, av: StridedView | number, bv: StridedView | number, outDtype: DType): TF.Tensor {
  const shape = cv.shape;
  const full = (v: StridedView | number) =>
    typeof v === 'number' ? run('Fill', {}, { shape: [...shape], value: v, dtype: tfDtype(outDtype) }) : castTo(viewTensor(v), outDtype);
  return run('Select', { condition: castTo(viewTensor(cv), 'bool'), t: full(av), e: full(bv) });
}

export function clamp(xv: StridedView, min: number | null, max: number | null, outDtype: DType): TF.Tensor {
  const x = castTo(viewTensor(xv), outDtype);
  if (min !== null && max !== null && min > max) {
    // PyTorch's min(max(x, lo), hi): every non-NaN element becomes hi.
    const hi = run('Fill', {}, { shape: x.shape, value: max, dtype: x.dtype });
    return isFloating(outDtype) ? run('Select', { condition: run('IsNan', { x }), t: x, e: hi }) : hi;
  }
  return run('ClipByValue', { x }, { clipValueMin: min ?? -Infinity, clipValueMax: max ?? Infinity });
}

const REDUCE: Record<ReduceOp, string> = { sum: 'Sum', prod: 'Prod', max: 'Max', min: 'Min', all: 'All', any: 'Any' };

/** What a reduction over no elements gives (PyTorch's identities; max/min of nothing is refused above). */
const IDENTITY: Partial<Record<ReduceOp, number>> = { sum: 0, prod: 1, all: 1, any: 0 };

export function reduce(op: ReduceOp, xv: StridedView, dims: readonly number[], outDtype: DType): TF.Tensor {
  const inDtype = op === 'all' || op === 'any' ? 'bool' : op === 'max' || op === 'min' ? xv.dtype : outDtype;
  const outShape = xv.shape.filter((_, i) => !dims.includes(i));
  if (dims.some((d) => xv.shape[d] === 0) && IDENTITY[op] !== undefined) {
    return run('Fill', {}, { shape: outShape, value: IDENTITY[op], dtype: tfDtype(inDtype) });
  }
  // Reduced dims go last and become one, so every tfjs backend reduces the innermost axis only
  // (tfjs-backend-webgpu's Max/Min over leading axes give wrong values).
  const kept = xv.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const inner = dims.reduce((p, d) => p * xv.shape[d], 1);
  const moved = transpose(viewTensor(xv), [...kept, ...dims]);
  const x = reshape(castTo(moved, inDtype), [...outShape, inner]);
  dims = [outShape.length];
  // Max names its axes differently from the other reductions.
  const attrs = op === 'max' ? { reductionIndices: [...dims], keepDims: false } : { axis: [...dims], keepDims: false };
  const out = run(REDUCE[op], { x }, attrs);
  if ((op === 'max' || op === 'min') && isFloating(xv.dtype)) {
    // tfjs skips NaN in Max/Min; PyTorch propagates it.
    const nan = run('Any', { x: run('IsNan', { x }) }, { axis: [...dims], keepDims: false });
    return run('Select', { condition: nan, t: run('Fill', {}, { shape: out.shape, value: NaN, dtype: 'float32' }), e: out });
  }
  return reshape(out, outShape);
}

/** Batched matmul; a view that is a transpose of its last two dims goes in with tfjs's transpose flag. */
export function matmul(av: StridedView, bv: StridedView, outDtype: DType): TF.Tensor {
  const k = av.shape[av.shape.length - 1];
  if (k === 0) {
    const shape = [...av.shape.slice(0, -1), bv.shape[bv.shape.length - 1]];
    return run('Fill', {}, { shape, value: 0, dtype: tfDtype(outDtype) });
  }
  const compute = isFloating(outDtype) ? outDtype : 'float32';
  const [a, ta] = matrix(av);
  const [b, tb] = matrix(bv);
  const out = run('BatchMatMul', { a: castTo(a, compute), b: castTo(b, compute) }, { transposeA: ta, transposeB: tb });
  return castTo(isFloating(outDtype) ? out : run('Round', { x: out }), outDtype);
}

function matrix(v: StridedView): [TF.Tensor, boolean] {
  const nd = v.shape.length;
  const [r, c] = [v.shape[nd - 2], v.shape[nd - 1]];
  const [sr, sc] = [v.strides[nd - 2], v.strides[nd - 1]];
  if (r > 1 && c > 1 && sr === 1 && sc === r) {
    const swapped = { ...v, shape: [...v.shape.slice(0, -2), c, r], strides: [...v.strides.slice(0, -2), sc, sr] };
    return [viewTensor(swapped, { broadcast: false }), true];
  }
  // tfjs broadcasts batch dims only: an expanded row or column is materialized.
  const expandedMatrix = (r > 1 && sr === 0) || (c > 1 && sc === 0);
  return [viewTensor(v, { broadcast: expandedMatrix }), false];
}

/**
 * Index of the max/min along `dim` (int64), first occurrence on ties; a NaN wins, the first one,
 * as in PyTorch (tfjs's ArgMax/ArgMin skip NaN).
 */
export function argReduce(op: 'argmax' | 'argmin', xv: StridedView, dim: number): TF.Tensor {
  const outShape = xv.shape.filter((_, i) => i !== dim);
  const rest = xv.shape.map((_, i) => i).filter((i) => i !== dim);
  const x = reshape(transpose(viewTensor(xv), [...rest, dim]), [...outShape, xv.shape[dim]]);
  const axis = outShape.length;
  const arg = run(op === 'argmax' ? 'ArgMax' : 'ArgMin', { x }, { axis });
  if (!isFloating(xv.dtype)) return arg;
  const nan = run('IsNan', { x });
  const firstNan = run('ArgMax', { x: castTo(nan, 'int32') }, { axis });
  return run('Select', { condition: run('Any', { x: nan }, { axis: [axis], keepDims: false }), t: firstNan, e: arg });
}
