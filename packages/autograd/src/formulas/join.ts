import { type Tensor, cat, normDim, pad, stack } from '@flambeau/tensor';
import { registerFormulas } from '../registry.js';

registerFormulas({
  /** Each input gets its slice of the gradient (1-D empty inputs were skipped by `cat`). */
  cat: {
    name: 'CatBackward0',
    backward: ([g], c) => {
      const d = normDim(c.attrs.dim as number, g.ndim);
      let at = 0;
      return c.inputs.map((m, i): Tensor | null => {
        if (m.shape.length === 1 && m.shape[0] === 0 && g.ndim !== 1) return null;
        const len = m.shape.length === 1 && m.shape[0] === 0 ? 0 : m.shape[d];
        const part = g.narrow(d, at, len);
        at += len;
        return c.needs[i] ? part : null;
      });
    },
  },
  /** Input `i` gets slice `i` of the gradient along the new dim. */
  stack: {
    name: 'StackBackward0',
    backward: ([g], c) => {
      const d = normDim(c.attrs.dim as number, g.ndim);
      return c.inputs.map((_, i) => (c.needs[i] ? g.select(d, i) : null));
    },
  },
  /** The pieces' gradients joined back (engine zeros for unused pieces). */
  split: {
    name: (_inputs, attrs) => (Array.isArray(attrs.splitSize) ? 'SplitWithSizesBackward0' : 'SplitBackward0'),
    backward: (grads, c) => [cat([...grads], normDim(c.attrs.dim as number, c.inputs[0].shape.length))],
  },
  /** The slices' gradients stacked back along the removed dim. */
  unbind: {
    name: 'UnbindBackward0',
    backward: (grads, c) => [stack([...grads], normDim(c.attrs.dim as number, c.inputs[0].shape.length))],
  },
  /** Constant padding: the gradient is the unpadded window (negative pads crop, so negate). */
  pad: {
    name: 'ConstantPadNdBackward0',
    applies: (_inputs, attrs) => attrs.mode === 'constant',
    backward: ([g], c) => [pad(g, (c.attrs.pad as number[]).map((p) => -p))],
  },
});
