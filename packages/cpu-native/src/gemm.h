/*
 * The float32 GEMM shared by matmul and the convolutions: packed panels, a register-blocked
 * micro-kernel per instruction set, cache blocking, output tiles over the thread pool.
 */
#ifndef FLAMBEAU_GEMM_H
#define FLAMBEAU_GEMM_H

#include "flambeau.h"

/* Rows of K one pass of the micro-kernels sums before adding into C. It fixes every entry's
 * summation order, so it is one constant for every shape, instruction set and thread count. */
#define FL_KC 256

/*
 * C[m, n] (row stride ldc; m ≤ mr, n ≤ nr) = (add ? C + : ) A-panel · B-panel over kc steps.
 * The A panel holds mr values per step, the B panel nr (both zero-padded past m and n); each
 * entry is one fused multiply-add chain in k order, then one addition into C.
 */
typedef void (*fl_kernel)(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int m, int n, int add);

typedef struct {
  int mr, nr;
  fl_kernel kernel;
} fl_gemm_isa;

extern const fl_gemm_isa fl_gemm_avx512;
extern const fl_gemm_isa fl_gemm_avx2;

/*
 * C[M, N] (row stride ldc, unit column stride) = A[M, K] · B[K, N], or += with `accumulate`.
 * A and B are read through any element strides (transposes, broadcast zeros). Splits its output
 * tiles over the thread pool when the product is large (inline when called from a pool task).
 */
void fl_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t ars, int64_t acs,
              const float *B, int64_t brs, int64_t bcs, float *C, int64_t ldc, int accumulate);

/*
 * Fills a W-wide panel of B (the product's right operand, never stored): out[k·W + c] =
 * B[k0 + k, j0 + c] for k < kc, c < w, zero for w ≤ c < W. Convolutions unfold images straight
 * into panels with one.
 */
typedef void (*fl_b_packer)(const void *ctx, int64_t k0, int64_t kc, int64_t j0, int w, int W, float *out);

/* fl_sgemm with B given by a packer instead of strides. */
void fl_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t ars, int64_t acs,
                       fl_b_packer pack, const void *pack_ctx, float *C, int64_t ldc, int accumulate);

/* Whether offset..the last element a [rows, cols] view with these strides reads lies in [0, len). */
int fl_view_fits(size_t len, int64_t off, int64_t rows, int64_t rs, int64_t cols, int64_t cs);

/* fn over [0, n): on the pool when the job has at least fl_parallel_min() multiply-adds, else inline. */
static inline void fl_parallel_for(double madds, int64_t n, fl_task fn, void *ctx) {
  if (madds >= (double)fl_parallel_min()) {
    fl_parallel(n, fn, ctx);
  } else if (n > 0) {
    fn(ctx, 0, n);
  }
}

/* A Float32Array's data and length; NULL after throwing a TypeError for anything else. */
float *fl_f32(napi_env env, napi_value v, size_t *length);

/* *buf grown to hold n floats (64-byte aligned, old contents dropped); aborts when memory is out. */
float *fl_scratch(float **buf, size_t *cap, size_t n);

/* AVX2 data movement (also used on AVX-512 CPUs): see gemm_avx2.c and conv_avx2.c. */
void fl_pack_rows8_avx2(const float *X, int64_t rs, int64_t kc, float *out, int64_t W);
void fl_im2col_row_avx2(float *p, const float *xr, int64_t OW, int64_t lo, int64_t hi);
void fl_col2im_row_avx2(float *dx, const float *p, int64_t lo, int64_t hi);

void fl_register_conv(napi_env env, napi_value exports);

#endif
