import { defineOp } from '../dispatcher.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes, fmtShape } from '../shape.js';
import { type Tensor, dtypeTitle } from '../tensor.js';
import { commonBackend, fromStorage } from './util.js';

function mmError(a: Tensor, b: Tensor): never {
  const r = (t: Tensor) => (t.ndim === 1 ? `${t.shape[0]}` : `${t.shape.slice(0, -1).reduce((x, y) => x * y, 1)}x${t.shape[t.ndim - 1]}`);
  const c = (t: Tensor) => (t.ndim === 1 ? `${t.shape[0]}` : `${t.shape[t.ndim - 2]}x${t.shape[t.ndim - 1]}`);
  if (a.ndim === 2 && b.ndim === 2) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${c(a)} and ${c(b)})`);
  }
  if (a.ndim === 1 && b.ndim === 1) {
    throw new RuntimeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  if (b.ndim === 1 && a.ndim === 2) throw new RuntimeError(`size mismatch, got ${a.shape[0]}, ${c(a)},${b.shape[0]}`);
  throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: ${fmtShape([...a.shape.slice(0, -2), a.shape[a.ndim - 1]])} but got: ${fmtShape(b.shape)}. (${r(a)} and ${r(b)})`);
}

/**
 * `torch.matmul`: 1-D operands are promoted (prepend / append a dim, removed after), batch dims
 * broadcast, and the backend sees one [B, M, K] · [B, K, N] product.
 */
defineOp('primitive', 'matmul(Tensor self, Tensor other) -> Tensor', ([a, b]) => {
  const backend = commonBackend([a, b]);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`expected scalar type ${dtypeTitle(a.dtype)} but found ${dtypeTitle(b.dtype)}`);
  }
  if (a.dtype === 'bool') throw new RuntimeError(`"addmm_impl_cpu_" not implemented for 'Bool'`);
  const A = a.ndim === 1 ? a.unsqueeze(0) : a;
  const B = b.ndim === 1 ? b.unsqueeze(1) : b;
  const M = A.shape[A.ndim - 2];
  const K = A.shape[A.ndim - 1];
  const N = B.shape[B.ndim - 1];
  if (B.shape[B.ndim - 2] !== K) mmError(a, b);
  const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const nb = batch.reduce((x, y) => x * y, 1);
  const A3 = A.expand([...batch, M, K]).reshape([nb, M, K]);
  const B3 = B.expand([...batch, K, N]).reshape([nb, K, N]);
  const out = fromStorage(backend.matmul(A3, B3, a.dtype), [...batch, M, N]);
  let shape = [...batch, M, N];
  if (a.ndim === 1) shape = [...batch, N];
  if (b.ndim === 1) shape = a.ndim === 1 ? [...batch] : [...batch, M];
  return shape.length === batch.length + 2 ? out : out.reshape(shape);
});
