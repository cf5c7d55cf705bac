import { Embedding } from '@flambeau/nn';
import { registerModule, registerOp } from '../registry.js';
import type { Call, GraphBuilder, Operand } from '../graph.js';
import { dimList, normDim, permuteValues, split, unsqueeze } from './helpers.js';

// Slice ends past every possible size ("to the end"), exactly representable as a double.
const END = Number.MAX_SAFE_INTEGER;

/** view/reshape/flatten/unflatten: Reshape to the output shape, dynamic entries kept symbolic. */
function reshapeTo(g: GraphBuilder, c: Call): string {
  const out = c.outputs[0];
  return g.op('Reshape', [c.inputs[0].name, g.shapeTensor(out.shape, out.shapeB)]);
}
registerOp(['view', 'reshape', 'flatten', 'unflatten'], reshapeTo);

registerOp('squeeze', (g, c) => {
  const x = c.inputs[0];
  // PyTorch leaves dims that are not of size 1 alone.
  const axes = dimList(c.attrs.dim, x.shape.length).filter((d) => x.shape[d] === 1 && x.shapeB[d] === 1);
  return axes.length === 0 ? g.op('Identity', [x.name]) : g.op('Squeeze', [x.name, g.i64(axes)]);
});
registerOp('unsqueeze', (g, c) => unsqueeze(g, c.inputs[0].name, [normDim(c.attrs.dim as number, c.inputs[0].shape.length + 1)]));

/** Transpose, done at export on a parameter under `doConstantFolding` (`weight.t()` in a forward). */
function transpose(g: GraphBuilder, x: Operand, perm: number[]): string {
  if (g.fold && x.ref.kind === 'param') {
    const name = g.freshName(`onnx::Transpose_${x.name}`);
    g.initializer(name, x.dtype, perm.map((p) => x.shape[p]), permuteValues(g.read(x.ref.tensor), x.shape, perm));
    return name;
  }
  return g.op('Transpose', [x.name], { perm });
}
registerOp('permute', (g, c) => transpose(g, c.inputs[0], dimList(c.attrs.dims, c.inputs[0].shape.length)));
registerOp('transpose', (g, c) => {
  const rank = c.inputs[0].shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  const a = normDim(c.attrs.dim0 as number, rank);
  const b = normDim(c.attrs.dim1 as number, rank);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return transpose(g, c.inputs[0], perm);
});

/** Expand broadcasts both ways: entries the input already has become 1, so they need no Shape. */
registerOp('expand', (g, c) => {
  const x = c.inputs[0];
  const out = c.outputs[0];
  const lead = out.shape.length - x.shape.length;
  const a = out.shape.map((d, i) => (i >= lead && x.shape[i - lead] === d && x.shapeB[i - lead] === out.shapeB[i] ? 1 : d));
  const b = out.shapeB.map((d, i) => (i >= lead && x.shape[i - lead] === out.shape[i] && x.shapeB[i - lead] === d ? 1 : d));
  return g.op('Expand', [x.name, g.shapeTensor(a, b, false)]);
});

registerOp('repeat', (g, c) => {
  const x = c.inputs[0];
  const sizes = c.attrs.sizes as number[];
  const xx = sizes.length > x.shape.length ? unsqueeze(g, x.name, Array.from({ length: sizes.length - x.shape.length }, (_, i) => i)) : x.name;
  return g.op('Tile', [xx, g.i64(sizes)]);
});

/** An index into a dim, kept relative to the end when it follows a dynamic size. */
function position(g: GraphBuilder, v: number, vB: number, size: number, sizeB: number, what: string): number {
  if (v === vB) return v;
  if (size - v === sizeB - vB) return v - size;
  return g.fail(`${what} follows a dynamic axis in a way that is not exported`);
}

registerOp('select', (g, c) => {
  const x = c.inputs[0];
  const dim = normDim(c.attrs.dim as number, x.shape.length);
  const idx = c.attrs.index as number;
  const size = x.shape[dim];
  const i = idx < 0 ? idx + size : idx;
  const iB = (c.attrsB.index as number) < 0 ? (c.attrsB.index as number) + x.shapeB[dim] : (c.attrsB.index as number);
  return g.op('Gather', [x.name, g.constant('int64', [], [position(g, i, iB, size, x.shapeB[dim], 'the index')])], { axis: dim });
});

registerOp('slice', (g, c) => {
  const x = c.inputs[0];
  const dim = normDim(c.attrs.dim as number, x.shape.length);
  const size = x.shape[dim];
  const sizeB = x.shapeB[dim];
  const clampTo = (v: number | null | undefined, s: number, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + s : v;
    return Math.min(Math.max(w, 0), s);
  };
  const start = clampTo(c.attrs.start as number | null, size, 0);
  const startB = clampTo(c.attrsB.start as number | null, sizeB, 0);
  const stop = clampTo(c.attrs.stop as number | null, size, size);
  const stopB = clampTo(c.attrsB.stop as number | null, sizeB, sizeB);
  const s = position(g, start, startB, size, sizeB, 'the slice start');
  const e = stop === size && stopB === sizeB ? END : position(g, stop, stopB, size, sizeB, 'the slice end');
  return g.op('Slice', [x.name, g.i64([s]), g.i64([e]), g.i64([dim]), g.i64([(c.attrs.step as number) ?? 1])]);
});

registerOp('split', (g, c) => {
  const x = c.inputs[0];
  const dim = normDim(c.attrs.dim as number, x.shape.length);
  if (x.shape[dim] !== x.shapeB[dim]) g.fail('split along a dynamic axis is not exported');
  return split(g, x.name, dim, c.outputs.map((o) => o.shape[dim]));
});

registerOp('cat', (g, c) => {
  const d = c.outputs[0].dtype;
  const parts = c.inputs.filter((o) => !(o.shape.length === 1 && o.shape[0] === 0));
  return g.op('Concat', parts.map((o) => g.as(o, d)), { axis: normDim(c.attrs.dim as number, c.outputs[0].shape.length) });
});
registerOp('stack', (g, c) => {
  const axis = normDim(c.attrs.dim as number, c.outputs[0].shape.length);
  return g.op('Concat', c.inputs.map((o) => unsqueeze(g, g.as(o, c.outputs[0].dtype), [axis])), { axis });
});

registerOp('indexSelect', (g, c) => g.op('Gather', [c.inputs[0].name, c.inputs[1].name], { axis: normDim(c.attrs.dim as number, c.inputs[0].shape.length) }));
registerOp('gather', (g, c) => g.op('GatherElements', [c.inputs[0].name, c.inputs[1].name], { axis: normDim(c.attrs.dim as number, c.inputs[0].shape.length) }));
registerOp('embedding', (g, c) => g.op('Gather', [c.inputs[0].name, c.inputs[1].name], { axis: 0 }));
registerModule([Embedding], (g, c) => {
  const m = c.module as Embedding;
  if (m.maxNorm !== null) g.fail('maxNorm renormalises the weight in place while looking up; renormalise before export');
  return g.op('Gather', [(c.param('weight') as Operand).name, g.as(c.inputs[0], 'int64')], { axis: 0 });
});

registerOp('flip', (g, c) => {
  const x = c.inputs[0];
  const dims = dimList(c.attrs.dims, x.shape.length);
  return g.op('Slice', [x.name, g.i64(dims.map(() => -1)), g.i64(dims.map(() => -END)), g.i64(dims), g.i64(dims.map(() => -1))]);
});

registerOp('tril', (g, c) => {
  g.requireOpset(14, 'tril/triu (Trilu)');
  return g.op('Trilu', [c.inputs[0].name, g.constant('int64', [], [c.attrs.diagonal as number])], { upper: c.attrs.upper ? 1 : 0 });
});
