import { type Tensor, cat, normDim, normDims, onesLike, zerosLike } from '@flambeau/tensor';
import { type Formula, registerFormulas } from '../registry.js';
import { unreduce } from './util.js';

interface ReduceAttrs {
  dim: number | number[] | null;
  keepdim: boolean;
}

/** Reverse inclusive scan: out[i] = sum of g[j] for j >= i along `d`. */
function reverseCumsum(g: Tensor, d: number): Tensor {
  return g.flip(d).cumsum(d).flip(d);
}

/** Product of all other elements along `d`, without dividing (exact with zeros). */
function productOfOthers(x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const one = onesLike(x.narrow(d, 0, 1));
  const before = cat([one, x.narrow(d, 0, n - 1)], d).cumprod(d);
  const after = cat([x.narrow(d, 1, n - 1), one], d).flip(d).cumprod(d).flip(d);
  return before.mul(after);
}

/** Whether `x` has a zero (assumed when its backend cannot be read synchronously). */
function hasZero(x: Tensor): boolean {
  return !x.backend.readSync || Boolean(x.eq(0).any().itemSync());
}

/**
 * cumprod's gradient without dividing by x (PyTorch's cumprod_backward for inputs with zeros):
 * dx_k = (prod_{j<k} x_j) * S_k with S_k = sum_{i>=k} g_i prod_{k<j<=i} x_j, built by the
 * recurrence S_k = g_k + x_{k+1} S_{k+1}. Only products and sums, so it is itself differentiable.
 */
function cumprodBackwardWithZeros(g: Tensor, x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  if (n === 1) return g;
  const s: Tensor[] = new Array<Tensor>(n);
  s[n - 1] = g.narrow(d, n - 1, 1);
  for (let k = n - 2; k >= 0; k--) s[k] = g.narrow(d, k, 1).add(x.narrow(d, k + 1, 1).mul(s[k + 1]));
  const before = cat([onesLike(x.narrow(d, 0, 1)), x.narrow(d, 0, n - 1).cumprod(d)], d);
  return before.mul(cat(s, d));
}

/** max/min reductions: the gradient is split evenly among the elements equal to the extremum. */
const extremum = (name: string): Formula => ({
  name,
  save: { inputs: [0], outputs: [0] },
  backward: ([g], c) => {
    const { dim, keepdim } = c.attrs as unknown as ReduceAttrs;
    const x = c.input(0);
    const shape = c.inputs[0].shape;
    const hit = x.eq(unreduce(c.output(0), shape, dim, keepdim)).to(g.dtype);
    const count = hit.sum(normDims(dim, shape.length), { keepdim: true });
    return [unreduce(g, shape, dim, keepdim).mul(hit).div(count)];
  },
});

registerFormulas({
  sum: {
    name: (_i, attrs) => (attrs.dim === null ? 'SumBackward0' : 'SumBackward1'),
    backward: ([g], c) => {
      const { dim, keepdim } = c.attrs as unknown as ReduceAttrs;
      return [unreduce(g, c.inputs[0].shape, dim, keepdim)];
    },
  },
  mean: {
    name: (_i, attrs) => (attrs.dim === null ? 'MeanBackward0' : 'MeanBackward1'),
    backward: ([g], c) => {
      const { dim, keepdim } = c.attrs as unknown as ReduceAttrs;
      const shape = c.inputs[0].shape;
      const count = normDims(dim, shape.length).reduce((n, d) => n * shape[d], 1);
      return [unreduce(g, shape, dim, keepdim).div(count)];
    },
  },
  prod: {
    name: (_i, attrs) => (attrs.dim === null ? 'ProdBackward0' : 'ProdBackward1'),
    applies: (inputs, attrs) => attrs.dim === null || inputs[0].ndim > 0,
    save: { inputs: [0] },
    backward: ([g], c) => {
      const { dim, keepdim } = c.attrs as unknown as ReduceAttrs;
      const x = c.input(0);
      const shape = c.inputs[0].shape;
      if (dim === null) {
        const flatX = x.reshape([-1]);
        return [g.reshape([]).expand(flatX.shape as number[]).mul(productOfOthers(flatX, 0)).reshape([...shape])];
      }
      const d = normDim(dim as number, shape.length);
      return [unreduce(g, shape, d, keepdim).mul(productOfOthers(x, d))];
    },
  },
  amax: extremum('AmaxBackward0'),
  amin: extremum('AminBackward0'),
  cumsum: {
    name: 'CumsumBackward0',
    backward: ([g], c) => [c.inputs[0].shape.length === 0 ? g : reverseCumsum(g, normDim(c.attrs.dim as number, g.ndim))],
  },
  cumprod: {
    name: 'CumprodBackward0',
    applies: (inputs) => inputs[0].ndim > 0,
    save: { inputs: [0], outputs: [0] },
    backward: ([g], c) => {
      const d = normDim(c.attrs.dim as number, g.ndim);
      const x = c.input(0);
      return [hasZero(x) ? cumprodBackwardWithZeros(g, x, d) : reverseCumsum(g.mul(c.output(0)), d).div(x)];
    },
  },
  logsumexp: {
    name: 'LogsumexpBackward0',
    save: { inputs: [0], outputs: [0] },
    backward: ([g], c) => {
      const { dim, keepdim } = c.attrs as unknown as ReduceAttrs;
      const shape = c.inputs[0].shape;
      return [unreduce(g, shape, dim, keepdim).mul(c.input(0).sub(unreduce(c.output(0), shape, dim, keepdim)).exp())];
    },
  },
  /** Vector p-norms; the gradient at a zero norm is 0 (a subgradient), as PyTorch. */
  norm: {
    name: 'NormBackward1',
    save: { inputs: [0], outputs: [0] },
    backward: ([g], c) => {
      const { p, dim, keepdim } = c.attrs as unknown as ReduceAttrs & { p: number };
      const x = c.input(0);
      const shape = c.inputs[0].shape;
      const gx = unreduce(g, shape, dim, keepdim);
      const n = unreduce(c.output(0), shape, dim, keepdim);
      if (p === 0) return [zerosLike(x)];
      if (p === 1) return [gx.mul(x.sign())];
      if (p === Infinity || p === -Infinity) {
        const hit = x.abs().eq(n).to(g.dtype);
        return [gx.mul(x.sign()).mul(hit).div(hit.sum(normDims(dim, shape.length), { keepdim: true }))];
      }
      const scaled = p === 2 ? gx.mul(x).div(n) : gx.mul(x).mul(x.abs().pow(p - 2)).div(n.pow(p - 1));
      return [scaled.maskedFill(n.eq(0), 0)];
    },
  },
  softmax: {
    name: 'SoftmaxBackward0',
    applies: (inputs) => inputs[0].ndim > 0,
    save: { outputs: [0] },
    backward: ([g], c) => {
      const y = c.output(0);
      const d = normDim(c.attrs.dim as number, y.ndim);
      return [y.mul(g.sub(g.mul(y).sum(d, { keepdim: true })))];
    },
  },
  logSoftmax: {
    name: 'LogSoftmaxBackward0',
    applies: (inputs) => inputs[0].ndim > 0,
    save: { outputs: [0] },
    backward: ([g], c) => {
      const y = c.output(0);
      const d = normDim(c.attrs.dim as number, y.ndim);
      return [g.sub(y.exp().mul(g.sum(d, { keepdim: true })))];
    },
  },
});
