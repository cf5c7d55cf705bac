import { type Attrs, dispatch1, inferShape, normDim, viewStrides } from '@flambeau/tensor';
import { noGrad } from '../grad_mode.js';
import { type Formula, registerFormulas } from '../registry.js';
import { positions, scatterBack, sumTo, viewPositionsInBase } from './util.js';

const reshapeBack = (name: string): Formula => ({ name, backward: ([g], c) => [g.reshape([...c.inputs[0].shape])] });
const identity = (name: string): Formula => ({ name, backward: ([g]) => [g] });

/**
 * Views that pick (possibly overlapping) elements: apply the same op to the row-major positions
 * of the input, then sum the gradient back into those positions.
 */
const picking = (name: string, op: string): Formula => ({
  name,
  backward: ([g], c) => {
    const m = c.inputs[0];
    const idx = noGrad(() => dispatch1(op, [positions(m.shape, m.device)], c.attrs as Attrs));
    return [scatterBack(g, idx, m)];
  },
});

registerFormulas({
  view: reshapeBack('ViewBackward0'),
  // A reshape that can be a view is `_reshape_alias`; otherwise PyTorch copies, then `_unsafe_view`s.
  reshape: {
    name: (inputs, attrs) => (viewStrides(inputs[0].shape, inputs[0].strides, inferShape(attrs.shape as number[], inputs[0].numel())) ? 'ReshapeAliasBackward0' : 'UnsafeViewBackward0'),
    backward: reshapeBack('').backward,
  },
  squeeze: { name: (_i, a) => (a.dim === null ? 'SqueezeBackward0' : 'SqueezeBackward1'), backward: reshapeBack('').backward },
  unsqueeze: reshapeBack('UnsqueezeBackward0'),
  permute: {
    name: 'PermuteBackward0',
    backward: ([g], c) => {
      const dims = (c.attrs.dims as number[]).map((d) => normDim(d, g.ndim));
      const inv = new Array<number>(dims.length);
      dims.forEach((d, i) => { inv[d] = i; });
      return [g.permute(inv)];
    },
  },
  transpose: { name: 'TransposeBackward0', backward: ([g], c) => [g.transpose(c.attrs.dim0 as number, c.attrs.dim1 as number)] },
  expand: { name: 'ExpandBackward0', backward: ([g], c) => [sumTo(g, c.inputs[0].shape)] },
  slice: picking('SliceBackward0', 'slice'),
  select: picking('SelectBackward0', 'select'),
  unfold: picking('UnfoldBackward0', 'unfold'),
  diagonal: picking('DiagonalBackward0', 'diagonal'),
  asStrided: {
    name: 'AsStridedBackward0',
    backward: ([g], c) => {
      const m = c.inputs[0];
      const a = c.attrs as { size: number[]; stride: number[]; storageOffset: number };
      const idx = noGrad(() => viewPositionsInBase(m, { shape: a.size, strides: a.stride, offset: a.storageOffset }));
      return [scatterBack(g, idx, m)];
    },
  },
  alias: identity('AliasBackward0'),
  contiguous: identity('CloneBackward0'),
  clone: identity('CloneBackward0'),
});
