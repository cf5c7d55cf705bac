import type { Storage, StridedView } from '../backend.js';
import { type DType, type TypedArray, allocArray } from '../dtype.js';
import { nativeKernels } from './native.js';
import { arr } from './storage.js';
import { Plan, planThreads } from './thread_pool.js';
import { align, blockCols, gemmWorkBytes, wasmModule } from './wasm_gemm.js';

type Make = (d: DType, a: TypedArray) => Storage;

/**
 * Bytes of packed B per column block: the block stays in L2 while every 4-row strip of A streams
 * past it (measured best between 128 KiB and 512 KiB on the 2-core EPYC hosts).
 */
const BLOCK_BYTES = 256 * 1024;

// Scratch reused across calls; the kernels only ever see Float64Array, which keeps their element
// loads monomorphic whatever dtype the operands have.
let bPack = new Float64Array(0);
let aCopy = new Float64Array(0);
const tile = new Float64Array(16);

/**
 * C[4×4] tile = A[4 rows, K] · Bp[K, 4 cols] into `tile`, row-major. A row r, step k sits at
 * `pa + r·aRs + k·aCs`; the B panel is packed k-major, four values per k. The sixteen sums live in
 * locals so the loop does 16 multiply-adds per 8 loads.
 */
function kernel4x4(K: number, A: Float64Array, pa: number, aRs: number, aCs: number, Bp: Float64Array, pb: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const r1 = aRs, r2 = 2 * aRs, r3 = 3 * aRs;
  for (let k = 0; k < K; k++, pa += aCs, pb += 4) {
    const a0 = A[pa], a1 = A[pa + r1], a2 = A[pa + r2], a3 = A[pa + r3];
    const b0 = Bp[pb], b1 = Bp[pb + 1], b2 = Bp[pb + 2], b3 = Bp[pb + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  const t = tile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
}

/** One row of A against a packed 4-column panel: the strip below the last full 4 rows. */
function kernel1x4(K: number, A: Float64Array, pa: number, aCs: number, Bp: Float64Array, pb: number): void {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let k = 0; k < K; k++, pa += aCs, pb += 4) {
    const a = A[pa];
    c0 += a * Bp[pb]; c1 += a * Bp[pb + 1]; c2 += a * Bp[pb + 2]; c3 += a * Bp[pb + 3];
  }
  const t = tile;
  t[0] = c0; t[1] = c1; t[2] = c2; t[3] = c3;
}

/**
 * Packs columns [j0, j0 + nc) of B into 4-column panels (k-major, 4 values per k) as float64; a
 * ragged last panel is padded with zeros, whose products land in columns that are never stored.
 */
function packB(K: number, j0: number, nc: number, B: TypedArray, bOff: number, bRs: number, bCs: number): Float64Array {
  const panels = Math.ceil(nc / 4);
  if (bPack.length < panels * 4 * K) bPack = new Float64Array(panels * 4 * K);
  const out = bPack;
  let p = 0;
  for (let j = 0; j < nc; j += 4) {
    const w = Math.min(4, nc - j);
    let o = bOff + (j0 + j) * bCs;
    if (w === 4) {
      const s1 = bCs, s2 = 2 * bCs, s3 = 3 * bCs;
      for (let k = 0; k < K; k++, o += bRs) {
        out[p] = B[o]; out[p + 1] = B[o + s1]; out[p + 2] = B[o + s2]; out[p + 3] = B[o + s3];
        p += 4;
      }
    } else {
      for (let k = 0; k < K; k++, o += bRs, p += 4) {
        for (let c = 0; c < 4; c++) out[p + c] = c < w ? B[o + c * bCs] : 0;
      }
    }
  }
  return out;
}

/** Elements one past the last one a [rows, cols] view with these (non-negative) strides reads. */
const span = (rows: number, cols: number, rs: number, cs: number) => (rows - 1) * rs + (cols - 1) * cs + 1;

/**
 * Whether an operand goes into linear memory as its whole span in one block copy (the view is
 * compact: any transposition included; the kernel follows the strides) rather than gathered.
 */
const compact = (rows: number, cols: number, rs: number, cs: number) => span(rows, cols, rs, cs) <= 2 * rows * cols;

/** Copies an operand into `heap` at byte `at` as `compact` decided: in one block, or gathered dense row-major. */
function stage(heap: Float32Array, rows: number, cols: number, X: Float32Array, off: number, rs: number, cs: number, at: number): void {
  if (compact(rows, cols, rs, cs)) {
    heap.set(X.subarray(off, off + span(rows, cols, rs, cs)), at / 4);
    return;
  }
  let p = at / 4;
  for (let i = 0; i < rows; i++) {
    for (let j = 0, o = off + i * rs; j < cols; j++, o += cs) heap[p++] = X[o];
  }
}

/**
 * Cuts C[M, N] into chunks for `threads` threads: whole column blocks of the kernel when there
 * are enough (each chunk packs only its own columns of B); with too few blocks to share evenly
 * and A no taller than twice B's width (a Linear layer's products), 8-column slices, since a
 * 4-row strip packs all of B again per chunk (16 times for 16 chunks) while a column slice only
 * re-reads A; else 4-row strips (tall im2col operands). Every entry is the same sum however C is
 * cut, so the cut may follow the thread count.
 */
function splitGemm(plan: Plan, threads: number, M: number, N: number, K: number,
  a: number, aRs: number, aCs: number, b: number, bRs: number, bCs: number, c: number): void {
  const NC = blockCols(K), blocks = Math.ceil(N / NC), strips = Math.ceil(M / 4);
  const slices = threads > 1 && blocks < 2 * threads && M <= 2 * N;
  const width = slices ? 8 : NC;
  const byCols = slices || blocks >= threads || blocks >= strips;
  const units = byCols ? Math.ceil(N / width) : strips;
  // Many chunks per thread: a thread the host deschedules mid-chunk holds up only a small one
  // (fewer for slices, each of which re-reads A).
  const chunks = threads === 1 ? 1 : Math.min(units, (slices ? 4 : 8) * threads);
  for (let q = 0; q < chunks; q++) {
    const u0 = Math.floor((q * units) / chunks), u1 = Math.floor(((q + 1) * units) / chunks);
    if (byCols) {
      const n0 = u0 * width, n1 = Math.min(N, u1 * width);
      plan.gemm(M, n1 - n0, K, a, aRs, aCs, b + 4 * n0 * bCs, bRs, bCs, c + 4 * n0, N, 0);
    } else {
      const m0 = 4 * u0, m1 = Math.min(M, 4 * u1);
      plan.gemm(m1 - m0, N, K, a + 4 * m0 * aRs, aRs, aCs, b, bRs, bCs, c + 4 * m0 * N, N, 0);
    }
    plan.endChunk();
  }
}

/**
 * C[Bn, M, N] = A[Bn, M, K] · B[Bn, K, N] (or `+=` with `accumulate`) in WebAssembly SIMD, summed
 * along K in float32 as PyTorch's BLAS does (with fused multiply-adds where relaxed SIMD is
 * available), on the worker threads too when the batch is large (thread_pool.ts): a chunk per
 * product when there are enough of them, else each product split. A and B are float32 with
 * non-negative strides (`aBs`/`bBs` between products; 0 broadcasts one operand), C is dense
 * row-major (float32, or float64 for callers that sum several products). Returns false, having
 * done nothing, when the plain-TS kernels run (no SIMD128, or forced) or the operands do not fit
 * in 32-bit linear memory: the caller then uses those.
 */
export function wasmGemm(
  Bn: number, M: number, N: number, K: number,
  A: Float32Array, aOff: number, aBs: number, aRs: number, aCs: number,
  B: Float32Array, bOff: number, bBs: number, bRs: number, bCs: number,
  C: TypedArray, cOff: number, accumulate: boolean,
): boolean {
  const m = wasmModule();
  if (m === null || aBs < 0 || aRs < 0 || aCs < 0 || bBs < 0 || bRs < 0 || bCs < 0) return false;
  const kk = Math.max(K, 1);
  // Layout: each product's A (one for all when broadcast) | each B | C, then each thread's work
  // area (dense A when A's columns are strided, a B block). K = 0 stages nothing: the kernel
  // writes zeros.
  const [ars, acs] = K === 0 ? [0, 1] : compact(M, K, aRs, aCs) ? [aRs, aCs] : [K, 1];
  const [brs, bcs] = K === 0 ? [0, 1] : compact(K, N, bRs, bCs) ? [bRs, bCs] : [N, 1];
  const aStep = aBs === 0 ? 0 : align(4 * Math.max(span(M, kk, aRs, aCs), M * kk));
  const bStep = bBs === 0 ? 0 : align(4 * Math.max(span(kk, N, bRs, bCs), kk * N));
  const aAt = align(m.base);
  const bAt = aAt + Math.max(aStep * Bn, align(4 * Math.max(span(M, kk, aRs, aCs), M * kk)));
  const cAt = bAt + Math.max(bStep * Bn, align(4 * Math.max(span(kk, N, bRs, bCs), kk * N)));
  const plan = new Plan(m);
  const threads = planThreads(m, Bn * M * N * K);
  for (let bi = 0; bi < Bn; bi++) {
    splitGemm(plan, Bn >= threads ? 1 : threads, M, N, K, aAt + bi * aStep, ars, acs, bAt + bi * bStep, brs, bcs, cAt + 4 * bi * M * N);
  }
  const heap = plan.place(cAt + 4 * Bn * M * N, gemmWorkBytes(M, N, K), threads);
  if (heap === null) return false;
  for (let bi = 0; bi < (K > 0 ? Bn : 0); bi++) {
    if (bi === 0 || aStep > 0) stage(heap, M, K, A, aOff + bi * aBs, aRs, aCs, aAt + bi * aStep);
    if (bi === 0 || bStep > 0) stage(heap, K, N, B, bOff + bi * bBs, bRs, bCs, bAt + bi * bStep);
  }
  plan.run();
  const c0 = cAt / 4, n = Bn * M * N;
  if (!accumulate && C instanceof Float32Array) {
    C.set(heap.subarray(c0, c0 + n), cOff);
  } else if (accumulate) {
    for (let i = 0; i < n; i++) C[cOff + i] += heap[c0 + i];
  } else {
    for (let i = 0; i < n; i++) C[cOff + i] = heap[c0 + i];
  }
  return true;
}

/**
 * C[M, N] = A[M, K] · B[K, N] (or `+=` with `accumulate`), any strides on A and B, C dense
 * row-major. Float32 operands go to the native accelerator when it is loaded (native.ts), else to
 * the WebAssembly SIMD kernel (wasm_gemm.ts, which also takes a float64 C); both sum in float32
 * like PyTorch's BLAS. The rest of this comment is the plain-TS path, taken for every
 * other dtype and where the engine lacks SIMD128. B is packed a column block at a time into
 * 4-column float64 panels that stay in cache;
 * A is read in place when it is already float64, else converted (see below). Each 4×4 tile of C sums the whole of K in float64 registers and rounds once on
 * store, as a fused kernel would, so float32 results carry one rounding and integer ones are exact
 * (below 2^53). Shared by matmul and the im2col convolutions.
 */
export function gemm(
  M: number, N: number, K: number,
  A: TypedArray, aOff: number, aRs: number, aCs: number,
  B: TypedArray, bOff: number, bRs: number, bCs: number,
  C: TypedArray, cOff: number, accumulate = false,
): void {
  if (M === 0 || N === 0) return;
  const native = nativeKernels();
  if (native !== null && A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) {
    native.gemm(M, N, K, A, aOff, aRs, aCs, B, bOff, bRs, bCs, C, cOff, N, accumulate);
    return;
  }
  if (A instanceof Float32Array && B instanceof Float32Array
    && wasmGemm(1, M, N, K, A, aOff, 0, aRs, aCs, B, bOff, 0, bRs, bCs, C, cOff, accumulate)) return;
  const NC = Math.max(4, Math.floor(BLOCK_BYTES / (32 * Math.max(K, 1))) * 4);
  // A that is not float64 is converted: all at once when several column blocks reuse it, else a
  // 4-row strip at a time into a k-major panel that stays in L1 (tall im2col-like operands would
  // otherwise spend their time writing and re-reading a full copy).
  const wide = N > NC;
  const convert = !(A instanceof Float64Array);
  if (convert && wide) {
    A = toFloat64(M, K, A, aOff, aRs, aCs);
    aOff = 0; aRs = K; aCs = 1;
  }
  const strips = convert && !wide;
  if (strips && aCopy.length < 4 * K) aCopy = new Float64Array(4 * K);
  const A64 = (strips ? aCopy : A) as Float64Array;
  const M4 = M - (M % 4);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    const Bp = packB(K, j0, nc, B, bOff, bRs, bCs);
    for (let i = 0; i < M4; i += 4) {
      let pa = aOff + i * aRs, rs = aRs, cs = aCs;
      if (strips) {
        packStrip(K, A, pa, aRs, aCs);
        pa = 0; rs = 1; cs = 4;
      }
      for (let j = 0; j < nc; j += 4) {
        kernel4x4(K, A64, pa, rs, cs, Bp, j * K);
        storeTile(C, cOff + i * N + j0 + j, N, 4, Math.min(4, nc - j), accumulate);
      }
    }
    for (let i = M4; i < M; i++) {
      let pa = aOff + i * aRs, cs = aCs;
      if (strips) {
        for (let k = 0; k < K; k++) A64[k] = A[pa + k * aCs];
        pa = 0; cs = 1;
      }
      for (let j = 0; j < nc; j += 4) {
        kernel1x4(K, A64, pa, cs, Bp, j * K);
        storeTile(C, cOff + i * N + j0 + j, N, 1, Math.min(4, nc - j), accumulate);
      }
    }
  }
}

/** A dense row-major float64 copy of the strided M×K operand. */
function toFloat64(M: number, K: number, A: TypedArray, aOff: number, aRs: number, aCs: number): Float64Array {
  if (aCopy.length < M * K) aCopy = new Float64Array(M * K);
  const out = aCopy;
  let p = 0;
  for (let i = 0; i < M; i++) {
    let o = aOff + i * aRs;
    for (let k = 0; k < K; k++, o += aCs) out[p++] = A[o];
  }
  return out;
}

/** Four rows of A from `pa` into `aCopy` as a k-major panel (four values per k). */
function packStrip(K: number, A: TypedArray, pa: number, aRs: number, aCs: number): void {
  const out = aCopy;
  const r1 = aRs, r2 = 2 * aRs, r3 = 3 * aRs;
  for (let k = 0, p = 0; k < K; k++, pa += aCs, p += 4) {
    out[p] = A[pa]; out[p + 1] = A[pa + r1]; out[p + 2] = A[pa + r2]; out[p + 3] = A[pa + r3];
  }
}

/** Writes (or adds) the top-left rows×w corner of `tile` into C at `co` with row stride `ldc`. */
function storeTile(C: TypedArray, co: number, ldc: number, rows: number, w: number, accumulate: boolean): void {
  const t = tile;
  for (let r = 0; r < rows; r++, co += ldc) {
    if (accumulate) for (let c = 0; c < w; c++) C[co + c] += t[4 * r + c];
    else for (let c = 0; c < w; c++) C[co + c] = t[4 * r + c];
  }
}

/**
 * Batched matmul: float32 batches go to the native or wasm kernel at once (the products shared
 * between the threads); otherwise each [M, K] · [K, N] pair goes to `gemm` through its strides, uncopied.
 */
export function matmulKernel(a: StridedView, b: StridedView, outDtype: DType, make: Make): Storage {
  const [Bn, M, K] = a.shape;
  const N = b.shape[2];
  const C = allocArray(outDtype, Bn * M * N);
  const A = arr(a), Bm = arr(b);
  const [sab, sar, sac] = a.strides;
  const [sbb, sbr, sbc] = b.strides;
  const native = nativeKernels();
  if (native !== null && Bn > 1 && A instanceof Float32Array && Bm instanceof Float32Array && C instanceof Float32Array) {
    native.gemmBatched(Bn, M, N, K, A, a.offset, sab, sar, sac, Bm, b.offset, sbb, sbr, sbc, C, 0, false);
    return make(outDtype, C);
  }
  if (Bn > 1 && M > 0 && N > 0 && A instanceof Float32Array && Bm instanceof Float32Array
    && wasmGemm(Bn, M, N, K, A, a.offset, sab, sar, sac, Bm, b.offset, sbb, sbr, sbc, C, 0, false)) return make(outDtype, C);
  for (let bi = 0; bi < Bn; bi++) {
    gemm(M, N, K, A, a.offset + bi * sab, sar, sac, Bm, b.offset + bi * sbb, sbr, sbc, C, bi * M * N);
  }
  return make(outDtype, C);
}
