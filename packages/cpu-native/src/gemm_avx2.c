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

/*
 * out[k·W + r] = X[r·rs + k] for r < 8, k < kc: eight rows of a row-major operand into eight
 * lanes of a panel, by 8×8 transposes in registers (pack_panel's common case: row-major A, and B
 * read transposed). Moves values only, so the bits are the plain copy's.
 */
void fl_pack_rows8_avx2(const float *X, int64_t rs, int64_t kc, float *out, int64_t W) {
  int64_t k = 0;
  for (; k + 8 <= kc; k += 8) {
    __m256 r[8], t[8], s[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(X + i * rs + k);
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      s[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
      _mm256_storeu_ps(out + (k + i) * W, _mm256_permute2f128_ps(s[i], s[i + 4], 0x20));
      _mm256_storeu_ps(out + (k + i + 4) * W, _mm256_permute2f128_ps(s[i], s[i + 4], 0x31));
    }
  }
  for (; k < kc; k++) {
    for (int i = 0; i < 8; i++) out[k * W + i] = X[i * rs + k];
  }
}
