import type { Storage, StridedView } from '../backend.js';
import { type DType, type TypedArray, allocArray } from '../dtype.js';
import { arr } from './storage.js';

type Make = (d: DType, a: TypedArray) => Storage;

/** Copies a [B, R, C] strided view into a dense array of `dtype`'s type. */
function pack(v: StridedView, dtype: DType): TypedArray {
  const [B, R, C] = v.shape;
  const [sb, sr, sc] = v.strides;
  const src = arr(v);
  const out = allocArray(dtype, B * R * C);
  let p = 0;
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < R; r++) {
      let o = v.offset + b * sb + r * sr;
      for (let c = 0; c < C; c++, o += sc) out[p++] = src[o];
    }
  }
  return out;
}

const KB = 128; // k-block: a 128-row panel of B stays in L2 while rows of A stream past it

let scratch = new Float64Array(0);

/**
 * C[M, N] = A[M, K] · B[K, N] (or `+=` with `accumulate`) on dense arrays. A is read through its
 * row/column strides, so a transposed operand needs no copy; B and C are row-major. The i-k-j
 * loop works four rows of C at a time, blocked over k, so each loaded B element feeds four
 * multiply-adds; rows accumulate in float64 and round once, as a fused kernel would.
 * Shared by matmul and the im2col convolutions.
 */
export function gemm(
  M: number, N: number, K: number,
  A: TypedArray, aOff: number, aRs: number, aCs: number,
  B: TypedArray, bOff: number,
  C: TypedArray, cOff: number, accumulate = false,
): void {
  if (scratch.length < 4 * N) scratch = new Float64Array(4 * N);
  const acc = scratch;
  for (let i = 0; i < M; i += 4) {
    const rows = Math.min(4, M - i);
    acc.fill(0, 0, 4 * N);
    for (let k0 = 0; k0 < K; k0 += KB) {
      const k1 = Math.min(K, k0 + KB);
      if (rows === 4) {
        const r0 = aOff + i * aRs, r1 = r0 + aRs, r2 = r1 + aRs, r3 = r2 + aRs;
        for (let k = k0; k < k1; k++) {
          const ak = k * aCs;
          const a0 = A[r0 + ak], a1 = A[r1 + ak], a2 = A[r2 + ak], a3 = A[r3 + ak];
          const bRow = bOff + k * N;
          for (let j = 0; j < N; j++) {
            const bv = B[bRow + j];
            acc[j] += a0 * bv;
            acc[N + j] += a1 * bv;
            acc[2 * N + j] += a2 * bv;
            acc[3 * N + j] += a3 * bv;
          }
        }
      } else {
        for (let r = 0; r < rows; r++) {
          const ra = aOff + (i + r) * aRs;
          const ro = r * N;
          for (let k = k0; k < k1; k++) {
            const av = A[ra + k * aCs];
            const bRow = bOff + k * N;
            for (let j = 0; j < N; j++) acc[ro + j] += av * B[bRow + j];
          }
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      const co = cOff + (i + r) * N;
      if (accumulate) for (let j = 0; j < N; j++) C[co + j] += acc[r * N + j];
      else for (let j = 0; j < N; j++) C[co + j] = acc[r * N + j];
    }
  }
}

/** Batched matmul over packed row-major operands. */
export function matmulKernel(a: StridedView, b: StridedView, outDtype: DType, make: Make): Storage {
  const [Bn, M, K] = a.shape;
  const N = b.shape[2];
  const A = pack(a, outDtype);
  const Bm = pack(b, outDtype);
  const C = allocArray(outDtype, Bn * M * N);
  for (let bi = 0; bi < Bn; bi++) gemm(M, N, K, A, bi * M * K, K, 1, Bm, bi * K * N, C, bi * M * N);
  return make(outDtype, C);
}
