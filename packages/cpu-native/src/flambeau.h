/*
 * Shared by every source file of the native CPU accelerator: the thread pool, argument reading
 * and the per-file registration hooks. Kernels read and write the JavaScript typed arrays in
 * place (no copies); every pointer stays valid for the length of one call.
 */
#ifndef FLAMBEAU_H
#define FLAMBEAU_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* ---- thread pool (pool.c) ---------------------------------------------------------------- */

/* Work on items [begin, end) of a job. */
typedef void (*fl_task)(void *ctx, int64_t begin, int64_t end);

/*
 * Runs fn over [0, n), cut into contiguous runs of whole items (up to 4 per thread) that the
 * threads, the caller among them, claim as they come free, so a thread the OS runs late leaves
 * its share to the others. Kernels make each output depend only on its item, never on the cut,
 * so results are the same bits whatever the thread count. Runs inline (one run) when n < 2, the
 * pool has one thread, or another JavaScript thread holds the pool.
 */
void fl_parallel(int64_t n, fl_task fn, void *ctx);

/* Threads fl_parallel uses, the caller included (torch.get_num_threads). */
int fl_threads(void);
void fl_set_threads(int n);

/*
 * Multiply-adds below which a GEMM or convolution runs on the calling thread alone (waking the
 * pool costs more): 2^18 unless setParallelMin changed it (tests set 0 to thread every case).
 */
int64_t fl_parallel_min(void);
void fl_set_parallel_min(int64_t n);

/* ---- N-API argument helpers (addon.c) ---------------------------------------------------- */

/* Typed-array data (its byteOffset applied) and element count; NULL after throwing a TypeError. */
void *fl_array(napi_env env, napi_value v, size_t *length);
/* fl_array, also giving the array's element type. */
void *fl_typed_array(napi_env env, napi_value v, size_t *length, napi_typedarray_type *kind);
int64_t fl_int(napi_env env, napi_value v);
double fl_num(napi_env env, napi_value v);
/* Reads exactly `want` arguments into argv; false after throwing when fewer came. */
int fl_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
napi_value fl_undefined(napi_env env);
void fl_export(napi_env env, napi_value exports, const char *name, napi_callback fn);

/* ---- CPU features (addon.c) -------------------------------------------------------------- */

/*
 * Whether the kernels may run AVX-512F / AVX2+FMA code: this CPU and OS run it (checked once
 * with cpuid) and no narrower set was chosen (setIsa, or FLAMBEAU_NATIVE_ISA=avx2|sse2 at load).
 */
int fl_has_avx512(void);
int fl_has_avx2(void);

/* ---- registration: one hook per kernel file ---------------------------------------------- */

void fl_register_gemm(napi_env env, napi_value exports);
void fl_register_elementwise(napi_env env, napi_value exports);

#endif
