import { registerOp } from '../registry.js';
import type { Call, GraphBuilder } from '../graph.js';
import { dimList, reduce } from './helpers.js';

const axesOf = (c: Call): number[] => dimList(c.attrs.dim, c.inputs[0].shape.length);
const keep = (c: Call): boolean => Boolean(c.attrs.keepdim);
const input = (g: GraphBuilder, c: Call): string => g.as(c.inputs[0], c.outputs[0].dtype);

const REDUCE: Record<string, string> = { sum: 'ReduceSum', mean: 'ReduceMean', amax: 'ReduceMax', amin: 'ReduceMin', prod: 'ReduceProd', logsumexp: 'ReduceLogSumExp' };
for (const [op, onnx] of Object.entries(REDUCE)) {
  registerOp(op, (g, c) => reduce(g, onnx, input(g, c), axesOf(c), keep(c)));
}

registerOp('norm', (g, c) => {
  const p = c.attrs.p as number;
  if (p !== 1 && p !== 2) g.fail(`norm with p=${p} is not exported (p=1 and p=2 are)`);
  return reduce(g, p === 1 ? 'ReduceL1' : 'ReduceL2', input(g, c), axesOf(c), keep(c));
});

// var = sum((x - mean)²) / (n - correction)
registerOp('var', (g, c) => {
  const x = input(g, c);
  const axes = axesOf(c);
  const n = axes.reduce((a, d) => a * c.inputs[0].shape[d], 1);
  if (axes.some((d) => c.inputs[0].shape[d] !== c.inputs[0].shapeB[d])) g.fail('var over a dynamic axis is not exported');
  const d = g.op('Sub', [x, reduce(g, 'ReduceMean', x, axes, true)]);
  const s = reduce(g, 'ReduceSum', g.op('Mul', [d, d]), axes, keep(c));
  return g.op('Div', [s, g.scalar(n - (c.attrs.correction as number), c.outputs[0].dtype)]);
});

for (const [op, [value, arg]] of Object.entries({ maxDim: ['ReduceMax', 'ArgMax'], minDim: ['ReduceMin', 'ArgMin'] })) {
  registerOp(op, (g, c) => {
    const axis = axesOf(c)[0];
    return [reduce(g, value, c.inputs[0].name, [axis], keep(c)), c.outputs[1]?.used ? g.op(arg, [c.inputs[0].name], { axis, keepdims: keep(c) ? 1 : 0 }) : null];
  });
}
for (const [op, arg] of Object.entries({ argmax: 'ArgMax', argmin: 'ArgMin' })) {
  registerOp(op, (g, c) => {
    if (c.attrs.dim === null || c.attrs.dim === undefined) {
      const flat = g.op('Reshape', [c.inputs[0].name, g.i64([-1])]);
      return g.op(arg, [flat], { axis: 0, keepdims: 0 });
    }
    return g.op(arg, [c.inputs[0].name], { axis: axesOf(c)[0], keepdims: keep(c) ? 1 : 0 });
  });
}
