/* AVX2 helpers of the convolutions: one unfolded row by masked loads (no branch per pixel). */
#include "gemm.h"
#include <immintrin.h>

static __m256i below(int64_t n) {
  const int32_t m = n < 0 ? 0 : n > 8 ? 8 : (int32_t)n;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(m), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/*
 * p[ox] = xr[ox] for lo ≤ ox < hi, 0 elsewhere below OW (stride 1). Lanes outside [lo, hi) are
 * masked off the loads, so xr may point before or past the image row; nothing there is read.
 */
void fl_im2col_row_avx2(float *p, const float *xr, int64_t OW, int64_t lo, int64_t hi) {
  for (int64_t ox = 0; ox < OW; ox += 8) {
    const __m256i valid = _mm256_andnot_si256(below(lo - ox), below(hi - ox));
    _mm256_maskstore_ps(p + ox, below(OW - ox), _mm256_maskload_ps(xr + ox, valid));
  }
}

/* dx[ox] += p[ox] for lo ≤ ox < hi (stride 1): col2im's inner loop, the same additions in the same order. */
void fl_col2im_row_avx2(float *dx, const float *p, int64_t lo, int64_t hi) {
  int64_t ox = lo;
  for (; ox + 8 <= hi; ox += 8) _mm256_storeu_ps(dx + ox, _mm256_add_ps(_mm256_loadu_ps(dx + ox), _mm256_loadu_ps(p + ox)));
  for (; ox < hi; ox++) dx[ox] += p[ox];
}
