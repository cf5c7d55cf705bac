/*
 * Sums, maxima and minima over dims of float32/float64 views, accumulating in float64.
 *
 * Orders (fixed by the data's shape only, so any thread count gives the same bits):
 * - a run of values reduced to one output (trailing dims, or any gathered layout): element j
 *   into running sum j mod 4, the last len mod 4 into sum 0, total (s0 + s1) + (s2 + s3) — the
 *   TypeScript kernel's order; runs longer than LONG are cut into LONG-element blocks summed so,
 *   then added in block order, which lets threads share one long sum;
 * - leading dims of a dense view (a bias gradient over the batch): each output adds its values
 *   in row order, as the TypeScript kernel does.
 * Maxima and minima scan in order: NaN wins, else the first of equal values (−0 before +0).
 */
#include "elementwise.h"
#include <emmintrin.h>
#include <math.h>
#include <stdlib.h>

enum { R_SUM, R_MAX, R_MIN, R_COUNT };

/* Run length from which a sum is cut into blocks; a multiple of 4, so the block order holds. */
#define LONG 32768
/* Most columns one item of a column sum holds in its float64 accumulators (8 KiB). */
#define COLS 1024

typedef struct {
  int op;
  enum el_type xt, ot;
  const char *x;
  char *out;
  int64_t x0, rows, len, outer, red, blocks;
  double *partial;
  el_views v; /* general layout: kept dims then reduced dims */
  int kept;
  int64_t outputs, run;
} red_job;

static inline void store(enum el_type t, char *out, int64_t i, double value) {
  if (t == EL_F32) ((float *)out)[i] = (float)value;
  else ((double *)out)[i] = value;
}

/* ---- sums of dense runs, four rows at a time ---------------------------------------------- */

/* (s0 + s1) + (s2 + s3) of the running sums lo = (s0, s1), hi = (s2, s3). */
static inline double finish(__m128d lo, __m128d hi) {
  double l[2], h[2];
  _mm_storeu_pd(l, lo);
  _mm_storeu_pd(h, hi);
  return (l[0] + l[1]) + (h[0] + h[1]);
}

/* Sums of `rows` runs of `len` floats, `stride` apart, into res[r]. */
static void sum_runs_f32(const float *x, int64_t stride, int64_t rows, int64_t len, double *res) {
  int64_t q = len & ~(int64_t)3;
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float *x0 = x + r * stride, *x1 = x0 + stride, *x2 = x1 + stride, *x3 = x2 + stride;
    __m128d l0 = _mm_setzero_pd(), h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
    for (int64_t j = 0; j < q; j += 4) {
      __m128 v0 = _mm_loadu_ps(x0 + j), v1 = _mm_loadu_ps(x1 + j), v2 = _mm_loadu_ps(x2 + j), v3 = _mm_loadu_ps(x3 + j);
      l0 = _mm_add_pd(l0, _mm_cvtps_pd(v0));
      h0 = _mm_add_pd(h0, _mm_cvtps_pd(_mm_movehl_ps(v0, v0)));
      l1 = _mm_add_pd(l1, _mm_cvtps_pd(v1));
      h1 = _mm_add_pd(h1, _mm_cvtps_pd(_mm_movehl_ps(v1, v1)));
      l2 = _mm_add_pd(l2, _mm_cvtps_pd(v2));
      h2 = _mm_add_pd(h2, _mm_cvtps_pd(_mm_movehl_ps(v2, v2)));
      l3 = _mm_add_pd(l3, _mm_cvtps_pd(v3));
      h3 = _mm_add_pd(h3, _mm_cvtps_pd(_mm_movehl_ps(v3, v3)));
    }
    const float *xs[4] = {x0, x1, x2, x3};
    __m128d ls[4] = {l0, l1, l2, l3}, hs[4] = {h0, h1, h2, h3};
    for (int k = 0; k < 4; k++) {
      double l[2];
      _mm_storeu_pd(l, ls[k]);
      double a0 = l[0];
      for (int64_t j = q; j < len; j++) a0 += xs[k][j];
      ls[k] = _mm_set_pd(l[1], a0);
      res[r + k] = finish(ls[k], hs[k]);
    }
  }
  for (; r < rows; r++) {
    const float *x0 = x + r * stride;
    __m128d lo = _mm_setzero_pd(), hi = lo;
    for (int64_t j = 0; j < q; j += 4) {
      __m128 v = _mm_loadu_ps(x0 + j);
      lo = _mm_add_pd(lo, _mm_cvtps_pd(v));
      hi = _mm_add_pd(hi, _mm_cvtps_pd(_mm_movehl_ps(v, v)));
    }
    double l[2];
    _mm_storeu_pd(l, lo);
    double a0 = l[0];
    for (int64_t j = q; j < len; j++) a0 += x0[j];
    res[r] = finish(_mm_set_pd(l[1], a0), hi);
  }
}

static void sum_runs_f64(const double *x, int64_t stride, int64_t rows, int64_t len, double *res) {
  int64_t q = len & ~(int64_t)3;
  int64_t r = 0;
  for (; r + 2 <= rows; r += 2) {
    const double *x0 = x + r * stride, *x1 = x0 + stride;
    __m128d l0 = _mm_setzero_pd(), h0 = l0, l1 = l0, h1 = l0;
    for (int64_t j = 0; j < q; j += 4) {
      l0 = _mm_add_pd(l0, _mm_loadu_pd(x0 + j));
      h0 = _mm_add_pd(h0, _mm_loadu_pd(x0 + j + 2));
      l1 = _mm_add_pd(l1, _mm_loadu_pd(x1 + j));
      h1 = _mm_add_pd(h1, _mm_loadu_pd(x1 + j + 2));
    }
    double l[2];
    _mm_storeu_pd(l, l0);
    double a0 = l[0];
    for (int64_t j = q; j < len; j++) a0 += x0[j];
    res[r] = finish(_mm_set_pd(l[1], a0), h0);
    _mm_storeu_pd(l, l1);
    a0 = l[0];
    for (int64_t j = q; j < len; j++) a0 += x1[j];
    res[r + 1] = finish(_mm_set_pd(l[1], a0), h1);
  }
  for (; r < rows; r++) {
    const double *x0 = x + r * stride;
    __m128d lo = _mm_setzero_pd(), hi = lo;
    for (int64_t j = 0; j < q; j += 4) {
      lo = _mm_add_pd(lo, _mm_loadu_pd(x0 + j));
      hi = _mm_add_pd(hi, _mm_loadu_pd(x0 + j + 2));
    }
    double l[2];
    _mm_storeu_pd(l, lo);
    double a0 = l[0];
    for (int64_t j = q; j < len; j++) a0 += x0[j];
    res[r] = finish(_mm_set_pd(l[1], a0), hi);
  }
}

/* Whether this CPU runs reduce_avx2.c (set at registration). */
static int avx2 = 0;

static void sum_runs(enum el_type t, const char *x, int64_t at, int64_t stride, int64_t rows, int64_t len, double *res) {
  if (t == EL_F32 && avx2) el_sum_runs_f32_avx2((const float *)x + at, stride, rows, len, res);
  else if (t == EL_F32) sum_runs_f32((const float *)x + at, stride, rows, len, res);
  else sum_runs_f64((const double *)x + at, stride, rows, len, res);
}

/* Maximum (op R_MAX) or minimum of n values `step` apart: NaN wins, else the first extreme. */
#define SCAN(T, x, n, step, op, out)                                                            \
  do {                                                                                          \
    T acc = op == R_MAX ? -INFINITY : INFINITY;                                                 \
    for (int64_t j = 0; j < n; j++) {                                                           \
      T v = x[j * step];                                                                        \
      if (v != v) { acc = v; break; }                                                           \
      if (op == R_MAX ? v > acc : v < acc) acc = v;                                             \
    }                                                                                           \
    out = acc;                                                                                  \
  } while (0)

static double scan(int op, enum el_type t, const char *x, int64_t at, int64_t n, int64_t step) {
  double out;
  if (t == EL_F32) {
    const float *p = (const float *)x + at;
    float r;
    SCAN(float, p, n, step, op, r);
    out = r;
  } else {
    const double *p = (const double *)x + at;
    SCAN(double, p, n, step, op, out);
  }
  return out;
}

/* ---- trailing dims of a dense view: out[r] = reduce(x[x0 + r·len …][len]) ------------------ */

/* Items are rows (runs up to LONG) or (row, block) pairs whose sums go to `partial`. */
static void rows_job(void *ctx, int64_t begin, int64_t end) {
  red_job *j = ctx;
  if (j->op != R_SUM) {
    for (int64_t r = begin; r < end; r++) store(j->ot, j->out, r, scan(j->op, j->xt, j->x, j->x0 + r * j->len, j->len, 1));
    return;
  }
  if (j->partial) {
    for (int64_t it = begin; it < end; it++) {
      int64_t r = it / j->blocks, b = it % j->blocks;
      int64_t start = b * LONG, n = j->len - start < LONG ? j->len - start : LONG;
      sum_runs(j->xt, j->x, j->x0 + r * j->len + start, 0, 1, n, &j->partial[it]);
    }
    return;
  }
  double res[64];
  for (int64_t r = begin; r < end; r += 64) {
    int64_t k = end - r < 64 ? end - r : 64;
    sum_runs(j->xt, j->x, j->x0 + r * j->len, j->len, k, j->len, res);
    for (int64_t i = 0; i < k; i++) store(j->ot, j->out, r + i, res[i]);
  }
}

static int read_arrays(napi_env env, napi_value out, napi_value x, el_array *o, el_array *a) {
  if (!el_get(env, out, o) || !el_get(env, x, a)) return 0;
  if ((a->type != EL_F32 && a->type != EL_F64) || (o->type != EL_F32 && o->type != EL_F64)) {
    napi_throw_type_error(env, NULL, "flambeau native: expected float32 or float64 arrays");
    return 0;
  }
  return 1;
}

static int read_op(napi_env env, napi_value v, int *op) {
  *op = (int)fl_int(env, v);
  if (*op < 0 || *op >= R_COUNT) {
    napi_throw_range_error(env, NULL, "flambeau native: unknown reduction");
    return 0;
  }
  return 1;
}

/* The arguments every reduction starts with: op, out, x (argv holds `argc`). */
static int read_reduce(napi_env env, napi_callback_info info, size_t argc, napi_value *argv, red_job *j, el_array *o, el_array *a) {
  if (!fl_args(env, info, argc, argv) || !read_op(env, argv[0], &j->op) || !read_arrays(env, argv[1], argv[2], o, a)) return 0;
  j->xt = a->type;
  j->ot = o->type;
  j->x = a->data;
  j->out = o->data;
  return 1;
}

static int bad_range(napi_env env) {
  napi_throw_range_error(env, NULL, "flambeau native: reduction out of its array's bounds");
  return 0;
}

/* reduceRows(op, out, x, x0, rows, len): op 0 sum, 1 max, 2 min of each of `rows` dense runs. */
static napi_value reduce_rows(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  red_job j = {0};
  el_array o, a;
  if (!read_reduce(env, info, 6, argv, &j, &o, &a)) return NULL;
  j.x0 = fl_int(env, argv[3]);
  j.rows = fl_int(env, argv[4]);
  j.len = fl_int(env, argv[5]);
  if (j.x0 < 0 || j.rows < 0 || j.len < 0 || j.rows > o.length || (j.rows * j.len > 0 && j.x0 + j.rows * j.len > a.length)) {
    bad_range(env);
    return NULL;
  }
  if (j.op == R_SUM && j.len > LONG) {
    j.blocks = (j.len + LONG - 1) / LONG;
    j.partial = malloc(sizeof(double) * (size_t)(j.rows * j.blocks));
    if (!j.partial) {
      napi_throw_error(env, NULL, "flambeau native: out of memory");
      return NULL;
    }
    el_run(rows_job, &j, j.rows * j.blocks, j.rows * j.len);
    for (int64_t r = 0; r < j.rows; r++) {
      double s = 0;
      for (int64_t b = 0; b < j.blocks; b++) s += j.partial[r * j.blocks + b];
      store(j.ot, j.out, r, s);
    }
    free(j.partial);
  } else {
    el_run(rows_job, &j, j.rows, j.rows * j.len);
  }
  return fl_undefined(env);
}

/* ---- leading dims of a dense view: out[b·len + c] = reduce_i x[x0 + (b·red + i)·len + c] ---- */

#define COLUMNS(T)                                                                              \
  do {                                                                                          \
    const T *x = (const T *)j->x + j->x0 + b * j->red * j->len + c0;                            \
    if (j->op == R_SUM) {                                                                       \
      for (int64_t c = 0; c < k; c++) acc[c] = 0;                                               \
      for (int64_t i = 0; i < j->red; i++, x += j->len)                                         \
        for (int64_t c = 0; c < k; c++) acc[c] += x[c];                                         \
    } else {                                                                                    \
      const double init = j->op == R_MAX ? -INFINITY : INFINITY;                                \
      for (int64_t c = 0; c < k; c++) acc[c] = init;                                            \
      for (int64_t i = 0; i < j->red; i++, x += j->len)                                         \
        for (int64_t c = 0; c < k; c++) {                                                       \
          double v = x[c];                                                                      \
          if (acc[c] != acc[c]) continue;                                                       \
          if (v != v || (j->op == R_MAX ? v > acc[c] : v < acc[c])) acc[c] = v;                 \
        }                                                                                       \
    }                                                                                           \
  } while (0)

static void cols_job(void *ctx, int64_t begin, int64_t end) {
  red_job *j = ctx;
  double acc[COLS];
  const int64_t per = (j->len + j->blocks - 1) / j->blocks;
  for (int64_t it = begin; it < end; it++) {
    int64_t b = it / j->blocks, c0 = (it % j->blocks) * per;
    int64_t k = j->len - c0 < per ? j->len - c0 : per;
    if (k <= 0) continue;
    if (j->xt == EL_F32 && j->op == R_SUM && avx2) {
      for (int64_t c = 0; c < k; c++) acc[c] = 0;
      el_sum_cols_f32_avx2((const float *)j->x + j->x0 + b * j->red * j->len + c0, j->len, j->red, k, acc);
    } else if (j->xt == EL_F32) COLUMNS(float);
    else COLUMNS(double);
    for (int64_t c = 0; c < k; c++) store(j->ot, j->out, b * j->len + c0 + c, acc[c]);
  }
}

/* reduceCols(op, out, x, x0, outer, red, len): `outer` blocks of `red` rows of `len` values. */
static napi_value reduce_cols(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  red_job j = {0};
  el_array o, a;
  if (!read_reduce(env, info, 7, argv, &j, &o, &a)) return NULL;
  j.x0 = fl_int(env, argv[3]);
  j.outer = fl_int(env, argv[4]);
  j.red = fl_int(env, argv[5]);
  j.len = fl_int(env, argv[6]);
  int64_t n = j.outer * j.red * j.len;
  if (j.x0 < 0 || j.outer < 0 || j.red < 0 || j.len < 0 || j.outer * j.len > o.length || (n > 0 && j.x0 + n > a.length)) {
    bad_range(env);
    return NULL;
  }
  /* Column blocks (columns are independent, so the cut changes no result): long rows of memory
     per block, and at least a block per thread when the rows are long enough. */
  int64_t min_blocks = fl_threads() < j.len / 64 ? fl_threads() : j.len / 64;
  j.blocks = (j.len + COLS - 1) / COLS;
  if (j.blocks < min_blocks) j.blocks = min_blocks;
  if (j.blocks < 1) j.blocks = 1;
  el_run(cols_job, &j, j.outer * j.blocks, n);
  return fl_undefined(env);
}

/* ---- any layout: kept dims, then reduced dims, of a strided view --------------------------- */

/*
 * Adds line values into the running sums a[e mod 4] (e: the value's place in the output's run,
 * the last run mod 4 values into a[0]); a whole line of a multiple of 4 starting at a multiple
 * of 4 runs unrolled, with the same additions.
 */
#define SUM_LINE(T)                                                                             \
  do {                                                                                          \
    const T *x = (const T *)j->x + at;                                                          \
    if ((e & 3) == 0 && (lin & 3) == 0 && e + lin <= q) {                                       \
      double s0 = a[0], s1 = a[1], s2 = a[2], s3 = a[3];                                        \
      for (int64_t i = 0; i < lin; i += 4) {                                                    \
        s0 += x[i * sin];                                                                       \
        s1 += x[(i + 1) * sin];                                                                 \
        s2 += x[(i + 2) * sin];                                                                 \
        s3 += x[(i + 3) * sin];                                                                 \
      }                                                                                         \
      a[0] = s0;                                                                                \
      a[1] = s1;                                                                                \
      a[2] = s2;                                                                                \
      a[3] = s3;                                                                                \
      e += lin;                                                                                 \
    } else {                                                                                    \
      for (int64_t i = 0; i < lin; i++, e++) a[e < q ? e & 3 : 0] += x[i * sin];                \
    }                                                                                           \
  } while (0)

static void general_job(void *ctx, int64_t begin, int64_t end) {
  red_job *j = ctx;
  const el_views *v = &j->v;
  int kept = j->kept, nd = v->nd;
  int64_t lin = nd > kept ? v->shape[nd - 1] : 1, sin = nd > kept ? v->stride[0][nd - 1] : 0;
  int64_t lines = j->run / (lin ? lin : 1), q = j->run & ~(int64_t)3;
  for (int64_t o = begin; o < end; o++) {
    int64_t at = v->offset[0], rem = o;
    for (int d = kept - 1; d >= 0; d--) {
      at += (rem % v->shape[d]) * v->stride[0][d];
      rem /= v->shape[d];
    }
    double a[4] = {0, 0, 0, 0};
    double best = j->op == R_MAX ? -INFINITY : INFINITY;
    int64_t idx[EL_MAX_DIMS] = {0};
    int64_t e = 0;
    int done = j->run == 0;
    for (int64_t line = 0; line < lines && !done; line++) {
      if (j->op == R_SUM) {
        if (j->xt == EL_F32) SUM_LINE(float);
        else SUM_LINE(double);
      } else {
        double m = scan(j->op, j->xt, j->x, at, lin, sin);
        if (m != m) {
          best = m;
          done = 1;
        } else if (j->op == R_MAX ? m > best : m < best) best = m;
      }
      for (int d = nd - 2; d >= kept; d--) {
        if (++idx[d] < v->shape[d]) {
          at += v->stride[0][d];
          break;
        }
        idx[d] = 0;
        at -= (v->shape[d] - 1) * v->stride[0][d];
      }
    }
    store(j->ot, j->out, o, j->op == R_SUM ? (a[0] + a[1]) + (a[2] + a[3]) : best);
  }
}

/*
 * reduceStrided(op, out, x, desc, kept): desc describes one view whose first `kept` dims are
 * kept (out's row-major order) and the rest reduced, in the order the values are met.
 */
static napi_value reduce_strided(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  red_job j = {0};
  el_array o, a;
  if (!read_reduce(env, info, 5, argv, &j, &o, &a)) return NULL;
  int64_t lengths[1] = {a.length};
  if (!el_views_read(env, argv[3], 1, lengths, &j.v)) return NULL;
  int kept = (int)fl_int(env, argv[4]);
  if (kept < 0 || kept > j.v.nd) {
    bad_range(env);
    return NULL;
  }
  /* Merge the kept dims and the reduced dims each among themselves. */
  el_views k = j.v, r = j.v;
  k.nd = kept;
  el_views_merge(&k);
  r.nd = j.v.nd - kept;
  for (int d = 0; d < r.nd; d++) {
    r.shape[d] = j.v.shape[kept + d];
    r.stride[0][d] = j.v.stride[0][kept + d];
  }
  el_views_merge(&r);
  j.outputs = 1;
  for (int d = 0; d < kept; d++) j.outputs *= j.v.shape[d];
  j.run = 1;
  for (int d = kept; d < j.v.nd; d++) j.run *= j.v.shape[d];
  if (j.outputs > o.length) {
    bad_range(env);
    return NULL;
  }
  j.v.nd = k.nd + r.nd;
  for (int d = 0; d < k.nd; d++) {
    j.v.shape[d] = k.shape[d];
    j.v.stride[0][d] = k.stride[0][d];
  }
  for (int d = 0; d < r.nd; d++) {
    j.v.shape[k.nd + d] = r.shape[d];
    j.v.stride[0][k.nd + d] = r.stride[0][d];
  }
  j.kept = k.nd;
  if (r.nd == 0) {
    /* Nothing reduced, or an empty run: every output is its one value or the identity. */
    j.v.nd = k.nd + 1;
    j.v.shape[k.nd] = j.run;
    j.v.stride[0][k.nd] = 1;
  }
  el_run(general_job, &j, j.outputs, j.outputs * j.run);
  return fl_undefined(env);
}

void fl_register_reduce(napi_env env, napi_value exports) {
  avx2 = fl_has_avx2();
  fl_export(env, exports, "reduceRows", reduce_rows);
  fl_export(env, exports, "reduceCols", reduce_cols);
  fl_export(env, exports, "reduceStrided", reduce_strided);
}
