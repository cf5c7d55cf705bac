import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';

type Fn = (...xs: Tensor[]) => Tensor;
const { slice } = torch;

const UNARY = [
  'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'trunc', 'frac', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10',
  'log1p', 'sqrt', 'rsqrt', 'square', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh',
  'acosh', 'atanh', 'sigmoid', 'relu', 'reciprocal', 'erf', 'erfc',
] as const;

function maxPool(x: Tensor, attrs: Record<string, unknown>): Tensor {
  return (torch.dispatch('maxPool2d', [x], attrs) as Tensor[])[0];
}

/** Cases that need ops another package may not have defined yet (conv/pool in @flambeau/tensor). */
export const NEEDS_OP: Record<string, string> = {
  conv2d: 'conv2d', conv2d_groups: 'conv2d', conv2d_unbatched: 'conv2d',
  max_pool2d: 'maxPool2d', max_pool2d_ceil: 'maxPool2d', avg_pool2d: 'avgPool2d', avg_pool2d_ceil: 'avgPool2d',
};

/** The TypeScript side of tools/gen_autograd_fixtures.py: one function per fixture case, by name. */
export const CASES: Record<string, Fn> = {
  ...Object.fromEntries(UNARY.map((op) => [op, (x: Tensor) => (x[op] as () => Tensor)()])),
  add: (a, b) => a.add(b),
  add_alpha: (a, b) => a.add(b, { alpha: 2.5 }),
  add_scalar: (a) => a.add(2),
  sub: (a, b) => a.sub(b),
  rsub: (a) => a.rsub(1),
  mul: (a, b) => a.mul(b),
  mul_scalar: (a) => a.mul(1.5),
  div: (a, b) => a.div(b),
  div_scalar: (a) => a.div(4),
  pow_scalar: (a) => a.pow(3),
  pow_frac: (a) => a.pow(0.5),
  pow_tensor: (a, b) => a.pow(b),
  atan2: (a, b) => a.atan2(b),
  maximum: (a, b) => a.maximum(b),
  minimum: (a, b) => a.minimum(b),
  maximum_ties: (a, b) => a.maximum(b),
  fmod: (a, b) => a.fmod(b),
  remainder: (a, b) => a.remainder(b),
  where: (c, a, b) => torch.where(c, a, b),
  masked_fill: (a, m) => a.maskedFill(m, 2.0),
  clamp: (a) => a.clamp(-0.5, 0.5),
  clamp_min: (a) => a.clamp(0.1),
  cast: (a) => a.double().mul(2),
  addcmul: (a, b, c) => a.addcmul(b, c, { value: 0.5 }),
  lerp: (a, b) => a.lerp(b, 0.3),

  sum: (a) => a.sum(),
  sum_dim: (a) => a.sum(1),
  sum_dims_keepdim: (a) => a.sum([0, 2], { keepdim: true }),
  mean: (a) => a.mean(),
  mean_dim: (a) => a.mean(-1),
  prod: (a) => a.prod(),
  prod_dim: (a) => a.prod(1),
  prod_zero: (a) => a.prod(1),
  amax: (a) => a.amax(1),
  amax_ties: (a) => a.amax(1),
  amin_all: (a) => a.amin(),
  max: (a) => a.max(),
  max_dim: (a) => a.max(1).values,
  min_dim_keepdim: (a) => a.min(0, { keepdim: true }).values,
  cumsum: (a) => a.cumsum(1),
  cumprod: (a) => a.cumprod(0),
  logsumexp: (a) => a.logsumexp(1),
  softmax: (a) => a.softmax(1),
  log_softmax: (a) => a.logSoftmax(0),
  var: (a) => a.var(1),
  std: (a) => a.std(),
  norm: (a) => a.norm(),
  norm_p1_dim: (a) => a.norm(1, 1),
  norm_zero: (a) => a.norm(2, 1),
  norm_p3: (a) => a.norm(3, 0, { keepdim: true }),
  norm_inf: (a) => a.norm(Infinity, 1),

  view: (a) => a.view(3, 4).mul(torch.arange(0, 12, { dtype: 'float32' }).view(3, 4)),
  reshape: (a) => a.t().reshape(12),
  permute: (a) => a.permute(2, 0, 1),
  transpose: (a) => a.transpose(0, 2),
  expand: (a) => a.expand(2, 3, 4),
  squeeze: (a) => a.squeeze(1),
  unsqueeze: (a) => a.unsqueeze(1),
  slice_step: (a) => a.index(slice(1, 6, 2)),
  narrow: (a) => a.narrow(1, 1, 3),
  select: (a) => a.index(slice(), -1),
  unfold: (a) => a.unfold(0, 3, 2),
  as_strided: (a) => a.asStrided([3, 3], [2, 1], 1),
  diagonal: (a) => a.diagonal(1),
  flatten: (a) => a.flatten(1),
  index_mixed: (a) => a.index(torch.tensor([0, 2, 2]), slice(1, 4)),
  index_mask: (a) => a.index(a.gt(0)),
  flip: (a) => a.flip(1),
  roll: (a) => a.roll(1, 1),
  repeat: (a) => a.repeat(2, 1, 2),
  tril: (a) => a.tril(),
  chunk: (a) => a.chunk(2)[1].mul(2),
  clone: (a) => a.clone(),
  contiguous: (a) => a.t().contiguous(),

  mm: (a, b) => a.matmul(b),
  mv: (a, b) => a.matmul(b),
  dot: (a, b) => a.matmul(b),
  vm: (a, b) => a.matmul(b),
  bmm: (a, b) => a.matmul(b),
  matmul_broadcast: (a, b) => a.matmul(b),
  matmul_3d_1d: (a, b) => a.matmul(b),

  gather: (a, i) => a.gather(1, i),
  scatter: (a, i, s) => a.scatter(0, i, s),
  scatter_add: (a, i, s) => a.scatterAdd(0, i, s),
  index_select: (a, i) => a.indexSelect(0, i),
  index_add: (a, i, s) => a.indexAdd(0, i, s),
  cat: (a, b) => torch.cat([a, b]),
  cat_dim1: (a, b) => torch.cat([a, b], 1),
  stack: (a, b) => torch.stack([a, b], 1),
  sort: (a) => a.sort(1, { descending: true }).values,
  topk: (a) => a.topk(2).values,
  pad_constant: (a) => torch.pad(a, [1, 2, 0, 1], 'constant', 0.5),
  pad_crop: (a) => torch.pad(a, [-1, 1]),
  pad_reflect: (a) => torch.pad(a, [2, 1], 'reflect'),

  conv2d: (x, w, b) => torch.dispatch1('conv2d', [x, w, b], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 }),
  conv2d_groups: (x, w) => torch.dispatch1('conv2d', [x, w], { stride: [1, 1], padding: [0, 0], dilation: [2, 2], groups: 2 }),
  conv2d_unbatched: (x, w, b) => torch.dispatch1('conv2d', [x, w, b], { stride: [1, 1], padding: [1, 0], dilation: [1, 1], groups: 1 }),
  max_pool2d: (x) => maxPool(x, { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false }),
  max_pool2d_ceil: (x) => maxPool(x, { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: true }),
  avg_pool2d: (x) => torch.dispatch1('avgPool2d', [x], { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: false, countIncludePad: false, divisorOverride: null }),
  avg_pool2d_ceil: (x) => torch.dispatch1('avgPool2d', [x], { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: true, countIncludePad: true, divisorOverride: null }),

  inplace_mul: (a) => a.mul(1).mul_(2).exp_(),
  inplace_view: (a, b) => {
    const y = a.mul(1);
    y.select(0, 1).add_(b);
    return y.mul(y);
  },
  setitem: (a, b) => {
    const out = torch.zeros(2, 3, { dtype: a.dtype });
    out.indexPut_([0], a);
    out.indexPut_([1, slice(1)], b.index(slice(null, 2)).mul(2));
    return out.sin();
  },
  cumprod_zeros: (a) => a.cumprod(1),
  cumprod_zeros_dim0: (a) => a.cumprod(0),
};

/** Cases whose functions are not differentiable at the fixture's inputs (ties), so finite differences disagree. */
export const NO_GRADCHECK = new Set(['maximum_ties', 'amax_ties', 'norm_zero']);
