/**
 * Index kernels. `gather`/`scatter` along a dim become flat gathers/scatters: the offset of every
 * element except along `dim` is geometry, computed on the host; the index values stay on the device.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { type StridedView, contiguousStrides } from '@flambeau/tensor';
import { run, tf } from './tfjs.js';
import { castTo, reshape, scatterUpdate, transpose, viewOffsets, viewTensor } from './views.js';

/**
 * Index values clamped into [0, n): an index out of range has already queued its IndexError as a
 * device-side check (raised at the next read), and must not make tfjs throw its own error
 * mid-op (tfjs-cpu's GatherV2 does) — the values it gives then are unspecified, as on CUDA.
 */
function inRange(index: StridedView, n: number): TF.Tensor {
  return run('ClipByValue', { x: castTo(viewTensor(index), 'int32') }, { clipValueMin: 0, clipValueMax: Math.max(n - 1, 0) });
}

/** Flat offsets into a contiguous tensor of `xShape` of the index tensor's elements along `dim`. */
function flatIndex(xShape: readonly number[], dim: number, index: StridedView): TF.Tensor {
  const strides = contiguousStrides(xShape);
  const base = viewOffsets(index.shape, index.shape.map((_, d) => (d === dim ? 0 : strides[d])), 0);
  const idx = inRange(index, xShape[dim]);
  return run('Add', { a: tf.tensor(base, [...index.shape], 'int32'), b: run('Multiply', { a: idx, b: tf.scalar(strides[dim], 'int32') }) });
}

function flatX(x: StridedView): TF.Tensor {
  return reshape(viewTensor(x), [x.shape.reduce((a, b) => a * b, 1)]);
}

export function gather(x: StridedView, dim: number, index: StridedView): TF.Tensor {
  return run('GatherV2', { x: flatX(x), indices: flatIndex(x.shape, dim, index) }, { axis: 0, batchDims: 0 });
}

export function scatter(x: StridedView, dim: number, index: StridedView, src: StridedView, mode: 'none' | 'add'): TF.Tensor {
  const n = index.shape.reduce((a, b) => a * b, 1);
  const at = reshape(flatIndex(x.shape, dim, index), [n, 1]);
  // src may be larger than index: only its leading window of index's shape is scattered.
  const window = { ...src, shape: index.shape };
  const updates = reshape(castTo(viewTensor(window), x.dtype), [n]);
  const base = castTo(flatX(x), x.dtype);
  const out = mode === 'add'
    ? run('Add', { a: base, b: run('ScatterNd', { indices: at, updates }, { shape: [base.size] }) })
    : scatterUpdate(base, at, updates);
  return reshape(out, x.shape);
}

export function indexSelect(x: StridedView, dim: number, index: StridedView): TF.Tensor {
  return run('GatherV2', { x: viewTensor(x), indices: inRange(index, x.shape[dim]) }, { axis: dim, batchDims: 0 });
}

export function indexAdd(x: StridedView, dim: number, index: StridedView, src: StridedView): TF.Tensor {
  // ScatterNd adds duplicate indices along the first dim: move `dim` there and back.
  const perm = [dim, ...x.shape.map((_, i) => i).filter((i) => i !== dim)];
  const back = perm.map((_, i) => perm.indexOf(i));
  const xt = transpose(castTo(viewTensor(x), x.dtype), perm);
  const st = transpose(castTo(viewTensor(src), x.dtype), perm);
  const at = reshape(inRange(index, x.shape[dim]), [index.shape[0] ?? 1, 1]);
  return transpose(run('Add', { a: xt, b: run('ScatterNd', { indices: at, updates: st }, { shape: xt.shape }) }), back);
}
