/*
 * Elementwise kernels over strided float32/float64 views, reading and writing the JavaScript
 * typed arrays in place: binary arithmetic (dense, against a scalar, broadcast rows such as a
 * bias), unary ops and strided copies. Each element is one IEEE operation in the array's type,
 * the bits the TypeScript kernels get by computing in float64 and rounding on store. Work is cut
 * by element, so the thread count never changes a result. Also: the helpers of elementwise.h and
 * the registration of the reduction, pooling and optimizer files.
 */
#include "elementwise.h"
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

int el_get(napi_env env, napi_value v, el_array *out) {
  napi_typedarray_type type;
  size_t len = 0;
  void *data = fl_typed_array(env, v, &len, &type);
  if (data == NULL) return 0;
  out->data = data;
  out->length = (int64_t)len;
  out->type = type == napi_float32_array ? EL_F32 : type == napi_float64_array ? EL_F64 : type == napi_uint8_array ? EL_U8 : EL_OTHER;
  return 1;
}

napi_value el_bool(napi_env env, int value) {
  napi_value out;
  napi_get_boolean(env, value != 0, &out);
  return out;
}

/*
 * Below 2^18 elements a kernel stays on the calling thread: waking the pool (whose spinning also
 * competes with the WebAssembly GEMM's worker threads on a 2-core machine) cost more than it
 * saved, measured on the MLP step at 2 threads (2.7–3.8 ms against 3.3–4.2 ms with 2^15).
 */
static int64_t grain = 262144;

typedef struct {
  fl_task fn;
  void *ctx;
  int64_t items, chunks;
  atomic_llong next;
} el_spread;

/*
 * Each thread claims chunks until none is left, so a thread the OS runs late (a loaded machine)
 * finds its share already done by the others instead of holding them up.
 */
static void claim_chunks(void *ctx, int64_t begin, int64_t end) {
  (void)begin;
  (void)end;
  el_spread *s = ctx;
  for (int64_t c; (c = atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed)) < s->chunks;) {
    s->fn(s->ctx, c * s->items / s->chunks, (c + 1) * s->items / s->chunks);
  }
}

void el_run(fl_task fn, void *ctx, int64_t items, int64_t elements) {
  if (items <= 0) return;
  int64_t chunks = elements / grain;
  chunks = chunks < 1 ? 1 : chunks > items ? items : chunks;
  if (chunks == 1 || fl_threads() < 2) {
    fn(ctx, 0, items);
    return;
  }
  el_spread s = {fn, ctx, items, chunks, 0};
  fl_parallel(fl_threads(), claim_chunks, &s);
}

void el_views_merge(el_views *v) {
  int nd = 0;
  for (int d = 0; d < v->nd; d++) {
    int64_t s = v->shape[d];
    if (s == 1) continue;
    int merge = nd > 0;
    for (int k = 0; k < v->ops && merge; k++) merge = v->stride[k][nd - 1] == v->stride[k][d] * s;
    if (merge) {
      v->shape[nd - 1] *= s;
      for (int k = 0; k < v->ops; k++) v->stride[k][nd - 1] = v->stride[k][d];
    } else {
      v->shape[nd] = s;
      for (int k = 0; k < v->ops; k++) v->stride[k][nd] = v->stride[k][d];
      nd++;
    }
  }
  v->nd = nd;
}

int el_views_read(napi_env env, napi_value desc, int ops, const int64_t *lengths, el_views *v) {
  el_array d;
  if (!el_get(env, desc, &d)) return 0;
  const double *x = d.data;
  int nd = d.type == EL_F64 && d.length > 0 ? (int)x[0] : -1;
  if (nd < 0 || nd > EL_MAX_DIMS || ops > EL_MAX_OPS || d.length < 1 + nd + ops * (1 + nd)) {
    napi_throw_range_error(env, NULL, "flambeau native: bad view descriptor");
    return 0;
  }
  v->nd = nd;
  v->ops = ops;
  v->numel = 1;
  for (int i = 0; i < nd; i++) {
    v->shape[i] = (int64_t)x[1 + i];
    if (v->shape[i] < 0) v->numel = -1;
    else if (v->numel >= 0) v->numel *= v->shape[i];
  }
  for (int k = 0; k < ops; k++) {
    const double *o = x + 1 + nd + k * (1 + nd);
    v->offset[k] = (int64_t)o[0];
    for (int i = 0; i < nd; i++) v->stride[k][i] = (int64_t)o[1 + i];
  }
  if (v->numel < 0) {
    napi_throw_range_error(env, NULL, "flambeau native: negative size");
    return 0;
  }
  if (v->numel > 0) {
    for (int k = 0; k < ops; k++) {
      int64_t lo = v->offset[k], hi = v->offset[k];
      for (int i = 0; i < nd; i++) {
        int64_t ext = (v->shape[i] - 1) * v->stride[k][i];
        if (ext < 0) lo += ext;
        else hi += ext;
      }
      if (lo < 0 || hi >= lengths[k]) {
        napi_throw_range_error(env, NULL, "flambeau native: view out of its array's bounds");
        return 0;
      }
    }
  }
  return 1;
}

/* ---- the walk: rows of the merged views, cut into blocks ---------------------------------- */

/* Elements of one item of work: a row, or a block of a long row. */
#define BLOCK 8192

/* One strided run of n elements: operand k starts at p[k] with step s[k] (elements). */
typedef void (*el_row)(int op, char *const *p, const int64_t *s, int64_t n);

typedef struct {
  el_views v;
  char *base[EL_MAX_OPS];
  int esize[EL_MAX_OPS];
  int op;
  el_row row;
  int64_t inner, rows, blocks, items;
} el_walk;

/* Items [begin, end): row = item / blocks, block = item % blocks. */
static void walk_items(el_walk *w, int64_t begin, int64_t end) {
  const el_views *v = &w->v;
  int outer = v->nd > 0 ? v->nd - 1 : 0;
  int64_t idx[EL_MAX_DIMS];
  int64_t row = begin / w->blocks, blk = begin % w->blocks;
  char *at[EL_MAX_OPS];
  for (int k = 0; k < v->ops; k++) at[k] = w->base[k] + v->offset[k] * w->esize[k];
  int64_t rem = row;
  for (int d = outer - 1; d >= 0; d--) {
    idx[d] = rem % v->shape[d];
    rem /= v->shape[d];
    for (int k = 0; k < v->ops; k++) at[k] += idx[d] * v->stride[k][d] * w->esize[k];
  }
  int64_t step[EL_MAX_OPS];
  for (int k = 0; k < v->ops; k++) step[k] = v->nd > 0 ? v->stride[k][v->nd - 1] : 0;
  for (int64_t item = begin; item < end;) {
    int64_t start = blk * BLOCK;
    int64_t n = w->inner - start < BLOCK ? w->inner - start : BLOCK;
    char *p[EL_MAX_OPS];
    for (int k = 0; k < v->ops; k++) p[k] = at[k] + start * step[k] * w->esize[k];
    w->row(w->op, p, step, n);
    item++;
    if (++blk < w->blocks) continue;
    blk = 0;
    for (int d = outer - 1; d >= 0; d--) {
      if (++idx[d] < v->shape[d]) {
        for (int k = 0; k < v->ops; k++) at[k] += v->stride[k][d] * w->esize[k];
        break;
      }
      idx[d] = 0;
      for (int k = 0; k < v->ops; k++) at[k] -= (v->shape[d] - 1) * v->stride[k][d] * w->esize[k];
    }
  }
}

static void walk_job(void *ctx, int64_t begin, int64_t end) {
  walk_items(ctx, begin, end);
}

/* Runs w->row over every element, on several threads when there are enough of them. */
static void walk(el_walk *w) {
  const el_views *v = &w->v;
  if (v->numel == 0) return;
  w->inner = v->nd > 0 ? v->shape[v->nd - 1] : 1;
  w->rows = v->numel / w->inner;
  w->blocks = (w->inner + BLOCK - 1) / BLOCK;
  w->items = w->rows * w->blocks;
  el_run(walk_job, w, w->items, v->numel);
}

/* ---- binary ------------------------------------------------------------------------------- */

enum { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_COUNT };

#define ADD(x, y) ((x) + (y))
#define SUB(x, y) ((x) - (y))
#define MUL(x, y) ((x) * (y))
#define DIV(x, y) ((x) / (y))
/* PyTorch's maximum/minimum: NaN if either is NaN, else the larger (the second on a tie). */
#define MAXNAN(x, y) ((x) != (x) || (y) != (y) ? (x) + (y) : (x) > (y) ? (x) : (y))
#define MINNAN(x, y) ((x) != (x) || (y) != (y) ? (x) + (y) : (x) < (y) ? (x) : (y))

/*
 * One loop per layout of a row: both dense, one a repeated value (scalar, bias), any strides;
 * inputs of type T, results of type O (T, or uint8_t for comparisons).
 */
#define BINARY_ROW(T, O, F)                                                                     \
  do {                                                                                          \
    O *o = (O *)p[0];                                                                           \
    const T *a = (const T *)p[1], *b = (const T *)p[2];                                         \
    int64_t so = s[0], sa = s[1], sb = s[2];                                                    \
    if (so == 1 && sa == 1 && sb == 1) for (int64_t i = 0; i < n; i++) o[i] = F(a[i], b[i]);   \
    else if (so == 1 && sa == 1 && sb == 0) {                                                   \
      const T y = b[0];                                                                         \
      for (int64_t i = 0; i < n; i++) o[i] = F(a[i], y);                                        \
    } else if (so == 1 && sa == 0 && sb == 1) {                                                 \
      const T x = a[0];                                                                         \
      for (int64_t i = 0; i < n; i++) o[i] = F(x, b[i]);                                        \
    } else for (int64_t i = 0; i < n; i++) o[i * so] = F(a[i * sa], b[i * sb]);                \
  } while (0)

/* The row function of six binary operators, op 0…5. */
#define BINARY_FN(NAME, T, O, F0, F1, F2, F3, F4, F5)                                           \
  static void NAME(int op, char *const *p, const int64_t *s, int64_t n) {                       \
    switch (op) {                                                                               \
      case 0: BINARY_ROW(T, O, F0); break;                                                      \
      case 1: BINARY_ROW(T, O, F1); break;                                                      \
      case 2: BINARY_ROW(T, O, F2); break;                                                      \
      case 3: BINARY_ROW(T, O, F3); break;                                                      \
      case 4: BINARY_ROW(T, O, F4); break;                                                      \
      default: BINARY_ROW(T, O, F5); break;                                                     \
    }                                                                                           \
  }

BINARY_FN(binary_f32, float, float, ADD, SUB, MUL, DIV, MAXNAN, MINNAN)
BINARY_FN(binary_f64, double, double, ADD, SUB, MUL, DIV, MAXNAN, MINNAN)

/*
 * Reads `ops` arrays and a descriptor of their views. `bytes` names the operands that are
 * Uint8Array (bit k: operand k, masks and comparison results); the others must share one float
 * type, returned in *type.
 */
static int read_walk(napi_env env, napi_value *arrays, int ops, unsigned bytes, napi_value desc, el_walk *w, enum el_type *type) {
  el_array a[EL_MAX_OPS];
  int64_t lengths[EL_MAX_OPS];
  *type = EL_OTHER;
  for (int k = 0; k < ops; k++) {
    if (!el_get(env, arrays[k], &a[k])) return 0;
    const int byte = (bytes >> k) & 1;
    if (!byte && *type == EL_OTHER) *type = a[k].type;
    if (byte ? a[k].type != EL_U8 : a[k].type != *type || (a[k].type != EL_F32 && a[k].type != EL_F64)) {
      napi_throw_type_error(env, NULL, "flambeau native: expected float32 or float64 arrays of one type (and Uint8Array masks)");
      return 0;
    }
    lengths[k] = a[k].length;
    w->base[k] = a[k].data;
    w->esize[k] = byte ? 1 : a[k].type == EL_F32 ? 4 : 8;
  }
  if (!el_views_read(env, desc, ops, lengths, &w->v)) return 0;
  el_views_merge(&w->v);
  return 1;
}

/*
 * Every walk's entry point: arguments [op (when `ops_known` > 0)], `ops` arrays, a descriptor;
 * runs the float32 or float64 row function over the views.
 */
static napi_value walk_call(napi_env env, napi_callback_info info, int ops_known, int ops, unsigned bytes, el_row f32, el_row f64) {
  napi_value argv[1 + EL_MAX_OPS + 1];
  const int has_op = ops_known > 0;
  if (!fl_args(env, info, (size_t)(has_op + ops + 1), argv)) return NULL;
  el_walk w;
  enum el_type type;
  w.op = has_op ? (int)fl_int(env, argv[0]) : 0;
  if (w.op < 0 || (has_op && w.op >= ops_known)) {
    napi_throw_range_error(env, NULL, "flambeau native: unknown op");
    return NULL;
  }
  if (!read_walk(env, argv + has_op, ops, bytes, argv[has_op + ops], &w, &type)) return NULL;
  w.row = type == EL_F32 ? f32 : f64;
  walk(&w);
  return fl_undefined(env);
}

/*
 * binary(op, out, a, b, desc): out = a op b elementwise over views described by desc (operands
 * out, a, b), op 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum. `out` may be `a` itself
 * (element i is read before it is written).
 */
static napi_value binary(napi_env env, napi_callback_info info) {
  return walk_call(env, info, B_COUNT, 3, 0, binary_f32, binary_f64);
}

/* ---- unary and copies --------------------------------------------------------------------- */

enum { U_NEG, U_ABS, U_RELU, U_SQRT, U_SQUARE, U_COPY, U_COUNT };

#define NEG(x) (-(x))
#define RELU(x) ((x) > 0 || (x) != (x) ? (x) : 0)
#define SQUARE(x) ((x) * (x))
#define COPY(x) (x)

#define UNARY_ROW(T, F)                                                                         \
  do {                                                                                          \
    T *o = (T *)p[0];                                                                           \
    const T *x = (const T *)p[1];                                                               \
    int64_t so = s[0], sx = s[1];                                                               \
    if (so == 1 && sx == 1) for (int64_t i = 0; i < n; i++) o[i] = F(x[i]);                    \
    else for (int64_t i = 0; i < n; i++) o[i * so] = F(x[i * sx]);                             \
  } while (0)

#define UNARY_FN(NAME, T, ABS, SQRT)                                                            \
  static void NAME(int op, char *const *p, const int64_t *s, int64_t n) {                       \
    switch (op) {                                                                               \
      case U_NEG: UNARY_ROW(T, NEG); break;                                                     \
      case U_ABS: UNARY_ROW(T, ABS); break;                                                     \
      case U_RELU: UNARY_ROW(T, RELU); break;                                                   \
      case U_SQRT: UNARY_ROW(T, SQRT); break;                                                   \
      case U_SQUARE: UNARY_ROW(T, SQUARE); break;                                               \
      default: UNARY_ROW(T, COPY); break;                                                       \
    }                                                                                           \
  }

UNARY_FN(unary_f32, float, fabsf, sqrtf)
UNARY_FN(unary_f64, double, fabs, sqrt)

/*
 * unary(op, out, x, desc): out = f(x) over views described by desc (operands out, x), f 0 neg,
 * 1 abs, 2 relu (NaN kept), 3 sqrt, 4 square, 5 copy. Copies of overlapping views are the
 * caller's to avoid (a strided out over its own source).
 */
static napi_value unary(napi_env env, napi_callback_info info) {
  return walk_call(env, info, U_COUNT, 2, 0, unary_f32, unary_f64);
}

/* ---- comparisons and where -------------------------------------------------------------- */

enum { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_COUNT };

#define EQ(x, y) ((x) == (y))
#define NE(x, y) ((x) != (y))
#define LT(x, y) ((x) < (y))
#define LE(x, y) ((x) <= (y))
#define GT(x, y) ((x) > (y))
#define GE(x, y) ((x) >= (y))

BINARY_FN(compare_f32, float, uint8_t, EQ, NE, LT, LE, GT, GE)
BINARY_FN(compare_f64, double, uint8_t, EQ, NE, LT, LE, GT, GE)

/* compare(op, out, a, b, desc): out (Uint8Array) = a op b, op 0 eq, 1 ne, 2 lt, 3 le, 4 gt, 5 ge (IEEE: NaN only ne). */
static napi_value compare(napi_env env, napi_callback_info info) {
  return walk_call(env, info, C_COUNT, 3, 1, compare_f32, compare_f64);
}

#define WHERE_ROW(T)                                                                            \
  do {                                                                                          \
    T *o = (T *)p[0];                                                                           \
    const uint8_t *c = (const uint8_t *)p[1];                                                   \
    const T *a = (const T *)p[2], *b = (const T *)p[3];                                         \
    int64_t so = s[0], sc = s[1], sa = s[2], sb = s[3];                                         \
    if (so == 1 && sc == 1 && sa == 1 && sb == 1)                                               \
      for (int64_t i = 0; i < n; i++) o[i] = c[i] ? a[i] : b[i];                                \
    else if (so == 1 && sc == 1 && sa == 1 && sb == 0) {                                        \
      const T y = b[0];                                                                         \
      for (int64_t i = 0; i < n; i++) o[i] = c[i] ? a[i] : y;                                   \
    } else for (int64_t i = 0; i < n; i++) o[i * so] = c[i * sc] ? a[i * sa] : b[i * sb];      \
  } while (0)

static void where_f32(int op, char *const *p, const int64_t *s, int64_t n) {
  (void)op;
  WHERE_ROW(float);
}

static void where_f64(int op, char *const *p, const int64_t *s, int64_t n) {
  (void)op;
  WHERE_ROW(double);
}

/* where(out, cond, a, b, desc): out = cond ? a : b, cond a Uint8Array (operands out, cond, a, b). */
static napi_value where(napi_env env, napi_callback_info info) {
  return walk_call(env, info, 0, 4, 2, where_f32, where_f64);
}

/* setParallelGrain(n): elements below which a kernel runs on the calling thread alone (tests use 1). */
static napi_value set_parallel_grain(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!fl_args(env, info, 1, argv)) return NULL;
  int64_t n = fl_int(env, argv[0]);
  grain = n < 1 ? 1 : n;
  return fl_undefined(env);
}

static napi_value get_parallel_grain(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int64(env, grain, &out);
  return out;
}

/*
 * Keeps freed memory for reuse: tensors of a few MB would otherwise each get fresh pages from
 * mmap (glibc's default above 128 KiB, adapted at most to what one free saw) and fault on every
 * first write, which costs more than the kernel writing them (measured: an out-of-place add of
 * 1M float32 values 4.5–6 ms against 0.9–3.5 ms with this, a relu of 2M 9–12 ms against 1.3–6.7,
 * the machine loaded). Allocations up to 32 MiB come from the heap and up to 256 MiB of free heap
 * is kept; an explicit MALLOC_*_ environment setting wins.
 */
static void keep_freed_memory(void) {
#ifdef __GLIBC__
  if (getenv("MALLOC_MMAP_THRESHOLD_") || getenv("MALLOC_TRIM_THRESHOLD_") || getenv("MALLOC_TOP_PAD_")) return;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

void fl_register_elementwise(napi_env env, napi_value exports) {
  keep_freed_memory();
  fl_export(env, exports, "binary", binary);
  fl_export(env, exports, "unary", unary);
  fl_export(env, exports, "compare", compare);
  fl_export(env, exports, "where", where);
  fl_export(env, exports, "setParallelGrain", set_parallel_grain);
  fl_export(env, exports, "getParallelGrain", get_parallel_grain);
  fl_register_reduce(env, exports);
  fl_register_optim(env, exports);
  fl_register_pool2d(env, exports);
}
