/*
 * Fused optimizer steps (the CPU's sgdStep_/adamStep_/rmspropStep_ overrides), in place over
 * float32 or float64 arrays. Every intermediate is one IEEE operation in the parameter's type,
 * the rounding the unfused sequence of tensor ops stores (packages/tensor/src/cpu/optim.ts holds
 * the reference loop and its reasoning); constants come already rounded to that type. Elements
 * are independent, so the cut over threads changes nothing.
 */
#include "elementwise.h"
#include <math.h>

/* The arrays of one step: data pointers at their offsets, and the element count. */
typedef struct {
  enum el_type type;
  char *a[5];
  int64_t n;
  const double *c; /* constants and flags, as each kernel documents */
} step_job;

/*
 * Reads `count` arrays (argv[0…]; a null or undefined one is skipped) and the constants
 * argv[count], a Float64Array [n, offset of each array…, constants…]. Checks one float type and
 * every array's range.
 */
static int read_step(napi_env env, napi_value *argv, int count, step_job *j) {
  el_array c;
  if (!el_get(env, argv[count], &c)) return 0;
  if (c.type != EL_F64 || c.length < 1 + count) {
    napi_throw_type_error(env, NULL, "flambeau native: bad optimizer constants");
    return 0;
  }
  j->c = c.data;
  j->n = (int64_t)j->c[0];
  j->type = EL_OTHER;
  for (int k = 0; k < count; k++) {
    napi_valuetype t;
    napi_typeof(env, argv[k], &t);
    j->a[k] = NULL;
    if (t == napi_null || t == napi_undefined) continue;
    el_array a;
    if (!el_get(env, argv[k], &a)) return 0;
    if (j->type == EL_OTHER) j->type = a.type;
    int64_t off = (int64_t)j->c[1 + k];
    if ((a.type != EL_F32 && a.type != EL_F64) || a.type != j->type) {
      napi_throw_type_error(env, NULL, "flambeau native: expected float32 or float64 arrays of one type");
      return 0;
    }
    if (j->n < 0 || off < 0 || off + j->n > a.length) {
      napi_throw_range_error(env, NULL, "flambeau native: optimizer state out of its array's bounds");
      return 0;
    }
    j->a[k] = (char *)a.data + off * (a.type == EL_F32 ? 4 : 8);
  }
  if (!j->a[0] || !j->a[1]) {
    napi_throw_type_error(env, NULL, "flambeau native: a step needs the parameter and its gradient");
    return 0;
  }
  return 1;
}


/* ---- Adam / AdamW ------------------------------------------------------------------------- */

/*
 * The loops take their flags as constants (each call site passes literals, so the compiler
 * emits one branch-free, vectorized loop per combination); maximize and decoupled decay are
 * multiplications by ±1 and 1, which are exact.
 */
#define INLINE static inline __attribute__((always_inline))

/* Constants after the 5 offsets: shrink, wd, b1, k1, b2, k2, bc2, eps, step, maximize, decoupled, decay. */
#define ADAM_LOOP(NAME, T, SQRT)                                                                \
  INLINE void NAME(const step_job *j, int64_t begin, int64_t end, const int decay, const int ams) { \
    T *P = (T *)j->a[0], *G = (T *)j->a[1], *M = (T *)j->a[2], *V = (T *)j->a[3], *X = (T *)j->a[4]; \
    const double *c = j->c + 6;                                                                 \
    const T shrink = c[10] != 0 ? (T)c[0] : 1, wd = (T)c[1], b1 = (T)c[2], k1 = (T)c[3];       \
    const T b2 = (T)c[4], k2 = (T)c[5], bc2 = (T)c[6], eps = (T)c[7], step = (T)c[8];           \
    const T sign = c[9] != 0 ? -1 : 1;                                                          \
    for (int64_t i = begin; i < end; i++) {                                                     \
      const T p = P[i] * shrink;                                                                \
      T g = G[i] * sign;                                                                        \
      if (decay) g = g + p * wd;                                                                \
      const T m = M[i] * b1 + g * k1;                                                           \
      const T v = V[i] * b2 + (g * g) * k2;                                                     \
      M[i] = m;                                                                                 \
      V[i] = v;                                                                                 \
      T second = v;                                                                             \
      if (ams) {                                                                                \
        const T x = X[i];                                                                       \
        const T larger = x > v ? x : v, either = x + v; /* either: NaN when one is */          \
        second = (x != x) | (v != v) ? either : larger;                                         \
        X[i] = second;                                                                          \
      }                                                                                         \
      const T denom = SQRT(second) / bc2 + eps;                                                 \
      P[i] = p + (m / denom) * step;                                                            \
    }                                                                                           \
  }

ADAM_LOOP(adam_f32, float, sqrtf)
ADAM_LOOP(adam_f64, double, sqrt)

#define BY_FLAGS(F, j, b, e, x, y)                                                              \
  do {                                                                                          \
    if (x) {                                                                                    \
      if (y) F(j, b, e, 1, 1);                                                                  \
      else F(j, b, e, 1, 0);                                                                    \
    } else if (y) F(j, b, e, 0, 1);                                                             \
    else F(j, b, e, 0, 0);                                                                      \
  } while (0)

static void adam_job(void *ctx, int64_t begin, int64_t end) {
  step_job *j = ctx;
  const int decay = j->c[6 + 11] != 0, ams = j->a[4] != NULL;
  if (j->type == EL_F32) BY_FLAGS(adam_f32, j, begin, end, decay, ams);
  else BY_FLAGS(adam_f64, j, begin, end, decay, ams);
}

/* adam(p, g, m, v, vmax | null, consts) */
static napi_value adam(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!fl_args(env, info, 6, argv)) return NULL;
  step_job j;
  if (!read_step(env, argv, 5, &j)) return NULL;
  if (!j.a[2] || !j.a[3]) {
    napi_throw_type_error(env, NULL, "flambeau native: Adam needs both moments");
    return NULL;
  }
  el_run(adam_job, &j, j.n, j.n);
  return fl_undefined(env);
}

/* ---- SGD ---------------------------------------------------------------------------------- */

/* Constants after the 3 offsets: wd, mom, keep, step, maximize, decay, first, nesterov. */
#define SGD_LOOP(NAME, T)                                                                       \
  INLINE void NAME(const step_job *j, int64_t begin, int64_t end, const int decay, const int buf) { \
    T *P = (T *)j->a[0], *G = (T *)j->a[1], *B = (T *)j->a[2];                                  \
    const double *c = j->c + 4;                                                                 \
    const T wd = (T)c[0], mom = (T)c[1], keep = (T)c[2], step = (T)c[3];                        \
    const T sign = c[4] != 0 ? -1 : 1;                                                          \
    const int first = c[6] != 0, nesterov = c[7] != 0;                                          \
    for (int64_t i = begin; i < end; i++) {                                                     \
      const T p = P[i];                                                                         \
      T d = G[i] * sign;                                                                        \
      if (decay) d = d + p * wd;                                                                \
      if (buf) {                                                                                \
        const T b = first ? d : B[i] * mom + d * keep;                                          \
        B[i] = b;                                                                               \
        d = nesterov ? d + b * mom : b;                                                         \
      }                                                                                         \
      P[i] = p + d * step;                                                                      \
    }                                                                                           \
  }

SGD_LOOP(sgd_f32, float)
SGD_LOOP(sgd_f64, double)

static void sgd_job(void *ctx, int64_t begin, int64_t end) {
  step_job *j = ctx;
  const int decay = j->c[4 + 5] != 0, buf = j->a[2] != NULL;
  if (j->type == EL_F32) BY_FLAGS(sgd_f32, j, begin, end, decay, buf);
  else BY_FLAGS(sgd_f64, j, begin, end, decay, buf);
}

/* sgd(p, g, buf | null, consts) */
static napi_value sgd(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!fl_args(env, info, 4, argv)) return NULL;
  step_job j;
  if (!read_step(env, argv, 3, &j)) return NULL;
  el_run(sgd_job, &j, j.n, j.n);
  return fl_undefined(env);
}

/* ---- RMSprop ------------------------------------------------------------------------------ */

/* Constants after the 5 offsets: wd, alpha, 1 - alpha, eps, momentum, step, maximize, decay. */
#define RMSPROP(T, SQRT)                                                                        \
  do {                                                                                          \
    T *P = (T *)j->a[0], *G = (T *)j->a[1], *S = (T *)j->a[2], *B = (T *)j->a[3], *A = (T *)j->a[4]; \
    const double *c = j->c + 6;                                                                 \
    const T wd = (T)c[0], al = (T)c[1], k = (T)c[2], eps = (T)c[3], mom = (T)c[4], step = (T)c[5]; \
    const int maximize = c[6] != 0, decay = c[7] != 0;                                          \
    for (int64_t i = begin; i < end; i++) {                                                     \
      const T p = P[i];                                                                         \
      T g = maximize ? -G[i] : G[i];                                                            \
      if (decay) g = g + p * wd;                                                                \
      const T s = S[i] * al + (g * g) * k;                                                      \
      S[i] = s;                                                                                 \
      T avg;                                                                                    \
      if (A) {                                                                                  \
        const T ga = A[i] * al + g * k;                                                         \
        A[i] = ga;                                                                              \
        avg = SQRT(s - ga * ga);                                                                \
      } else {                                                                                  \
        avg = SQRT(s);                                                                          \
      }                                                                                         \
      avg = avg + eps;                                                                          \
      if (B) {                                                                                  \
        const T b = B[i] * mom + g / avg;                                                       \
        B[i] = b;                                                                               \
        P[i] = p + b * step;                                                                    \
      } else {                                                                                  \
        P[i] = p + (g / avg) * step;                                                            \
      }                                                                                         \
    }                                                                                           \
  } while (0)

static void rmsprop_job(void *ctx, int64_t begin, int64_t end) {
  step_job *j = ctx;
  if (j->type == EL_F32) RMSPROP(float, sqrtf);
  else RMSPROP(double, sqrt);
}

/* rmsprop(p, g, square_avg, momentum_buffer | null, grad_avg | null, consts) */
static napi_value rmsprop(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!fl_args(env, info, 6, argv)) return NULL;
  step_job j;
  if (!read_step(env, argv, 5, &j)) return NULL;
  if (!j.a[2]) {
    napi_throw_type_error(env, NULL, "flambeau native: RMSprop needs its square average");
    return NULL;
  }
  el_run(rmsprop_job, &j, j.n, j.n);
  return fl_undefined(env);
}

void fl_register_optim(napi_env env, napi_value exports) {
  fl_export(env, exports, "adam", adam);
  fl_export(env, exports, "sgd", sgd);
  fl_export(env, exports, "rmsprop", rmsprop);
}
