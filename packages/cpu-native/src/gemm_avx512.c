/* The AVX-512 micro-kernel: an 8×32 tile of C in 16 zmm accumulators (two B vectors, eight broadcasts per k). */
#include "gemm.h"
#include <immintrin.h>

static __mmask16 lanes(int n) { return n >= 16 ? (__mmask16)0xffff : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }

static void kernel(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int m, int n, int add) {
  __m512 c0[8], c1[8];
#pragma GCC unroll 8
  for (int r = 0; r < 8; r++) c0[r] = c1[r] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; k++, a += 8, b += 32) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++) {
      const __m512 ar = _mm512_set1_ps(a[r]);
      c0[r] = _mm512_fmadd_ps(ar, b0, c0[r]);
      c1[r] = _mm512_fmadd_ps(ar, b1, c1[r]);
    }
  }
  const __mmask16 m0 = lanes(n), m1 = lanes(n - 16);
#pragma GCC unroll 8
  for (int r = 0; r < 8; r++) {
    if (r < m) {
      float *row = c + r * ldc;
      __m512 v0 = c0[r], v1 = c1[r];
      if (add) {
        v0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, row), v0);
        v1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, row + 16), v1);
      }
      _mm512_mask_storeu_ps(row, m0, v0);
      _mm512_mask_storeu_ps(row + 16, m1, v1);
    }
  }
}

const fl_gemm_isa fl_gemm_avx512 = {8, 32, kernel};
