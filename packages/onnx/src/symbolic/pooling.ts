import { registerOp } from '../registry.js';
import type { Call, GraphBuilder } from '../graph.js';
import { dynamicDims, slice, squeeze, unsqueeze } from './helpers.js';

/** Pooling ops see 4-D inputs; an unbatched 3-D one gets its batch dim around the ONNX op. */
function batched(g: GraphBuilder, c: Call, body: (x: string) => (string | null)[]): (string | null)[] {
  const x = c.inputs[0];
  if (x.shape.length === 4) return body(x.name);
  return body(unsqueeze(g, x.name, [0])).map((y) => (y === null ? null : squeeze(g, y, [0])));
}

/**
 * ONNX MaxPool's Indices count over the whole NCHW tensor, PyTorch's within each (n, c) plane:
 * subtract the plane offsets, read off a kernel-1 MaxPool of the input (torch.onnx's trick).
 */
function planeIndices(g: GraphBuilder, x: string, flat: string): string {
  const [, all] = g.node('MaxPool', [x], { kernel_shape: [1, 1], strides: [1, 1] }, 2);
  const base = slice(g, slice(g, all, 2, 0, 1), 3, 0, 1);
  return g.op('Sub', [flat, base]);
}

registerOp('maxPool2d', (g, c) => batched(g, c, (x) => {
  const p = c.attrs.padding as number[];
  const wantIndices = c.outputs[1]?.used ?? false;
  const outs = g.node('MaxPool', [x], {
    kernel_shape: c.attrs.kernelSize as number[], strides: c.attrs.stride as number[], pads: [...p, ...p],
    dilations: c.attrs.dilation as number[], ceil_mode: c.attrs.ceilMode ? 1 : 0,
  }, wantIndices ? 2 : 1);
  return [outs[0], wantIndices ? planeIndices(g, x, outs[1]) : null];
}));

registerOp('avgPool2d', (g, c) => batched(g, c, (x) => {
  const p = c.attrs.padding as number[];
  const k = c.attrs.kernelSize as number[];
  const divisor = c.attrs.divisorOverride as number | null;
  if (divisor !== null && c.attrs.ceilMode) g.fail('divisorOverride with ceilMode has no ONNX equivalent (edge windows are clipped)');
  const y = g.op('AveragePool', [x], {
    kernel_shape: k, strides: c.attrs.stride as number[], pads: [...p, ...p], ceil_mode: c.attrs.ceilMode ? 1 : 0,
    count_include_pad: c.attrs.countIncludePad || divisor !== null ? 1 : 0,
  });
  // PyTorch divides window sums by divisorOverride instead of the window size.
  return [divisor === null ? y : g.op('Mul', [y, g.scalar((k[0] * k[1]) / divisor, c.inputs[0].dtype)])];
}));

/** Adaptive pooling is a fixed window when the output size divides the input size. */
function adaptive(g: GraphBuilder, c: Call, op: 'AveragePool' | 'MaxPool'): (string | null)[] {
  const x = c.inputs[0];
  const rank = x.shape.length;
  const inSize = x.shape.slice(rank - 2);
  if (dynamicDims(x).some((d) => d >= rank - 2)) g.fail('adaptive pooling over dynamic spatial axes has no fixed ONNX window');
  const outSize = (c.attrs.outputSize as (number | null)[]).map((o, i) => o ?? inSize[i]);
  if (c.outputs[1]?.used) g.fail('adaptive max pooling indices are not exported');
  return batched(g, c, (xx) => {
    if (outSize.every((o) => o === 1)) return [g.op(op === 'MaxPool' ? 'GlobalMaxPool' : 'GlobalAveragePool', [xx]), null];
    if (inSize.some((s, i) => s % outSize[i] !== 0)) g.fail(`output size [${outSize.join(', ')}] does not divide the input size [${inSize.join(', ')}]`);
    const k = inSize.map((s, i) => s / outSize[i]);
    return [g.op(op, [xx], { kernel_shape: k, strides: k }), null];
  });
}
registerOp('adaptiveAvgPool2d', (g, c) => adaptive(g, c, 'AveragePool'));
registerOp('adaptiveMaxPool2d', (g, c) => adaptive(g, c, 'MaxPool'));

