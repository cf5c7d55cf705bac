/*
 * Shared by the elementwise, reduction, pooling and optimizer kernels (elementwise.c, reduce.c,
 * pool2d.c, optim.c): typed arrays with their element type, and strided views described by one
 * Float64Array so a call passes any layout in a single argument.
 */
#ifndef FLAMBEAU_ELEMENTWISE_H
#define FLAMBEAU_ELEMENTWISE_H

#include "flambeau.h"

/* The element types these kernels compute in. */
enum el_type { EL_F32 = 0, EL_F64 = 1, EL_U8 = 2, EL_OTHER = 3 };

typedef struct {
  void *data;
  int64_t length;
  enum el_type type;
} el_array;

/* A typed array's data (byteOffset applied), length and type; false after throwing a TypeError. */
int el_get(napi_env env, napi_value v, el_array *out);

/* Most dims a view may have here; the TypeScript side falls back beyond it. */
#define EL_MAX_DIMS 16
/* Most operands one walk reads or writes. */
#define EL_MAX_OPS 4

/*
 * Views of one shape over `ops` operands; after el_views_merge, size-1 dims are dropped and
 * neighbouring dims merged where every operand allows it (a dense view is one dim, a
 * per-channel bias over H·W two).
 */
typedef struct {
  int nd;
  int ops;
  int64_t shape[EL_MAX_DIMS];
  int64_t offset[EL_MAX_OPS];
  int64_t stride[EL_MAX_OPS][EL_MAX_DIMS];
  int64_t numel;
} el_views;

/*
 * Reads a descriptor [nd, shape…, then per operand: offset, strides…] of `ops` operands from
 * a Float64Array (dims not merged yet). Checks that every element each operand reaches lies in
 * arrays[k] (length `lengths[k]`); false after throwing a RangeError otherwise.
 */
int el_views_read(napi_env env, napi_value desc, int ops, const int64_t *lengths, el_views *v);

/* Drops size-1 dims and merges dims that are contiguous for every operand. */
void el_views_merge(el_views *v);

/*
 * Runs fn over items [0, items) holding `elements` values in all: on the calling thread below
 * the grain (setParallelGrain), else over the pool, each thread claiming chunks of about a grain
 * or more until none is left. Kernels make each item's result independent of the cut.
 */
void el_run(fl_task fn, void *ctx, int64_t items, int64_t elements);

/* napi helpers shared by the kernel files. */
napi_value el_bool(napi_env env, int value);

/* reduce_avx2.c (call only where fl_has_avx2()): reduce.c's float32 dense sums, same order. */
void el_sum_runs_f32_avx2(const float *x, int64_t stride, int64_t rows, int64_t len, double *res);
void el_sum_cols_f32_avx2(const float *x, int64_t len, int64_t red, int64_t k, double *acc);

void fl_register_reduce(napi_env env, napi_value exports);
void fl_register_optim(napi_env env, napi_value exports);
void fl_register_pool2d(napi_env env, napi_value exports);

#endif
