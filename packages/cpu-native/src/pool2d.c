/*
 * 2-D max and average pooling, forward and backward, over dense float32/float64 N·C planes.
 * Each plane is one item of work: its outputs, and in the backward passes its input gradient,
 * belong to it alone, and every sum runs in the TypeScript kernels' order (src/cpu/pool.ts), so
 * the results are those kernels' bits on any number of threads.
 */
#include "elementwise.h"
#include <emmintrin.h>
#include <math.h>
#include <stdlib.h>

/* Geometry: planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw (a Float64Array, in that order). */
typedef struct {
  int64_t planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw;
} geom;

typedef struct {
  geom g;
  enum el_type type;
  const char *x;   /* input (forward) or output gradient (backward), at its offset */
  char *out;       /* values (forward) or input gradient (backward) */
  double *idx;     /* max pool positions (int64 storage is a Float64Array) */
  const double *iidx;
  /* Clipped windows along each axis: first tap, end (max pool); start, end, padded extent (avg). */
  int64_t *hs, *he, *ws, *we, *hp, *wp;
  int include_pad;
  double divisor;  /* 0: none given */
  int bad;         /* a backward index outside its plane */
} pool_job;

static int read_geom(napi_env env, napi_value v, geom *g) {
  el_array a;
  if (!el_get(env, v, &a)) return 0;
  if (a.type != EL_F64 || a.length < 13) {
    napi_throw_type_error(env, NULL, "flambeau native: bad pooling geometry");
    return 0;
  }
  const double *d = a.data;
  int64_t *f = &g->planes;
  for (int i = 0; i < 13; i++) f[i] = (int64_t)d[i];
  for (int i = 0; i < 13; i++) {
    if (f[i] < 0 || (i >= 5 && i != 9 && i != 10 && f[i] < 1)) {
      napi_throw_range_error(env, NULL, "flambeau native: bad pooling geometry");
      return 0;
    }
  }
  return 1;
}

/* An array of `want` elements from `off` of a float type (`type`, or any when EL_OTHER). */
static int read_span(napi_env env, napi_value v, int64_t off, int64_t want, enum el_type type, el_array *a) {
  if (!el_get(env, v, a)) return 0;
  if ((a->type != EL_F32 && a->type != EL_F64) || (type != EL_OTHER && a->type != type)) {
    napi_throw_type_error(env, NULL, "flambeau native: expected float32 or float64 arrays of one type");
    return 0;
  }
  if (off < 0 || off + want > a->length) {
    napi_throw_range_error(env, NULL, "flambeau native: pooling operand out of its array's bounds");
    return 0;
  }
  a->data = (char *)a->data + off * (a->type == EL_F32 ? 4 : 8);
  return 1;
}

/* Max pool windows along one axis (pool.ts maxWindows): first in-bounds tap on the dilation grid, end. */
static void max_windows(int64_t count, int64_t size, int64_t k, int64_t s, int64_t p, int64_t d, int64_t *starts, int64_t *ends) {
  for (int64_t o = 0; o < count; o++) {
    int64_t i0 = o * s - p;
    int64_t e = i0 + (k - 1) * d + 1;
    ends[o] = e < size ? e : size;
    while (i0 < 0) i0 += d;
    starts[o] = i0;
  }
}

/* Average pool windows (pool.ts avgWindow): clipped start and end, and the padded extent. */
static void avg_windows(int64_t count, int64_t size, int64_t k, int64_t s, int64_t p, int64_t *starts, int64_t *ends, int64_t *padded) {
  for (int64_t o = 0; o < count; o++) {
    int64_t start = o * s - p;
    int64_t end = start + k < size + p ? start + k : size + p;
    starts[o] = start > 0 ? start : 0;
    ends[o] = end < size ? end : size;
    padded[o] = end - start;
  }
}

static int alloc_windows(napi_env env, pool_job *j) {
  int64_t n = 3 * (j->g.OH + j->g.OW);
  int64_t *w = malloc(sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
  if (!w) {
    napi_throw_error(env, NULL, "flambeau native: out of memory");
    return 0;
  }
  j->hs = w;
  j->he = w + j->g.OH;
  j->hp = w + 2 * j->g.OH;
  j->ws = w + 3 * j->g.OH;
  j->we = j->ws + j->g.OW;
  j->wp = j->ws + 2 * j->g.OW;
  return 1;
}

/* ---- max pool ----------------------------------------------------------------------------- */

/* A larger value or a NaN takes over (selects, not branches: random data mispredicts). */
#define TAKE(v, pos)                                                                            \
  do {                                                                                          \
    const int take = (v > best) | (v != v);                                                     \
    best = take ? v : best;                                                                     \
    at = take ? pos : at;                                                                       \
  } while (0)

/* A larger value or a NaN takes over, taps in row order; an all −∞ window keeps its first tap. */
#define MAX_PLANE(T)                                                                            \
  do {                                                                                          \
    const T *x = (const T *)j->x + plane * H * W;                                               \
    T *vals = (T *)j->out + plane * OH * OW;                                                    \
    double *idx = j->idx + plane * OH * OW;                                                     \
    for (int64_t oh = 0; oh < OH; oh++) {                                                       \
      const int64_t h0 = j->hs[oh], h1 = j->he[oh];                                             \
      for (int64_t ow = 0; ow < OW; ow++) {                                                     \
        const int64_t w0 = j->ws[ow], w1 = j->we[ow];                                           \
        T best = -INFINITY;                                                                     \
        int64_t at = h0 * W + w0;                                                               \
        for (int64_t r = h0 * W; r < h1 * W; r += rstep)                                        \
          for (int64_t i = r + w0; i < r + w1; i += dw) {                                       \
            const T v = x[i];                                                                   \
            TAKE(v, i);                                                                         \
          }                                                                                     \
        vals[oh * OW + ow] = best;                                                              \
        idx[oh * OW + ow] = (double)at;                                                         \
      }                                                                                         \
    }                                                                                           \
  } while (0)

/*
 * The CNNs' 2×2 windows at stride 2 lying inside the plane: the four taps read directly, from
 * tap 0, with the general loop's rule (which gives the same value and position).
 */
#define MAX_PLANE_2X2(T)                                                                        \
  do {                                                                                          \
    const T *x = (const T *)j->x + plane * H * W;                                               \
    T *vals = (T *)j->out + plane * OH * OW;                                                    \
    double *idx = j->idx + plane * OH * OW;                                                     \
    for (int64_t oh = 0; oh < OH; oh++) {                                                       \
      const T *r0 = x + 2 * oh * W, *r1 = r0 + W;                                               \
      const int64_t base = 2 * oh * W;                                                          \
      for (int64_t ow = 0; ow < OW; ow++) {                                                     \
        const int64_t i0 = 2 * ow;                                                              \
        T best = r0[i0];                                                                        \
        int64_t at = i0;                                                                        \
        T v = r0[i0 + 1];                                                                       \
        TAKE(v, i0 + 1);                                                                        \
        v = r1[i0];                                                                             \
        TAKE(v, i0 + W);                                                                        \
        v = r1[i0 + 1];                                                                         \
        TAKE(v, i0 + W + 1);                                                                    \
        vals[oh * OW + ow] = best;                                                              \
        idx[oh * OW + ow] = (double)(base + at);                                                \
      }                                                                                         \
    }                                                                                           \
  } while (0)

/* Where the larger-or-NaN mask m is set, b; else a (SSE2 has no blend). */
static inline __m128 pick(__m128 m, __m128 b, __m128 a) { return _mm_or_ps(_mm_and_ps(m, b), _mm_andnot_ps(m, a)); }

static inline __m128i pick_i(__m128 m, __m128i b, __m128i a) {
  const __m128i k = _mm_castps_si128(m);
  return _mm_or_si128(_mm_and_si128(k, b), _mm_andnot_si128(k, a));
}

/* MAX_PLANE_2X2 for float32, four windows at a time with no branches (random data mispredicts). */
static void max_plane_2x2_f32(const float *x, float *vals, double *idx, int64_t W, int64_t OH, int64_t OW) {
  const __m128i lanes = _mm_set_epi32(6, 4, 2, 0);
  for (int64_t oh = 0; oh < OH; oh++) {
    const float *r0 = x + 2 * oh * W, *r1 = r0 + W;
    const int64_t base = 2 * oh * W;
    int64_t ow = 0;
    for (; ow + 4 <= OW; ow += 4) {
      const int64_t i0 = 2 * ow;
      const __m128 a0 = _mm_loadu_ps(r0 + i0), a1 = _mm_loadu_ps(r0 + i0 + 4);
      const __m128 b0 = _mm_loadu_ps(r1 + i0), b1 = _mm_loadu_ps(r1 + i0 + 4);
      const __m128i at0 = _mm_add_epi32(_mm_set1_epi32((int)(base + i0)), lanes);
      __m128 best = _mm_shuffle_ps(a0, a1, _MM_SHUFFLE(2, 0, 2, 0));
      __m128i at = at0;
      __m128 v = _mm_shuffle_ps(a0, a1, _MM_SHUFFLE(3, 1, 3, 1));
      __m128 m = _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_cmpunord_ps(v, v));
      best = pick(m, v, best);
      at = pick_i(m, _mm_add_epi32(at0, _mm_set1_epi32(1)), at);
      v = _mm_shuffle_ps(b0, b1, _MM_SHUFFLE(2, 0, 2, 0));
      m = _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_cmpunord_ps(v, v));
      best = pick(m, v, best);
      at = pick_i(m, _mm_add_epi32(at0, _mm_set1_epi32((int)W)), at);
      v = _mm_shuffle_ps(b0, b1, _MM_SHUFFLE(3, 1, 3, 1));
      m = _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_cmpunord_ps(v, v));
      best = pick(m, v, best);
      at = pick_i(m, _mm_add_epi32(at0, _mm_set1_epi32((int)W + 1)), at);
      _mm_storeu_ps(vals + oh * OW + ow, best);
      _mm_storeu_pd(idx + oh * OW + ow, _mm_cvtepi32_pd(at));
      _mm_storeu_pd(idx + oh * OW + ow + 2, _mm_cvtepi32_pd(_mm_shuffle_epi32(at, _MM_SHUFFLE(1, 0, 3, 2))));
    }
    for (; ow < OW; ow++) {
      const int64_t i0 = 2 * ow;
      float best = r0[i0];
      int64_t at = i0;
      float v = r0[i0 + 1];
      TAKE(v, i0 + 1);
      v = r1[i0];
      TAKE(v, i0 + W);
      v = r1[i0 + 1];
      TAKE(v, i0 + W + 1);
      vals[oh * OW + ow] = best;
      idx[oh * OW + ow] = (double)(base + at);
    }
  }
}

static int is_2x2(const geom *g) {
  return g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0 && g->dh == 1 && g->dw == 1 &&
    2 * g->OH <= g->H && 2 * g->OW <= g->W && g->H * g->W < INT32_MAX;
}

static void max_job(void *ctx, int64_t begin, int64_t end) {
  pool_job *j = ctx;
  const geom *g = &j->g;
  const int64_t H = g->H, W = g->W, OH = g->OH, OW = g->OW;
  const int fast = is_2x2(g);
  const int64_t rstep = g->dh * W, dw = g->dw;
  for (int64_t plane = begin; plane < end; plane++) {
    if (fast && j->type == EL_F32) max_plane_2x2_f32((const float *)j->x + plane * H * W, (float *)j->out + plane * OH * OW, j->idx + plane * OH * OW, W, OH, OW);
    else if (fast) MAX_PLANE_2X2(double);
    else if (j->type == EL_F32) MAX_PLANE(float);
    else MAX_PLANE(double);
  }
}

/* maxPool2d(x, x0, vals, idx, geom): values and flat in-plane positions of each window's maximum. */
static napi_value max_pool(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!fl_args(env, info, 5, argv)) return NULL;
  pool_job j = {0};
  if (!read_geom(env, argv[4], &j.g)) return NULL;
  const geom *g = &j.g;
  int64_t outs = g->planes * g->OH * g->OW;
  el_array x, vals, idx;
  if (!read_span(env, argv[0], fl_int(env, argv[1]), g->planes * g->H * g->W, EL_OTHER, &x)) return NULL;
  if (!read_span(env, argv[2], 0, outs, x.type, &vals)) return NULL;
  if (!el_get(env, argv[3], &idx)) return NULL;
  if (idx.type != EL_F64 || idx.length < outs) {
    napi_throw_type_error(env, NULL, "flambeau native: max pool positions need a Float64Array of every output");
    return NULL;
  }
  if (!alloc_windows(env, &j)) return NULL;
  max_windows(g->OH, g->H, g->kh, g->sh, g->ph, g->dh, j.hs, j.he);
  max_windows(g->OW, g->W, g->kw, g->sw, g->pw, g->dw, j.ws, j.we);
  j.type = x.type;
  j.x = x.data;
  j.out = vals.data;
  j.idx = idx.data;
  el_run(max_job, &j, g->planes, outs * g->kh * g->kw);
  free(j.hs);
  return fl_undefined(env);
}

#define MAX_BACK_PLANE(T)                                                                       \
  do {                                                                                          \
    const T *gy = (const T *)j->x + plane * P;                                                  \
    const double *ix = j->iidx + plane * P;                                                     \
    T *dx = (T *)j->out + plane * HW;                                                           \
    for (int64_t o = 0; o < P; o++) {                                                           \
      const double at = ix[o];                                                                  \
      if (!(at >= 0 && at < (double)HW)) {                                                      \
        j->bad = 1;                                                                             \
        return;                                                                                 \
      }                                                                                         \
      dx[(int64_t)at] += gy[o];                                                                 \
    }                                                                                           \
  } while (0)

static void max_back_job(void *ctx, int64_t begin, int64_t end) {
  pool_job *j = ctx;
  const int64_t P = j->g.OH * j->g.OW, HW = j->g.H * j->g.W;
  for (int64_t plane = begin; plane < end; plane++) {
    if (j->type == EL_F32) MAX_BACK_PLANE(float);
    else MAX_BACK_PLANE(double);
  }
}

/*
 * maxPool2dBackward(gy, g0, idx, i0, dx, geom) → false when a position lies outside its plane
 * (dx is then partly written; the caller reports it). dx must hold zeros.
 */
static napi_value max_pool_backward(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!fl_args(env, info, 6, argv)) return NULL;
  pool_job j = {0};
  if (!read_geom(env, argv[5], &j.g)) return NULL;
  const geom *g = &j.g;
  int64_t outs = g->planes * g->OH * g->OW;
  el_array gy, idx, dx;
  if (!read_span(env, argv[0], fl_int(env, argv[1]), outs, EL_OTHER, &gy)) return NULL;
  if (!el_get(env, argv[2], &idx)) return NULL;
  int64_t i0 = fl_int(env, argv[3]);
  if (idx.type != EL_F64 || i0 < 0 || i0 + outs > idx.length) {
    napi_throw_type_error(env, NULL, "flambeau native: max pool positions need a Float64Array of every output");
    return NULL;
  }
  if (!read_span(env, argv[4], 0, g->planes * g->H * g->W, gy.type, &dx)) return NULL;
  j.type = gy.type;
  j.x = gy.data;
  j.iidx = (const double *)idx.data + i0;
  j.out = dx.data;
  el_run(max_back_job, &j, g->planes, outs);
  return el_bool(env, !j.bad);
}

/* ---- average pool ------------------------------------------------------------------------- */

static double avg_divisor(const pool_job *j, int64_t oh, int64_t ow) {
  if (j->divisor != 0) return j->divisor;
  if (j->include_pad) return (double)(j->hp[oh] * j->wp[ow]);
  return (double)((j->he[oh] - j->hs[oh]) * (j->we[ow] - j->ws[ow]));
}

#define AVG_PLANE(T)                                                                            \
  do {                                                                                          \
    const T *x = (const T *)j->x + plane * H * W;                                               \
    T *out = (T *)j->out + plane * OH * OW;                                                     \
    for (int64_t oh = 0; oh < OH; oh++)                                                         \
      for (int64_t ow = 0; ow < OW; ow++) {                                                     \
        const int64_t h0 = j->hs[oh], h1 = j->he[oh], w0 = j->ws[ow], w1 = j->we[ow];           \
        if (h0 >= h1 || w0 >= w1) continue;                                                     \
        double sum = 0;                                                                         \
        for (int64_t ih = h0; ih < h1; ih++)                                                    \
          for (int64_t iw = w0; iw < w1; iw++) sum += x[ih * W + iw];                           \
        out[oh * OW + ow] = (T)(sum / avg_divisor(j, oh, ow));                                  \
      }                                                                                         \
  } while (0)

static void avg_job(void *ctx, int64_t begin, int64_t end) {
  pool_job *j = ctx;
  const int64_t H = j->g.H, W = j->g.W, OH = j->g.OH, OW = j->g.OW;
  for (int64_t plane = begin; plane < end; plane++) {
    if (j->type == EL_F32) AVG_PLANE(float);
    else AVG_PLANE(double);
  }
}

#define AVG_BACK_PLANE(T)                                                                       \
  do {                                                                                          \
    const T *gy = (const T *)j->x + plane * OH * OW;                                            \
    T *dx = (T *)j->out + plane * H * W;                                                        \
    for (int64_t oh = 0; oh < OH; oh++)                                                         \
      for (int64_t ow = 0; ow < OW; ow++) {                                                     \
        const int64_t h0 = j->hs[oh], h1 = j->he[oh], w0 = j->ws[ow], w1 = j->we[ow];           \
        if (h0 >= h1 || w0 >= w1) continue;                                                     \
        const double v = gy[oh * OW + ow] / avg_divisor(j, oh, ow);                             \
        for (int64_t ih = h0; ih < h1; ih++)                                                    \
          for (int64_t iw = w0; iw < w1; iw++) dx[ih * W + iw] = (T)(dx[ih * W + iw] + v);      \
      }                                                                                         \
  } while (0)

static void avg_back_job(void *ctx, int64_t begin, int64_t end) {
  pool_job *j = ctx;
  const int64_t H = j->g.H, W = j->g.W, OH = j->g.OH, OW = j->g.OW;
  for (int64_t plane = begin; plane < end; plane++) {
    if (j->type == EL_F32) AVG_BACK_PLANE(float);
    else AVG_BACK_PLANE(double);
  }
}

/*
 * avgPool2d(x, x0, out, geom, countIncludePad, divisorOverride) and
 * avgPool2dBackward(gy, g0, dx, geom, countIncludePad, divisorOverride): dx must hold zeros;
 * divisorOverride 0 means none.
 */
static napi_value avg_pool_common(napi_env env, napi_callback_info info, int backward) {
  napi_value argv[6];
  if (!fl_args(env, info, 6, argv)) return NULL;
  pool_job j = {0};
  if (!read_geom(env, argv[3], &j.g)) return NULL;
  const geom *g = &j.g;
  int64_t ins = g->planes * g->H * g->W, outs = g->planes * g->OH * g->OW;
  el_array src, dst;
  if (!read_span(env, argv[0], fl_int(env, argv[1]), backward ? outs : ins, EL_OTHER, &src)) return NULL;
  if (!read_span(env, argv[2], 0, backward ? ins : outs, src.type, &dst)) return NULL;
  bool pad = true;
  napi_get_value_bool(env, argv[4], &pad);
  j.include_pad = pad;
  j.divisor = fl_num(env, argv[5]);
  if (!alloc_windows(env, &j)) return NULL;
  avg_windows(g->OH, g->H, g->kh, g->sh, g->ph, j.hs, j.he, j.hp);
  avg_windows(g->OW, g->W, g->kw, g->sw, g->pw, j.ws, j.we, j.wp);
  j.type = src.type;
  j.x = src.data;
  j.out = dst.data;
  el_run(backward ? avg_back_job : avg_job, &j, g->planes, outs * g->kh * g->kw);
  free(j.hs);
  return fl_undefined(env);
}

static napi_value avg_pool(napi_env env, napi_callback_info info) { return avg_pool_common(env, info, 0); }
static napi_value avg_pool_backward(napi_env env, napi_callback_info info) { return avg_pool_common(env, info, 1); }

void fl_register_pool2d(napi_env env, napi_value exports) {
  fl_export(env, exports, "maxPool2d", max_pool);
  fl_export(env, exports, "maxPool2dBackward", max_pool_backward);
  fl_export(env, exports, "avgPool2d", avg_pool);
  fl_export(env, exports, "avgPool2dBackward", avg_pool_backward);
}
