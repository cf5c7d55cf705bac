import { isFloating } from '@flambeau/tensor';
import { registerOp } from '../registry.js';
import type { Call, GraphBuilder, Operand } from '../graph.js';
import { binaryOperands, out0 } from './helpers.js';

// Binary ops computed in the output dtype (torch.result_type), one ONNX op each.
const ARITH: Record<string, string> = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', maximum: 'Max', minimum: 'Min' };
for (const [op, onnx] of Object.entries(ARITH)) {
  registerOp(op, (g, c) => {
    const [a, b] = binaryOperands(g, c, out0(c).dtype);
    return g.op(onnx, [a, b]);
  });
}

registerOp('pow', (g, c) => {
  const [a, b] = binaryOperands(g, c, out0(c).dtype);
  return g.op('Pow', [a, b]);
});

registerOp('fmod', (g, c) => {
  const [a, b, d] = binaryOperands(g, c, out0(c).dtype);
  return g.op('Mod', [a, b], { fmod: isFloating(d) ? 1 : 0 });
});

// Python's floored remainder and division: a - floor(a / b) * b.
registerOp(['remainder', 'floorDivide'], (g, c) => {
  const [a, b, d] = binaryOperands(g, c, out0(c).dtype);
  if (!isFloating(d)) {
    if (c.op === 'remainder') return g.op('Mod', [a, b], { fmod: 0 });
    g.fail('integer floor division has no ONNX op (Div truncates toward zero)');
  }
  const q = g.op('Floor', [g.op('Div', [a, b])]);
  return c.op === 'floorDivide' ? q : g.op('Sub', [a, g.op('Mul', [q, b])]);
});

registerOp('divScalar', (g, c) => g.op('Div', [c.inputs[0].name, g.scalar(c.attrs.other as number, c.inputs[0].dtype)]));

const COMPARE: Record<string, string> = { eq: 'Equal', lt: 'Less', le: 'LessOrEqual', gt: 'Greater', ge: 'GreaterOrEqual' };
for (const [op, onnx] of Object.entries(COMPARE)) {
  registerOp(op, (g, c) => {
    const [a, b] = binaryOperands(g, c);
    return g.op(onnx, [a, b]);
  });
}
registerOp('ne', (g, c) => {
  const [a, b] = binaryOperands(g, c);
  return g.op('Not', [g.op('Equal', [a, b])]);
});
const LOGICAL: Record<string, string> = { logicalAnd: 'And', logicalOr: 'Or', logicalXor: 'Xor', bitwiseAnd: 'And', bitwiseOr: 'Or', bitwiseXor: 'Xor' };
for (const [op, onnx] of Object.entries(LOGICAL)) {
  registerOp(op, (g, c) => {
    if (op.startsWith('bitwise') && out0(c).dtype !== 'bool') g.fail('bitwise ops on integers have no ONNX 13 op');
    const [a, b] = binaryOperands(g, c, 'bool');
    return g.op(onnx, [a, b]);
  });
}

/** Input 0 converted to the output dtype (float unary ops promote integer inputs). */
const x0 = (g: GraphBuilder, c: Call): string => g.as(c.inputs[0], out0(c).dtype);

const UNARY: Record<string, string> = {
  neg: 'Neg', abs: 'Abs', exp: 'Exp', log: 'Log', sqrt: 'Sqrt', sin: 'Sin', cos: 'Cos', tan: 'Tan', asin: 'Asin',
  acos: 'Acos', atan: 'Atan', sinh: 'Sinh', cosh: 'Cosh', tanh: 'Tanh', asinh: 'Asinh', acosh: 'Acosh', atanh: 'Atanh',
  sigmoid: 'Sigmoid', reciprocal: 'Reciprocal', erf: 'Erf', floor: 'Floor', ceil: 'Ceil', round: 'Round', sign: 'Sign',
  relu: 'Relu',
};
for (const [op, onnx] of Object.entries(UNARY)) registerOp(op, (g, c) => g.op(onnx, [x0(g, c)]));

const LN2 = Math.LN2;
const LN10 = Math.LN10;
registerOp('square', (g, c) => { const x = x0(g, c); return g.op('Mul', [x, x]); });
registerOp('rsqrt', (g, c) => g.op('Reciprocal', [g.op('Sqrt', [x0(g, c)])]));
registerOp('exp2', (g, c) => g.op('Pow', [g.scalar(2, out0(c).dtype), x0(g, c)]));
registerOp('expm1', (g, c) => g.op('Sub', [g.op('Exp', [x0(g, c)]), g.scalar(1, out0(c).dtype)]));
registerOp('log2', (g, c) => g.op('Div', [g.op('Log', [x0(g, c)]), g.scalar(LN2, out0(c).dtype)]));
registerOp('log10', (g, c) => g.op('Div', [g.op('Log', [x0(g, c)]), g.scalar(LN10, out0(c).dtype)]));
registerOp('log1p', (g, c) => g.op('Log', [g.op('Add', [x0(g, c), g.scalar(1, out0(c).dtype)])]));
registerOp('erfc', (g, c) => g.op('Sub', [g.scalar(1, out0(c).dtype), g.op('Erf', [x0(g, c)])]));
function trunc(g: GraphBuilder, c: Call): string {
  const x = x0(g, c);
  return g.op('Where', [g.op('Less', [x, g.scalar(0, out0(c).dtype)]), g.op('Ceil', [x]), g.op('Floor', [x])]);
}
registerOp('trunc', trunc);
registerOp('frac', (g, c) => g.op('Sub', [x0(g, c), trunc(g, c)]));
registerOp('logicalNot', (g, c) => g.op('Not', [g.as(c.inputs[0], 'bool')]));
registerOp('isnan', (g, c) => g.op('IsNaN', [c.inputs[0].name]));
registerOp('isinf', (g, c) => g.op('IsInf', [c.inputs[0].name]));
registerOp('isfinite', (g, c) => g.op('Not', [g.op('Or', [g.op('IsNaN', [c.inputs[0].name]), g.op('IsInf', [c.inputs[0].name])])]));

registerOp(['clone', 'contiguous', 'detach', 'alias'], (g, c) => g.op('Identity', [c.inputs[0].name]));
registerOp('cast', (g, c) => g.as(c.inputs[0], out0(c).dtype));

// A scalar branch arrives as `selfScalar` / `otherScalar` (see the tensor package's whereOperands).
registerOp('where', (g, c) => {
  const d = out0(c).dtype;
  const [cond, ...rest] = c.inputs;
  const branch = (s: unknown) => (s === undefined ? g.as(rest.shift()!, d) : g.scalar(Number(s), d));
  const a = branch(c.attrs.selfScalar);
  const b = branch(c.attrs.otherScalar);
  return g.op('Where', [g.as(cond, 'bool'), a, b]);
});

registerOp('maskedFill', (g, c) => {
  const d = out0(c).dtype;
  const [x, mask, value] = c.inputs;
  const v = value ? g.as(value, d) : g.scalar(Number(c.attrs.scalar), d);
  return g.op('Where', [g.as(mask, 'bool'), v, g.as(x, d)]);
});

registerOp('clamp', (g, c) => {
  const d = out0(c).dtype;
  const bound = (v: unknown): string => (v === null || v === undefined ? '' : g.scalar(Number(v), d));
  return g.op('Clip', [g.as(c.inputs[0], d), bound(c.attrs.min), bound(c.attrs.max)]);
});

// In-place writes (`x.copy_(y)`, what `relu_` and friends end in) rebind the destination's value.
registerOp('copy_', (g, c) => {
  const [dst, src] = c.inputs;
  const v = src ? g.as(src, dst.dtype) : g.scalar(Number(c.attrs.scalar), dst.dtype);
  return g.op('Expand', [v, g.op('Shape', [dst.name])]);
});
