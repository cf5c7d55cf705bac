import type { BinaryOp, UnaryOp } from '../backend.js';
import { type Attrs, defineOp } from '../dispatcher.js';
import { type DType, castScalar, getDefaultDtype, isFloating, resultType } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes, isContiguous, shapeEq } from '../shape.js';
import { type Scalar, type TensorOrScalar, Tensor, dtypeTitle, setResultTypeFn } from '../tensor.js';
import { deviceCheck } from '../validation.js';
import { commonBackend, fromStorage } from './util.js';
import { destinationPending, takeDestination } from './write_into.js';

/** The dtype an op over these operands computes in (`torch.result_type`). */
export function opResultType(...xs: readonly TensorOrScalar[]): DType {
  return resultType(...xs);
}
setResultTypeFn((a, b) => opResultType(a, b));

/** A view of `t` broadcast to `shape` (zero strides on expanded dims), without dispatching. */
export function broadcastView(t: Tensor, shape: readonly number[]): { storage: Tensor['storage']; dtype: DType; shape: readonly number[]; strides: readonly number[]; offset: number } {
  // Most operands already have the result's shape: their own strides, no new array.
  if (shape === t.shape || shapeEq(shape, t.shape)) return { storage: t.storage, dtype: t.dtype, shape, strides: t.strides, offset: t.offset };
  const nd = shape.length;
  const strides = new Array<number>(nd).fill(0);
  for (let i = 0; i < t.ndim; i++) {
    const o = nd - t.ndim + i;
    strides[o] = t.shape[i] === 1 && shape[o] !== 1 ? 0 : t.strides[i];
  }
  return { storage: t.storage, dtype: t.dtype, shape, strides, offset: t.offset };
}

/**
 * `x` when the op now running may write its `shape`/`out`-typed result into it (write_into.ts):
 * `x` is the pending destination and this op was called directly on it; the backend has the
 * `out=` kernel; `x` is dense with the result's dtype and shape; no autograd history is involved (no input
 * requires grad: nothing saved `x` to be cloned first); `other` does not overlap `x` except as
 * the very same view (element i is read before it is written).
 */
function destination(x: Tensor, shape: readonly number[], out: DType, compute: DType, other: Tensor | null, kernel: 'binaryInto' | 'unaryInto'): Tensor | null {
  if (!takeDestination(x)) return null;
  if (!x.backend[kernel] || x.dtype !== out || compute !== out || !shapeEq(shape, x.shape) || !isContiguous(x.shape, x.strides)) return null;
  if (x.requiresGrad || x._base?.requiresGrad || other?.requiresGrad) return null;
  if (other && other.storage === x.storage && !(other.offset === x.offset && shapeEq(other.shape, x.shape) && shapeEq(other.strides, x.strides))) return null;
  return x;
}

/** A new tensor object over `x`'s elements: the "result" of an op written into `x`. */
function aliasOf(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape, x.strides, x.offset);
}

/** A unary kernel's result as a tensor: written into the pending destination when allowed. */
function unaryForward(op: UnaryOp, x: Tensor, out: DType): Tensor {
  if (destinationPending() && destination(x, x.shape, out, out, null, 'unaryInto')) {
    x.backend.unaryInto!(op, x, x);
    return aliasOf(x);
  }
  return fromStorage(x.backend.unary(op, x, out), x.shape);
}

// Unary ops that always produce floating output (ints promote to the default float dtype).
const FLOAT_UNARY: UnaryOp[] = [
  'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
  'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'sigmoid', 'reciprocal', 'erf', 'erfc',
];
// Unary ops that keep the input dtype.
const SAME_UNARY: UnaryOp[] = ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'trunc', 'frac', 'square', 'bitwiseNot'];
// Unary ops that return bool.
const BOOL_UNARY: UnaryOp[] = ['logicalNot', 'isnan', 'isinf', 'isfinite'];

for (const op of FLOAT_UNARY) {
  defineOp('primitive', `${op}(Tensor self) -> Tensor`, ([x]) => {
    return unaryForward(op, x, isFloating(x.dtype) ? x.dtype : getDefaultDtype());
  });
}
// PyTorch's kernel names in its "not implemented for 'Bool'" messages.
const NO_BOOL: Partial<Record<UnaryOp, string>> = { abs: 'abs_cpu', floor: 'floor_vml_cpu', ceil: 'ceil_vml_cpu', round: 'round_vml_cpu', trunc: 'trunc_vml_cpu' };
for (const op of SAME_UNARY) {
  defineOp('primitive', `${op}(Tensor self) -> Tensor`, ([x]) => {
    if (x.dtype === 'bool' && op === 'neg') {
      throw new RuntimeError('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
    }
    if (x.dtype === 'bool' && NO_BOOL[op]) throw new RuntimeError(`"${NO_BOOL[op]}" not implemented for 'Bool'`);
    if (x.dtype === 'bool' && op === 'relu') throw new RuntimeError('Boolean inputs not supported for relu');
    if (op === 'bitwiseNot' && isFloating(x.dtype)) throw new RuntimeError(`"bitwise_not_cpu" not implemented for '${dtypeTitle(x.dtype)}'`);
    if (op === 'bitwiseNot' && x.dtype === 'bool') return fromStorage(x.backend.unary('logicalNot', x, 'bool'), x.shape);
    if (op === 'frac' && !isFloating(x.dtype)) throw new RuntimeError(`"frac_cpu" not implemented for '${dtypeTitle(x.dtype)}'`);
    // square is pow(x, 2): bools promote to int64.
    if (op === 'square' && x.dtype === 'bool') return fromStorage(x.backend.unary(op, x, 'int64'), x.shape);
    return unaryForward(op, x, x.dtype);
  });
}
for (const op of BOOL_UNARY) {
  defineOp('primitive', `${op}(Tensor self) -> Tensor`, ([x]) => fromStorage(x.backend.unary(op, x, 'bool'), x.shape));
}

type Kind = 'arith' | 'truediv' | 'compare' | 'logical' | 'bitwise' | 'float';
const BINARY: Record<BinaryOp, Kind> = {
  add: 'arith', sub: 'arith', mul: 'arith', pow: 'arith', maximum: 'arith', minimum: 'arith',
  fmod: 'arith', remainder: 'arith', floorDivide: 'arith',
  div: 'truediv', atan2: 'float',
  eq: 'compare', ne: 'compare', lt: 'compare', le: 'compare', gt: 'compare', ge: 'compare',
  logicalAnd: 'logical', logicalOr: 'logical', logicalXor: 'logical',
  bitwiseAnd: 'bitwise', bitwiseOr: 'bitwise', bitwiseXor: 'bitwise',
};

/** One operand of a binary op: a tensor, or a JS scalar that stays a host value (PyTorch's Python number). */
export type BinaryOperand = Tensor | Scalar;

/** A scalar operand as the kernel receives it: converted to the compute dtype, as PyTorch does. */
export function scalarIn(v: Scalar, compute: DType): number {
  return castScalar(Number(v), compute);
}

/**
 * Runs a broadcasting binary kernel with PyTorch's promotion; used by the ops and by composites.
 * A JS number operand is passed to the kernel as a number: no device upload, no cast kernel.
 */
export function binaryForward(op: BinaryOp, a: BinaryOperand, b: BinaryOperand): Tensor {
  const ta = typeof a === 'object' ? a : null;
  const tb = typeof b === 'object' ? b : null;
  const backend = ta && tb ? commonBackend([ta, tb]) : (ta ?? tb)!.backend;
  const kind = BINARY[op];
  const common = opResultType(a, b);
  let compute = common;
  let out = common;
  if (kind === 'truediv' || kind === 'float') {
    compute = out = isFloating(common) ? common : getDefaultDtype();
  } else if (kind === 'compare') {
    out = 'bool';
  } else if (kind === 'logical') {
    out = 'bool';
  } else if (kind === 'bitwise' && isFloating(common)) {
    throw new RuntimeError(`"${BITWISE_NAME[op]}_cpu" not implemented for '${dtypeTitle(common)}'`);
  }
  const isBool = (x: BinaryOperand) => (typeof x === 'object' ? x.dtype === 'bool' : typeof x === 'boolean');
  if (op === 'sub' && (isBool(a) || isBool(b))) {
    throw new RuntimeError(isBool(a) && isBool(b)
      ? 'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.'
      : 'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
  if (common === 'bool' && NO_BOOL_BINARY[op]) throw new RuntimeError(`"${NO_BOOL_BINARY[op]}" not implemented for 'Bool'`);
  if (op === 'pow' && !isFloating(common) && typeof b === 'number' && b < 0) {
    throw new RuntimeError('Integers to negative integer powers are not allowed.');
  }
  if ((op === 'floorDivide' || op === 'remainder' || op === 'fmod') && !isFloating(common)) {
    if (typeof b !== 'object') {
      if (Number(b) === 0) throw new RuntimeError('ZeroDivisionError');
    } else if (b.numel() > 0) {
      deviceCheck(b.ne(0).all(), () => new RuntimeError('ZeroDivisionError'));
    }
  }
  const shape = ta && tb ? broadcastShapes(ta.shape, tb.shape) : (ta ?? tb)!.shape;
  const side = (x: BinaryOperand) => (typeof x === 'object' ? broadcastView(castOperand(x, compute), shape) : scalarIn(x, compute));
  if (destinationPending() && ta && destination(ta, shape, out, compute, tb, 'binaryInto')) {
    backend.binaryInto!(op, ta, side(b), compute, ta);
    return aliasOf(ta);
  }
  return fromStorage(backend.binary(op, side(a), side(b), compute, out), shape);
}

const BITWISE_NAME: Partial<Record<BinaryOp, string>> = { bitwiseAnd: 'bitwise_and', bitwiseOr: 'bitwise_or', bitwiseXor: 'bitwise_xor' };
const NO_BOOL_BINARY: Partial<Record<BinaryOp, string>> = { pow: 'pow', fmod: 'fmod_cpu', remainder: 'remainder_cpu', floorDivide: 'div_floor_cpu' };

/**
 * PyTorch converts operands to the compute dtype before the kernel runs: `uint8 < -2` compares
 * with 254. Only narrowing casts change values, and they only happen for 0-dim operands or wider
 * integers, so the copy stays rare and small.
 */
function castOperand(t: Tensor, compute: DType): Tensor {
  if (t.dtype === compute || t.dtype === 'bool') return t;
  const narrowing = t.ndim === 0 ? !(isFloating(compute) && compute === 'float64')
    : (compute === 'uint8' || (compute === 'int32' && t.dtype === 'int64'));
  return narrowing ? fromStorage(t.backend.copy(t, compute), t.shape) : t;
}

/**
 * The operands of a binary op call: `[a, b]`, or `[x]` with `attrs.scalar` (`attrs.reverse` when
 * the scalar is the left operand, as in `2 - x`).
 */
export function binaryOperands(inputs: readonly Tensor[], attrs: Attrs): [BinaryOperand, BinaryOperand] {
  if (attrs.scalar === undefined) return [inputs[0], inputs[1]];
  const s = attrs.scalar as Scalar;
  return attrs.reverse ? [s, inputs[0]] : [inputs[0], s];
}

for (const op of Object.keys(BINARY) as BinaryOp[]) {
  defineOp('primitive', `${op}(Tensor self, Tensor? other, Scalar? scalar=None, bool reverse=False) -> Tensor`, (inputs, attrs) => binaryForward(op, ...binaryOperands(inputs, attrs)));
}

/** `torch.where(cond, a, b)`: inputs [cond, a?, b?], a scalar side given as `selfScalar` / `otherScalar`. */
defineOp('primitive', 'where(Tensor condition, Tensor? self, Tensor? other, Scalar? selfScalar=None, Scalar? otherScalar=None) -> Tensor', (inputs, attrs) => {
  const [cond, a, b] = whereOperands(inputs, attrs);
  if (cond.dtype !== 'bool' && cond.dtype !== 'uint8') {
    throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${dtypeTitle(cond.dtype)}`);
  }
  const tensors = [cond, a, b].filter((x): x is Tensor => typeof x === 'object');
  const backend = commonBackend(tensors);
  const shape = broadcastShapes(...tensors.map((t) => t.shape));
  const out = opResultType(a, b);
  const side = (x: BinaryOperand) => (typeof x === 'object' ? broadcastView(x.dtype === out ? x : x.to(out), shape) : scalarIn(x, out));
  return fromStorage(backend.where(broadcastView(cond, shape), side(a), side(b), out), shape);
});

/** The three operands of a `where` call. */
export function whereOperands(inputs: readonly Tensor[], attrs: Attrs): [Tensor, BinaryOperand, BinaryOperand] {
  let i = 1;
  const a = attrs.selfScalar !== undefined ? (attrs.selfScalar as Scalar) : inputs[i++];
  const b = attrs.otherScalar !== undefined ? (attrs.otherScalar as Scalar) : inputs[i++];
  return [inputs[0], a, b];
}

/** `x.masked_fill(mask, value)`: inputs [x, mask, value]; value must be 0-dim. */
defineOp('primitive', 'maskedFill(Tensor self, Tensor mask, Tensor? value, Scalar? scalar=None) -> Tensor', ([x, mask, value], attrs) => {
  if (value && value.ndim !== 0) {
    throw new RuntimeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  }
  // Out of place, x broadcasts to the mask's shape (PyTorch's expand_outplace); `maskedFill_` checks the fit.
  const shape = broadcastShapes(x.shape, mask.shape);
  const v = value ? broadcastView(value.to(x.dtype), shape) : scalarIn(attrs.scalar as Scalar, x.dtype);
  return fromStorage(x.backend.where(broadcastView(mask, shape), v, broadcastView(x, shape), x.dtype), shape);
});

defineOp('primitive', 'clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor', ([x], { min, max }: Attrs) => {
  const lo = min as number | null;
  const hi = max as number | null;
  const floatBound = (lo !== null && !Number.isInteger(lo)) || (hi !== null && !Number.isInteger(hi));
  const out = !isFloating(x.dtype) && floatBound ? getDefaultDtype() : x.dtype;
  return fromStorage(x.backend.clamp(x, lo, hi, out), x.shape);
});

/** `torch.isclose`: |a - b| <= atol + rtol * |b|, with equal infinities equal. */
defineOp('composite', 'isclose(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equalNan=False) -> Tensor', ([a, b], { rtol, atol, equalNan }: Attrs) => {
  if (a.dtype !== b.dtype) throw new RuntimeError(`${a.dtype} did not match ${b.dtype}`);
  const diff = a.sub(b).abs();
  const tol = b.abs().mul(rtol as number).add(atol as number);
  let close = a.eq(b).logicalOr(diff.le(tol).logicalAnd(diff.isfinite()));
  if (equalNan) close = close.logicalOr(a.isnan().logicalAnd(b.isnan()));
  return close;
});

/** Cast to another dtype (`t.to(dtype)`); a copy. */
defineOp('primitive', 'cast(Tensor self, ScalarType dtype) -> Tensor', ([x], { dtype }: Attrs) => fromStorage(x.backend.copy(x, dtype as DType), x.shape));
