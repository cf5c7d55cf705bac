import { registerOp } from '../registry.js';
import type { Call, GraphBuilder, Operand } from '../graph.js';
import { float } from '../graph.js';
import { reduce, unsqueeze } from './helpers.js';

/** `[x, weight?, bias?, ...rest]` as the native norm ops flag them. */
function parts(c: Call): { x: Operand; w: Operand | null; b: Operand | null; rest: Operand[] } {
  let i = 1;
  const w = c.attrs.hasWeight ? c.inputs[i++] : null;
  const b = c.attrs.hasBias ? c.inputs[i++] : null;
  return { x: c.inputs[0], w, b, rest: c.inputs.slice(i) };
}

const filled = (g: GraphBuilder, n: number, v: number, o: Operand): string => g.constant(o.dtype, [n], new Array<number>(n).fill(v));

registerOp('nativeBatchNorm', (g, c) => {
  const { x, w, b, rest } = parts(c);
  if (c.attrs.training) g.fail('batch statistics of training mode are not exported; export in eval mode (training: "eval")');
  const [mean, variance] = rest;
  if (!mean || !variance) g.fail('batch norm without running statistics is computed from the batch, which needs training mode');
  const C = x.shape[1];
  const folded = g.fold ? foldIntoConv(g, x, w, b, mean, variance, c.attrs.eps as number) : null;
  if (folded) return [folded, null, null];
  const y = g.op('BatchNormalization', [x.name, w ? w.name : filled(g, C, 1, x), b ? b.name : filled(g, C, 0, x), mean.name, variance.name], { epsilon: float(c.attrs.eps as number) });
  return [y, null, null];
});

/**
 * Eval-mode BatchNorm after a Conv whose output nothing else reads is a per-channel affine map of
 * the Conv's weight and bias: W' = W·s, b' = (b − mean)·s + β with s = γ/√(var + ε). Folded at
 * export as torch.onnx does under do_constant_folding; returns the Conv's output, or null.
 */
function foldIntoConv(g: GraphBuilder, x: Operand, w: Operand | null, b: Operand | null, mean: Operand, variance: Operand, eps: number): string | null {
  const conv = g.producer(x.name);
  if (!conv || conv.opType !== 'Conv' || x.uses !== 1) return null;
  const weight = g.initializerValues(conv.input[1]);
  const bias = conv.input[2] ? g.initializerValues(conv.input[2]) : undefined;
  if (!weight || (conv.input[2] && !bias)) return null;
  if ([w, b, mean, variance].some((o) => o && o.ref.kind !== 'param')) return null;
  const val = (o: Operand | null, dflt: number, n: number): ArrayLike<number> => (o && o.ref.kind === 'param' ? g.read(o.ref.tensor) : new Array<number>(n).fill(dflt));
  const C = weight.dims[0];
  const gamma = val(w, 1, C);
  const beta = val(b, 0, C);
  const mu = val(mean, 0, C);
  const v = val(variance, 1, C);
  const per = weight.values.length / C;
  const W = new Float64Array(weight.values.length);
  const B = new Float64Array(C);
  for (let o = 0; o < C; o++) {
    const s = gamma[o] / Math.sqrt(v[o] + eps);
    for (let k = 0; k < per; k++) W[o * per + k] = weight.values[o * per + k] * s;
    B[o] = ((bias ? bias.values[o] : 0) - mu[o]) * s + beta[o];
  }
  const wName = g.freshName('onnx::Conv_weight');
  const bName = g.freshName('onnx::Conv_bias');
  g.initializer(wName, weight.dtype, weight.dims, W);
  g.initializer(bName, weight.dtype, [C], B);
  conv.input = [conv.input[0], wName, bName];
  return x.name;
}

registerOp('nativeLayerNorm', (g, c) => {
  const { x, w, b } = parts(c);
  const dims = c.attrs.dims as number;
  const eps = c.attrs.eps as number;
  const rank = x.shape.length;
  const n = x.shape.slice(rank - dims).reduce((a, d) => a * d, 1);
  const normShape = x.shape.slice(rank - dims);
  if (g.opset >= 17) {
    const scale = w ? w.name : g.constant(x.dtype, normShape, new Array<number>(n).fill(1));
    const ins = [x.name, scale];
    if (b) ins.push(b.name);
    return [g.op('LayerNormalization', ins, { axis: -dims, epsilon: float(eps) }), null, null];
  }
  const axes = Array.from({ length: dims }, (_, i) => rank - dims + i);
  const d = g.op('Sub', [x.name, reduce(g, 'ReduceMean', x.name, axes, true)]);
  const v = reduce(g, 'ReduceMean', g.op('Mul', [d, d]), axes, true);
  let y = g.op('Div', [d, g.op('Sqrt', [g.op('Add', [v, g.scalar(eps, x.dtype)])])]);
  if (w) y = g.op('Mul', [y, w.name]);
  if (b) y = g.op('Add', [y, b.name]);
  return [y, null, null];
});

registerOp('nativeGroupNorm', (g, c) => {
  const { x, w, b } = parts(c);
  const groups = c.attrs.groups as number;
  const eps = c.attrs.eps as number;
  const C = x.shape[1];
  // GroupNormalization-18 scales per group (deprecated); 21 scales per channel as PyTorch does.
  if (g.opset >= 21) {
    return [g.op('GroupNormalization', [x.name, w ? w.name : filled(g, C, 1, x), b ? b.name : filled(g, C, 0, x)], { num_groups: groups, epsilon: float(eps) }), null, null];
  }
  // Older opsets: InstanceNormalization over [N, G, -1], then the per-channel affine (torch.onnx's way).
  const grouped = g.op('Reshape', [x.name, g.i64([0, groups, -1])]);
  const normed = g.op('InstanceNormalization', [grouped, filled(g, groups, 1, x), filled(g, groups, 0, x)], { epsilon: float(eps) });
  let y = g.op('Reshape', [normed, g.op('Shape', [x.name])]);
  const spatial = Array.from({ length: x.shape.length - 2 }, (_, i) => i + 1);
  if (w) y = g.op('Mul', [y, spatial.length ? unsqueeze(g, w.name, spatial) : w.name]);
  if (b) y = g.op('Add', [y, spatial.length ? unsqueeze(g, b.name, spatial) : b.name]);
  return [y, null, null];
});
