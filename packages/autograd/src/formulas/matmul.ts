import { broadcastShapes } from '@flambeau/tensor';
import { registerFormulas } from '../registry.js';
import { mmGradOfSecond, sumTo } from './util.js';

registerFormulas({
  /**
   * `torch.matmul`: 1-D operands act as a row (left) or column (right) vector; gradients of
   * broadcast batch dims are summed back to each operand's shape.
   */
  matmul: {
    // PyTorch 1.13's matmul is a composite; the name is that of its last step: mm/mv/dot, the
    // squeeze_ of a 1-D left operand, the contiguous copy of the transposed 2-D @ batched case, or
    // the _unsafe_view that unfolds a batched product.
    name: (inputs) => {
      const [a, b] = inputs;
      if (a.ndim === 1 && b.ndim === 1) return 'DotBackward0';
      if (a.ndim === 2 && b.ndim === 1) return 'MvBackward0';
      if (a.ndim === 1 && b.ndim === 2) return 'SqueezeBackward3';
      if (a.ndim === 2 && b.ndim === 2) return 'MmBackward0';
      if (a.ndim === 2) return 'CloneBackward0';
      return 'UnsafeViewBackward0';
    },
    save: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    backward: ([g], c) => {
      const [am, bm] = c.inputs;
      const aShape = am.shape.length === 1 ? [1, am.shape[0]] : am.shape;
      const bShape = bm.shape.length === 1 ? [bm.shape[0], 1] : bm.shape;
      const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
      const G = g.reshape([...batch, aShape[aShape.length - 2], bShape[bShape.length - 1]]);
      const ga = c.needs[0] ? sumTo(G.matmul(c.input(1).reshape([...bShape]).mT), aShape).reshape([...am.shape]) : null;
      const gb = !c.needs[1] ? null : am.shape.length === 2 && bm.shape.length === 2 ? mmGradOfSecond(c.input(0), g, bm)
        : sumTo(c.input(0).reshape([...aShape]).mT.matmul(G), bShape).reshape([...bm.shape]);
      return [ga, gb];
    },
  },
});
