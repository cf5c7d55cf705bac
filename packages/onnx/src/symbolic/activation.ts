import { registerOp } from '../registry.js';
import type { Call, GraphBuilder } from '../graph.js';
import { float } from '../graph.js';
import { normDim, out0 } from './helpers.js';

const x = (c: Call): string => c.inputs[0].name;
const k = (g: GraphBuilder, c: Call, v: number): string => g.scalar(v, c.inputs[0].dtype);

registerOp('hardtanh', (g, c) => g.op('Clip', [x(c), k(g, c, c.attrs.minVal as number), k(g, c, c.attrs.maxVal as number)]));
registerOp('leakyRelu', (g, c) => g.op('LeakyRelu', [x(c)], { alpha: float(c.attrs.negativeSlope as number) }));
registerOp('elu', (g, c) => g.op('Elu', [x(c)], { alpha: float(c.attrs.alpha as number) }));
registerOp('silu', (g, c) => g.op('Mul', [x(c), g.op('Sigmoid', [x(c)])]));

/** PyTorch's softplus: `log1p(exp(βx)) / β`, and `x` itself where `βx > threshold`. */
function softplus(g: GraphBuilder, c: Call, input: string, beta: number, threshold: number): string {
  const bx = beta === 1 ? input : g.op('Mul', [input, k(g, c, beta)]);
  let sp = g.op('Softplus', [bx]);
  if (beta !== 1) sp = g.op('Div', [sp, k(g, c, beta)]);
  return g.op('Where', [g.op('Greater', [bx, k(g, c, threshold)]), input, sp]);
}
registerOp('softplus', (g, c) => softplus(g, c, x(c), c.attrs.beta as number, c.attrs.threshold as number));
registerOp('logsigmoid', (g, c) => g.op('Neg', [softplus(g, c, g.op('Neg', [x(c)]), 1, 20)]));
registerOp('mish', (g, c) => {
  if (g.opset >= 18) return g.op('Mish', [x(c)]);
  return g.op('Mul', [x(c), g.op('Tanh', [softplus(g, c, x(c), 1, 20)])]);
});

registerOp('gelu', (g, c) => {
  const approximate = (c.attrs.approximate as string) ?? 'none';
  if (g.opset >= 20) return g.op('Gelu', [x(c)], { approximate });
  const half = g.op('Mul', [x(c), k(g, c, 0.5)]);
  if (approximate === 'tanh') {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = g.op('Mul', [g.op('Mul', [x(c), x(c)]), x(c)]);
    const inner = g.op('Mul', [g.op('Add', [x(c), g.op('Mul', [cube, k(g, c, 0.044715)])]), k(g, c, Math.sqrt(2 / Math.PI))]);
    return g.op('Mul', [half, g.op('Add', [g.op('Tanh', [inner]), k(g, c, 1)])]);
  }
  // 0.5·x·(1 + erf(x/√2))
  return g.op('Mul', [half, g.op('Add', [g.op('Erf', [g.op('Div', [x(c), k(g, c, Math.SQRT2)])]), k(g, c, 1)])]);
});

// Softmax-13 normalises along one axis, exactly PyTorch's semantics.
registerOp('softmax', (g, c) => g.op('Softmax', [g.as(c.inputs[0], out0(c).dtype)], { axis: normDim(c.attrs.dim as number, c.inputs[0].shape.length) }));
registerOp('logSoftmax', (g, c) => g.op('LogSoftmax', [g.as(c.inputs[0], out0(c).dtype)], { axis: normDim(c.attrs.dim as number, c.inputs[0].shape.length) }));
