/*
 * AVX2 forms of reduce.c's dense sums (compiled with -mavx2; called only where fl_has_avx2()).
 * One 4-lane float64 register holds a run's four running sums, lane k taking the values j ≡ k
 * (mod 4): the same additions in the same order as reduce.c's SSE2 loops and the TypeScript
 * kernel, twice as many values per instruction.
 */
#include "elementwise.h"
#include <immintrin.h>

/* (s0 + s1) + (s2 + s3), then the run's last len mod 4 values added into s0 first. */
static inline double total(__m256d acc, const float *tail, int64_t n) {
  double s[4];
  _mm256_storeu_pd(s, acc);
  for (int64_t j = 0; j < n; j++) s[0] += tail[j];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

void el_sum_runs_f32_avx2(const float *x, int64_t stride, int64_t rows, int64_t len, double *res) {
  const int64_t q = len & ~(int64_t)3;
  int64_t r = 0;
  for (; r + 8 <= rows; r += 8) {
    __m256d a[8];
    for (int k = 0; k < 8; k++) a[k] = _mm256_setzero_pd();
    const float *x0 = x + r * stride;
    for (int64_t j = 0; j < q; j += 4)
      for (int k = 0; k < 8; k++) a[k] = _mm256_add_pd(a[k], _mm256_cvtps_pd(_mm_loadu_ps(x0 + k * stride + j)));
    for (int k = 0; k < 8; k++) res[r + k] = total(a[k], x0 + k * stride + q, len - q);
  }
  for (; r < rows; r++) {
    const float *x0 = x + r * stride;
    __m256d a0 = _mm256_setzero_pd();
    for (int64_t j = 0; j < q; j += 4) a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm_loadu_ps(x0 + j)));
    res[r] = total(a0, x0 + q, len - q);
  }
}

/*
 * acc[c] += x[i·len + c] for i < red, c < k: a column block of a sum over leading dims, in row
 * order; four rows per pass keep each column's running sum in a register between them.
 */
void el_sum_cols_f32_avx2(const float *x, int64_t len, int64_t red, int64_t k, double *acc) {
  int64_t i = 0;
  for (; i + 4 <= red; i += 4, x += 4 * len) {
    int64_t c = 0;
    for (; c + 4 <= k; c += 4) {
      __m256d a = _mm256_loadu_pd(acc + c);
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm_loadu_ps(x + c)));
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm_loadu_ps(x + len + c)));
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm_loadu_ps(x + 2 * len + c)));
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm_loadu_ps(x + 3 * len + c)));
      _mm256_storeu_pd(acc + c, a);
    }
    for (; c < k; c++) acc[c] = (((acc[c] + x[c]) + x[len + c]) + x[2 * len + c]) + x[3 * len + c];
  }
  for (; i < red; i++, x += len) {
    int64_t c = 0;
    for (; c + 4 <= k; c += 4) _mm256_storeu_pd(acc + c, _mm256_add_pd(_mm256_loadu_pd(acc + c), _mm256_cvtps_pd(_mm_loadu_ps(x + c))));
    for (; c < k; c++) acc[c] += x[c];
  }
}
