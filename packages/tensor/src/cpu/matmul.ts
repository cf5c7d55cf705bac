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

/**
 * Batched matmul: i-k-j loop order over packed row-major operands, blocked over k, four rows
 * of C at a time so each loaded B element feeds four multiply-adds.
 */
export function matmulKernel(a: StridedView, b: StridedView, outDtype: DType, make: Make): Storage {
  const [Bn, M, K] = a.shape;
  const N = b.shape[2];
  const A = pack(a, outDtype);
  const Bm = pack(b, outDtype);
  const C = allocArray(outDtype, Bn * M * N);
  // Accumulate in float64 rows, then store (one rounding for float32, as a fused kernel would).
  const acc = new Float64Array(4 * N);
  for (let bi = 0; bi < Bn; bi++) {
    const aOff = bi * M * K;
    const bOff = bi * K * N;
    const cOff = bi * M * N;
    for (let i = 0; i < M; i += 4) {
      const rows = Math.min(4, M - i);
      acc.fill(0);
      for (let k0 = 0; k0 < K; k0 += KB) {
        const k1 = Math.min(K, k0 + KB);
        if (rows === 4) {
          const r0 = aOff + i * K, r1 = r0 + K, r2 = r1 + K, r3 = r2 + K;
          for (let k = k0; k < k1; k++) {
            const a0 = A[r0 + k], a1 = A[r1 + k], a2 = A[r2 + k], a3 = A[r3 + k];
            const bRow = bOff + k * N;
            for (let j = 0; j < N; j++) {
              const bv = Bm[bRow + j];
              acc[j] += a0 * bv;
              acc[N + j] += a1 * bv;
              acc[2 * N + j] += a2 * bv;
              acc[3 * N + j] += a3 * bv;
            }
          }
        } else {
          for (let r = 0; r < rows; r++) {
            const ra = aOff + (i + r) * K;
            const ro = r * N;
            for (let k = k0; k < k1; k++) {
              const av = A[ra + k];
              const bRow = bOff + k * N;
              for (let j = 0; j < N; j++) acc[ro + j] += av * Bm[bRow + j];
            }
          }
        }
      }
      for (let r = 0; r < rows; r++) {
        const co = cOff + (i + r) * N;
        for (let j = 0; j < N; j++) C[co + j] = acc[r * N + j];
      }
    }
  }
  return make(outDtype, C);
}
