/* The AVX2+FMA micro-kernel: a 6×16 tile of C in 12 ymm accumulators (two B vectors, six broadcasts per k). */
#include "gemm.h"
#include <immintrin.h>

/* Lane i of the mask is on when i < n. */
static __m256i lanes(int n) { return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); }

static void kernel(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int m, int n, int add) {
  __m256 c0[6], c1[6];
#pragma GCC unroll 6
  for (int r = 0; r < 6; r++) c0[r] = c1[r] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; k++, a += 6, b += 16) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < 6; r++) {
      const __m256 ar = _mm256_broadcast_ss(a + r);
      c0[r] = _mm256_fmadd_ps(ar, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(ar, b1, c1[r]);
    }
  }
  const __m256i m0 = lanes(n), m1 = lanes(n - 8);
#pragma GCC unroll 6
  for (int r = 0; r < 6; r++) {
    if (r < m) {
      float *row = c + r * ldc;
      __m256 v0 = c0[r], v1 = c1[r];
      if (add) {
        v0 = _mm256_add_ps(_mm256_maskload_ps(row, m0), v0);
        v1 = _mm256_add_ps(_mm256_maskload_ps(row + 8, m1), v1);
      }
      _mm256_maskstore_ps(row, m0, v0);
      _mm256_maskstore_ps(row + 8, m1, v1);
    }
  }
}

const fl_gemm_isa fl_gemm_avx2 = {6, 16, kernel};
