/**
 * Strided views as tfjs tensors, and kernel results as storages. A view becomes, in order of
 * preference: the storage tensor reshaped, a slice of it, a transpose of a slice, or a gather of
 * indices computed on the host from the view's geometry alone (no device data is read).
 */
import type * as TF from '@tensorflow/tfjs-core';
import { type Backend, type DType, type StridedView } from '@flambeau/tensor';
import { TfjsStorage, tfDtype } from './storage.js';
import { run, tf } from './tfjs.js';

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function storageOf(v: StridedView): TfjsStorage {
  return v.storage as TfjsStorage;
}

export function reshape(t: TF.Tensor, shape: readonly number[]): TF.Tensor {
  return run('Reshape', { x: t }, { shape: [...shape] });
}

export function transpose(t: TF.Tensor, perm: readonly number[]): TF.Tensor {
  return perm.every((p, i) => p === i) ? t : run('Transpose', { x: t }, { perm: [...perm] });
}

/** The flat range [offset, offset + n) of a storage. */
function range1d(s: TfjsStorage, offset: number, n: number): TF.Tensor {
  return offset === 0 && n === s.size ? s.tensor : run('Slice', { x: s.tensor }, { begin: [offset], size: [n] });
}

/**
 * Storage offsets of every element of a view, in row-major order (geometry only).
 */
export function viewOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const n = numel(shape);
  const out = new Int32Array(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = offset;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Dims sorted by decreasing stride, if the view is a permutation of a dense block; else null. */
function densePermutation(shape: readonly number[], strides: readonly number[]): number[] | null {
  const dims = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  dims.sort((a, b) => strides[b] - strides[a]);
  let expect = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    if (strides[dims[k]] !== expect) return null;
    expect *= shape[dims[k]];
  }
  return dims;
}

/**
 * The view as a tfjs tensor of its shape (a new handle; dispose through `tf.tidy`). With
 * `broadcast: false`, zero-stride dims stay of size 1, for tfjs kernels that broadcast themselves.
 */
export function viewTensor(v: StridedView, opts: { broadcast?: boolean } = {}): TF.Tensor {
  const s = storageOf(v);
  const zero = v.shape.map((n, i) => n !== 1 && v.strides[i] === 0);
  if (zero.some(Boolean)) {
    const inner = viewTensor({ ...v, shape: v.shape.map((n, i) => (zero[i] ? 1 : n)) });
    if (opts.broadcast === false) return inner;
    return run('Tile', { x: inner }, { reps: v.shape.map((n, i) => (zero[i] ? n : 1)) });
  }
  const n = numel(v.shape);
  if (n === 0) return run('Fill', {}, { shape: [...v.shape], value: 0, dtype: tfDtype(s.dtype) });
  const perm = densePermutation(v.shape, v.strides);
  if (perm) {
    const block = range1d(s, v.offset, n);
    const permuted = reshape(block, perm.map((d) => v.shape[d]));
    // Position of each kept dim in the permuted block, in the view's order.
    const kept = v.shape.map((_, i) => i).filter((i) => v.shape[i] !== 1);
    const t = transpose(permuted, kept.map((d) => perm.indexOf(d)));
    return reshape(t, v.shape);
  }
  const idx = tf.tensor1d(viewOffsets(v.shape, v.strides, v.offset), 'int32');
  return reshape(run('GatherV2', { x: s.tensor, indices: idx }, { axis: 0, batchDims: 0 }), v.shape);
}

/** Casts a tfjs tensor to the tfjs dtype of `dtype`, wrapping uint8 values to [0, 256). */
export function castTo(t: TF.Tensor, dtype: DType): TF.Tensor {
  const td = tfDtype(dtype);
  let out = t.dtype === td ? t : run('Cast', { x: t }, { dtype: td });
  if (dtype === 'uint8' && t.dtype !== 'bool') out = run('Mod', { a: out, b: tf.scalar(256, 'int32') });
  return out;
}

/** A kernel result as a fresh storage of `dtype` (kept out of the enclosing `tf.tidy`). */
export function toStorage(backend: Backend, t: TF.Tensor, dtype: DType): TfjsStorage {
  const flat = reshape(castTo(t, dtype), [t.size]);
  return new TfjsStorage(backend, dtype, t.size, tf.keep(flat));
}

/**
 * `TensorScatterUpdate` without touching `tensor`. tfjs-cpu's kernel writes into the buffer of its
 * `tensor` input, which other tensors may share (Reshape results share it, a contiguous Slice is a
 * subarray of it): there the input is first copied (Tile ×1 always allocates). Other tfjs backends
 * write a fresh output.
 */
export function scatterUpdate(tensor: TF.Tensor, indices: TF.Tensor, updates: TF.Tensor): TF.Tensor {
  const own = tf.getBackend() === 'cpu' ? run('Tile', { x: tensor }, { reps: tensor.shape.map(() => 1) }) : tensor;
  return run('TensorScatterUpdate', { tensor: own, indices, updates });
}

/** Writes `values` (a tfjs tensor of dst's shape and tfjs dtype) into the view `dst`. */
export function writeView(dst: StridedView, values: TF.Tensor): void {
  const s = storageOf(dst);
  const n = numel(dst.shape);
  if (n === 0) return;
  const flat = reshape(values, [n]);
  const dense = densePermutation(dst.shape, dst.strides);
  if (dense && dense.every((d, i) => i === 0 || d > dense[i - 1]) && dst.offset === 0 && n === s.size) {
    s.replace(flat);
    return;
  }
  const idx = reshape(tf.tensor1d(viewOffsets(dst.shape, dst.strides, dst.offset), 'int32'), [n, 1]);
  s.replace(scatterUpdate(s.tensor, idx, flat));
}
