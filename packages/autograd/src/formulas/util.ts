import { type DeviceLike, type Tensor, arange, normDims, shapeEq, zeros } from '@flambeau/tensor';
import type { TensorMeta } from '../node.js';

/** Sums `g` down to `shape` (undoes broadcasting): leading dims and dims that were size 1. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapeEq(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < lead; i++) dims.push(i);
  shape.forEach((s, i) => {
    if (s === 1 && g.shape[lead + i] !== 1) dims.push(lead + i);
  });
  const r = dims.length > 0 ? g.sum(dims, { keepdim: true }) : g;
  return r.reshape([...shape]);
}

/** The gradient of a reduction over `dim` broadcast back to the input's shape. */
export function unreduce(g: Tensor, inShape: readonly number[], dim: unknown, keepdim: boolean): Tensor {
  let r = g;
  if (!keepdim) {
    for (const d of normDims(dim as number | number[] | null, inShape.length)) r = r.unsqueeze(d);
  }
  return r.expand([...inShape]);
}

/**
 * The gradient of B in A·B (2-D): Aᵀ·G, or (Gᵀ·A)ᵀ when B is stored column-major (a transposed
 * weight, as `F.linear` multiplies by), so the gradient comes out in B's own layout and reaching
 * the weight through the transpose costs no copy (PyTorch's `mm_mat2_backward`). Each entry is the
 * same sum over the same index either way.
 */
export function mmGradOfSecond(a: Tensor, g: Tensor, b: TensorMeta): Tensor {
  const [rows] = b.shape;
  return b.shape.length === 2 && b.strides[0] === 1 && b.strides[1] === rows && rows > 1 ? g.mT.matmul(a).mT : a.mT.matmul(g);
}

export function zerosLikeMeta(m: TensorMeta): Tensor {
  return zeros([...m.shape], { dtype: m.dtype, device: m.device });
}

/** Row-major positions 0..n-1 of a tensor of `shape`, as int64 (an index map for view ops). */
export function positions(shape: readonly number[], device: DeviceLike): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return arange(0, n, { dtype: 'int64', device }).reshape([...shape]);
}

/**
 * Gradient of a view op with overlapping or scattered reads: `idx` holds, for each element of the
 * view, its row-major position in the input; gradients are summed back there.
 */
export function scatterBack(g: Tensor, idx: Tensor, inMeta: TensorMeta): Tensor {
  const n = inMeta.shape.reduce((a, b) => a * b, 1);
  const flat = zeros([n], { dtype: g.dtype, device: g.device });
  return flat.indexAdd(0, idx.reshape([-1]), g.reshape([-1])).reshape([...inMeta.shape]);
}

/**
 * For each element of the view with geometry `view` (over the storage of `base`), its row-major
 * position within `base`: how in-place writes through a view (CopySlices) and `asStrided` map
 * gradients between the two.
 */
export function viewPositionsInBase(base: TensorMeta, view: { shape: readonly number[]; strides: readonly number[]; offset: number }): Tensor {
  const storage = arange(0, base.storageSize, { dtype: 'int64', device: base.device });
  const n = base.shape.reduce((a, b) => a * b, 1);
  const basePos = storage.asStrided(base.shape, base.strides, base.offset).reshape([-1]);
  const rank = zeros([base.storageSize], { dtype: 'int64', device: base.device }).scatter(0, basePos, arange(0, n, { dtype: 'int64', device: base.device }));
  return rank.index(storage.asStrided(view.shape, view.strides, view.offset));
}
