// Float32 GEMM in WebAssembly SIMD128 (AssemblyScript source of src/cpu/wasm_gemm_binary.ts),
// built as plain SIMD128 and as relaxed SIMD (each step one fused multiply-add), each on an
// imported memory that is shared with worker threads where they exist.
// The TypeScript side (src/cpu/matmul.ts, src/cpu/conv.ts) copies operands into linear memory
// from `heapBase()` on, writes a list of calls of `gemm`, `im2col`, `col2im`, `accumulate64`, `add64`
// cut into chunks, and has threads run the chunks (`runChunk`; src/cpu/thread_pool.ts); the
// convolutions' column matrices never leave linear memory. Everything here works on byte
// addresses in that memory.

/**
 * Bytes at the start of `work` where a tile narrower than 8 columns stages its 4×8 sums before
 * the valid corner goes to C. It lives in the caller's work area, not in static data, because
 * worker threads run this module on the same shared memory and each needs its own.
 */
const SCRATCH: usize = 4 * 8 * 4;

/** First free byte of linear memory, 64-byte aligned so operand regions start on cache lines. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

/**
 * acc + x·b. The relaxed build fuses it (one rounding per step, like OpenBLAS's FMA kernels, and
 * 1.45× faster per PERF-NOTES); the plain build rounds the product and the sum separately.
 */
// @ts-ignore: decorator
@inline
function madd(acc: v128, x: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, b, acc);
  return f32x4.add(acc, f32x4.mul(x, b));
}

/**
 * C[4×8] = A[4 rows, K] · Bp[K, 8]: A rows are read in place (`lda` bytes apart, unit stride
 * along k), the B panel is packed k-major, 8 values per k. Eight f32x4 accumulators is what V8
 * keeps in registers (PERF-NOTES: wider tiles spill). `w` < 8 stores only the first w columns.
 */
// @ts-ignore: decorator
@inline
function tile4x8(K: i32, a: usize, lda: usize, bp: usize, c: usize, ldc: usize, w: i32, scratch: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a0);
    c00 = madd(c00, x, b0);
    c01 = madd(c01, x, b1);
    x = v128.load32_splat(a1);
    c10 = madd(c10, x, b0);
    c11 = madd(c11, x, b1);
    x = v128.load32_splat(a2);
    c20 = madd(c20, x, b0);
    c21 = madd(c21, x, b1);
    x = v128.load32_splat(a3);
    c30 = madd(c30, x, b0);
    c31 = madd(c31, x, b1);
    a0 += 4; a1 += 4; a2 += 4; a3 += 4; bp += 32;
  }
  const full = w == 8;
  const o = full ? c : scratch;
  const ld = full ? ldc : 32;
  v128.store(o, c00); v128.store(o, c01, 16);
  v128.store(o + ld, c10); v128.store(o + ld, c11, 16);
  v128.store(o + 2 * ld, c20); v128.store(o + 2 * ld, c21, 16);
  v128.store(o + 3 * ld, c30); v128.store(o + 3 * ld, c31, 16);
  if (!full) copyCorner(4, w, c, ldc, scratch);
}

/** One row of A against a packed 8-column panel: the rows below the last full 4. */
// @ts-ignore: decorator
@inline
function tile1x8(K: i32, a: usize, bp: usize, c: usize, w: i32, scratch: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(a);
    c0 = madd(c0, x, v128.load(bp));
    c1 = madd(c1, x, v128.load(bp, 16));
    a += 4; bp += 32;
  }
  if (w == 8) {
    v128.store(c, c0); v128.store(c, c1, 16);
  } else {
    v128.store(scratch, c0); v128.store(scratch, c1, 16);
    copyCorner(1, w, c, 0, scratch);
  }
}

function copyCorner(rows: i32, w: i32, c: usize, ldc: usize, scratch: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < w; j++) store<f32>(c + r * ldc + (<usize>j << 2), load<f32>(scratch + (<usize>(r * 8 + j) << 2)));
  }
}

/**
 * Columns [0, nc) of B (`rs`/`cs` bytes between rows/columns) into 8-column panels at `dst`,
 * k-major; a ragged last panel is zero-padded, its extra products land in columns never stored.
 */
function packB(K: i32, nc: i32, b: usize, rs: usize, cs: usize, dst: usize): void {
  let p = dst;
  for (let j = 0; j < nc; j += 8) {
    const w = min(8, nc - j);
    let o = b + <usize>j * cs;
    if (w == 8 && cs == 4) {
      for (let k = 0; k < K; k++, o += rs, p += 32) {
        v128.store(p, v128.load(o));
        v128.store(p, v128.load(o, 16), 16);
      }
    } else {
      for (let k = 0; k < K; k++, o += rs, p += 32) {
        for (let c = 0; c < 8; c++) store<f32>(p + (<usize>c << 2), c < w ? load<f32>(o + <usize>c * cs) : 0);
      }
    }
  }
}

/** A[M, K] with any element strides into a dense row-major copy at `dst`. */
function densify(M: i32, K: i32, a: usize, rs: usize, cs: usize, dst: usize): void {
  let p = dst;
  for (let i = 0; i < M; i++) {
    let o = a + <usize>i * rs;
    for (let k = 0; k < K; k++, o += cs, p += 4) store<f32>(p, load<f32>(o));
  }
}

/**
 * C[M, N] = A[M, K] · B[K, N], float32 throughout. A and B are addressed by element strides
 * (non-negative); C is row-major with `ldc` elements between rows (N for a dense C; a worker
 * thread computing a column slice passes the full width). `work` is free memory, 64-aligned:
 * the tile scratch, then a dense copy of A (only when A's columns are not contiguous: the tile
 * reads A rows in place), then one packed block of `NC` columns of B, sized so the block stays
 * in L2 while A streams past it. Each entry of C is the same k-ordered sum whatever M, N, `ldc`
 * or the block width, so splitting C between threads cannot change a bit.
 */
function gemm(
  M: i32, N: i32, K: i32,
  a: usize, aRs: i32, aCs: i32,
  b: usize, bRs: i32, bCs: i32,
  c: usize, ldcElems: i32, work: usize, NC: i32,
): void {
  const scratch = work;
  work += (SCRATCH + 63) & ~(<usize>63);
  if (aCs != 1) {
    densify(M, K, a, <usize>aRs << 2, <usize>aCs << 2, work);
    a = work;
    aRs = K;
    work += (<usize>(M * K) * 4 + 63) & ~(<usize>63);
  }
  const lda = <usize>aRs << 2;
  const ldc = <usize>ldcElems << 2;
  const M4 = M & ~3;
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    packB(K, nc, b + (<usize>j0 * bCs << 2), <usize>bRs << 2, <usize>bCs << 2, work);
    for (let i = 0; i < M4; i += 4) {
      const ai = a + <usize>i * lda;
      const ci = c + <usize>i * ldc + (<usize>j0 << 2);
      for (let j = 0; j < nc; j += 8) {
        tile4x8(K, ai, lda, work + (<usize>(j * K) << 2), ci + (<usize>j << 2), ldc, min(8, nc - j), scratch);
      }
    }
    for (let i = M4; i < M; i++) {
      const ai = a + <usize>i * lda;
      const ci = c + <usize>i * ldc + (<usize>j0 << 2);
      for (let j = 0; j < nc; j += 8) {
        tile1x8(K, ai, work + (<usize>(j * K) << 2), ci + (<usize>j << 2), min(8, nc - j), scratch);
      }
    }
  }
}

/**
 * First output column of [lo, hi) whose input column `ox·sw + shift` lies inside [0, W): the
 * columns before `lo` and from `hi` on read padding.
 */
// @ts-ignore: decorator
@inline
function validLo(shift: i32, sw: i32, OW: i32): i32 {
  return min(shift >= 0 ? 0 : (sw - 1 - shift) / sw, OW);
}

// @ts-ignore: decorator
@inline
function validHi(shift: i32, sw: i32, W: i32, OW: i32, lo: i32): i32 {
  return max(min(W - 1 - shift < 0 ? 0 : (W - 1 - shift) / sw + 1, OW), lo);
}

/**
 * Unfolds one image-group x[C, H, W] into columns: element (k, p), k = (c·kh + i)·kw + j,
 * p = oy·OW + ox, lands at `cols + 4·(k·rs + p·cs)`, zero where the window hangs over the
 * padding. rs = P, cs = 1 gives [K, P] for the forward GEMM; rs = 1, cs = K gives [P, K].
 */
function im2col(
  x: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, OH: i32, OW: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, cols: usize, rs: i32, cs: i32,
): void {
  const step = <usize>cs << 2;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = cols + (<usize>(((c * kh + i) * kw + j) * rs) << 2);
        const shift = j * dw - pw;
        const lo = validLo(shift, sw, OW), hi = validHi(shift, sw, W, OW, lo);
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh - ph + i * dh;
          let p = row + (<usize>(oy * OW * cs) << 2);
          if (iy < 0 || iy >= H) {
            if (cs == 1) memory.fill(p, 0, <usize>OW << 2);
            else for (let ox = 0; ox < OW; ox++, p += step) store<f32>(p, 0);
            continue;
          }
          const xr = x + (<isize>((c * H + iy) * W + shift) << 2);
          if (cs == 1) {
            memory.fill(p, 0, <usize>lo << 2);
            if (sw == 1) memory.copy(p + (<usize>lo << 2), xr + (<usize>lo << 2), <usize>(hi - lo) << 2);
            else for (let ox = lo; ox < hi; ox++) store<f32>(p + (<usize>ox << 2), load<f32>(xr + (<usize>(ox * sw) << 2)));
            memory.fill(p + (<usize>hi << 2), 0, <usize>(OW - hi) << 2);
          } else {
            let ox = 0;
            for (; ox < lo; ox++, p += step) store<f32>(p, 0);
            for (; ox < hi; ox++, p += step) store<f32>(p, load<f32>(xr + (<usize>(ox * sw) << 2)));
            for (; ox < OW; ox++, p += step) store<f32>(p, 0);
          }
        }
      }
    }
  }
}

/** The adjoint of `im2col` for the [K, P] layout: adds every column entry back onto its input pixel. */
function col2im(
  cols: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, OH: i32, OW: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, dx: usize,
): void {
  const P = OH * OW;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = cols + (<usize>(((c * kh + i) * kw + j) * P) << 2);
        const shift = j * dw - pw;
        const lo = validLo(shift, sw, OW), hi = validHi(shift, sw, W, OW, lo);
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh - ph + i * dh;
          if (iy < 0 || iy >= H) continue;
          const xr = dx + (<isize>((c * H + iy) * W + shift) << 2);
          const p = row + (<usize>(oy * OW) << 2);
          if (sw == 1) {
            let ox = lo;
            for (; ox + 4 <= hi; ox += 4) {
              const d = xr + (<usize>ox << 2);
              v128.store(d, f32x4.add(v128.load(d), v128.load(p + (<usize>ox << 2))));
            }
            for (; ox < hi; ox++) {
              const d = xr + (<usize>ox << 2);
              store<f32>(d, load<f32>(d) + load<f32>(p + (<usize>ox << 2)));
            }
          } else {
            for (let ox = lo; ox < hi; ox++) {
              const d = xr + (<usize>(ox * sw) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(p + (<usize>ox << 2)));
            }
          }
        }
      }
    }
  }
}

/** acc[i] += src[i] for n elements, float32 into float64: the weight gradient's sum over images. */
function accumulate64(src: usize, acc: usize, n: i32): void {
  for (let i = 0; i < n; i++, src += 4, acc += 8) store<f64>(acc, load<f64>(acc) + <f64>load<f32>(src));
}

/** acc[i] += src[i] for n float64 elements: partial sums of the weight gradient, added in a fixed order. */
function add64(src: usize, acc: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2, src += 16, acc += 16) v128.store(acc, f64x2.add(v128.load(acc), v128.load(src)));
  if (i < n) store<f64>(acc, load<f64>(acc) + load<f64>(src));
}

/** Words per command record: the function, the scratch mask, then up to 18 arguments. */
const RECORD: usize = 20;

/**
 * Argument `i` of the record at `p`: as written, or an offset into this thread's scratch when
 * bit `i` of the mask is set (the same command list runs on whichever thread claims the chunk).
 */
// @ts-ignore: decorator
@inline
function arg(p: usize, i: i32, scratch: usize): i32 {
  const v = load<i32>(p + 8 + (<usize>i << 2));
  return (load<i32>(p, 4) >> i) & 1 ? <i32>(scratch + v) : v;
}

/**
 * Runs chunk `c` of a command list: the records from `table[c]` to `table[c + 1]` at `cmds`,
 * each a call of gemm (0; its NC argument last), im2col (1), col2im (2), accumulate64 (3) or
 * add64 (4).
 * The calling thread and the worker threads (src/cpu/thread_pool.ts) run chunks through this
 * one entry, each with its own `scratch`.
 */
export function runChunk(cmds: usize, table: usize, c: i32, scratch: usize): void {
  const end = load<i32>(table + (<usize>(c + 1) << 2));
  for (let r = load<i32>(table + (<usize>c << 2)); r < end; r++) {
    const p = cmds + <usize>r * RECORD * 4;
    const fn = load<i32>(p);
    if (fn == 0) {
      gemm(arg(p, 0, scratch), arg(p, 1, scratch), arg(p, 2, scratch), arg(p, 3, scratch), arg(p, 4, scratch),
        arg(p, 5, scratch), arg(p, 6, scratch), arg(p, 7, scratch), arg(p, 8, scratch), arg(p, 9, scratch),
        arg(p, 10, scratch), arg(p, 11, scratch), arg(p, 12, scratch));
    } else if (fn == 1) {
      im2col(arg(p, 0, scratch), arg(p, 1, scratch), arg(p, 2, scratch), arg(p, 3, scratch), arg(p, 4, scratch),
        arg(p, 5, scratch), arg(p, 6, scratch), arg(p, 7, scratch), arg(p, 8, scratch), arg(p, 9, scratch),
        arg(p, 10, scratch), arg(p, 11, scratch), arg(p, 12, scratch), arg(p, 13, scratch), arg(p, 14, scratch),
        arg(p, 15, scratch), arg(p, 16, scratch));
    } else if (fn == 2) {
      col2im(arg(p, 0, scratch), arg(p, 1, scratch), arg(p, 2, scratch), arg(p, 3, scratch), arg(p, 4, scratch),
        arg(p, 5, scratch), arg(p, 6, scratch), arg(p, 7, scratch), arg(p, 8, scratch), arg(p, 9, scratch),
        arg(p, 10, scratch), arg(p, 11, scratch), arg(p, 12, scratch), arg(p, 13, scratch), arg(p, 14, scratch));
    } else if (fn == 3) {
      accumulate64(arg(p, 0, scratch), arg(p, 1, scratch), arg(p, 2, scratch));
    } else {
      add64(arg(p, 0, scratch), arg(p, 1, scratch), arg(p, 2, scratch));
    }
  }
}
