import { type Tensor, arange, dispatch1, normDim, zeros } from '@flambeau/tensor';
import { registerFormulas } from '../registry.js';
import { zerosLikeMeta } from './util.js';

const hasDims = (inputs: readonly Tensor[]) => inputs[0].ndim > 0;
const dimOf = (attrs: Record<string, unknown>, ndim: number) => normDim(attrs.dim as number, ndim);

registerFormulas({
  /**
   * Advanced indexing (`x[idx]`, `x[mask]`): indexing the positions `0 … numel−1` laid out as `x`
   * the same way says which element each output read; the gradient adds back there. Basic
   * indexing alone (ints, slices) is a view, differentiated through its view ops.
   */
  index: {
    name: 'IndexBackward0',
    applies: (inputs) => inputs.length > 1,
    save: (needs) => ({ inputs: needs.map((_, i) => i).slice(1) }),
    backward: ([g], c) => {
      const shape = [...c.inputs[0].shape];
      const n = shape.reduce((a, b) => a * b, 1);
      const positions = arange(n, { dtype: 'int64', device: g.device }).reshape(shape);
      const read = dispatch1('index', [positions, ...c.inputs.slice(1).map((_, i) => c.input(i + 1))], { items: c.attrs.items });
      const gx = zeros([n], { dtype: g.dtype, device: g.device }).indexAdd(0, read.reshape([-1]), g.reshape([-1]));
      return [gx.reshape(shape), ...c.inputs.slice(1).map(() => null)];
    },
  },
  gather: {
    name: 'GatherBackward0',
    applies: hasDims,
    save: { inputs: [1] },
    backward: ([g], c) => [zerosLikeMeta(c.inputs[0]).scatterAdd(dimOf(c.attrs, g.ndim), c.input(1), g)],
  },
  scatter: {
    name: (_i, attrs) => (attrs.reduce === 'add' ? 'ScatterAddBackward0' : 'ScatterBackward0'),
    applies: hasDims,
    save: { inputs: [1] },
    backward: ([g], c) => {
      const d = dimOf(c.attrs, g.ndim);
      const index = c.input(1);
      const gx = c.attrs.reduce === 'add' ? g : g.scatter(d, index, zeros([...index.shape], { dtype: g.dtype, device: g.device }));
      return [c.needs[0] ? gx : null, null, c.needs[2] ? g.gather(d, index) : null];
    },
  },
  indexSelect: {
    name: 'IndexSelectBackward0',
    applies: hasDims,
    save: { inputs: [1] },
    backward: ([g], c) => [zerosLikeMeta(c.inputs[0]).indexAdd(dimOf(c.attrs, g.ndim), c.input(1).reshape([-1]), g)],
  },
  indexAdd: {
    name: 'IndexAddBackward0',
    applies: hasDims,
    save: { inputs: [1] },
    backward: ([g], c) => [c.needs[0] ? g : null, null, c.needs[2] ? g.indexSelect(dimOf(c.attrs, g.ndim), c.input(1).reshape([-1])) : null],
  },
  sort: {
    name: 'SortBackward0',
    applies: hasDims,
    save: { outputs: [1] },
    backward: ([g], c) => [zerosLikeMeta(c.inputs[0]).scatter(dimOf(c.attrs, g.ndim), c.output(1), g)],
  },
});
