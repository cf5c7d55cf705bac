import { type Tensor, normDim, pad } from '@flambeau/tensor';
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
  /** Constant padding: the gradient is the unpadded window (negative pads crop, so negate). */
  pad: {
    name: 'ConstantPadNdBackward0',
    applies: (_inputs, attrs) => attrs.mode === 'constant',
    backward: ([g], c) => [pad(g, (c.attrs.pad as number[]).map((p) => -p))],
  },
});
