/*
 * The addon's entry: argument helpers, CPU feature checks and the module table. Each kernel
 * file registers its own functions (fl_register_*), so a kernel's JS name is found next to it.
 */
#include "flambeau.h"
#include <cpuid.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *fl_array(napi_env env, napi_value v, size_t *length) {
  return fl_typed_array(env, v, length, NULL);
}

void *fl_typed_array(napi_env env, napi_value v, size_t *length, napi_typedarray_type *kind) {
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  bool ok = false;
  napi_is_typedarray(env, v, &ok);
  if (!ok || napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "flambeau native: expected a typed array");
    return NULL;
  }
  if (length) *length = len;
  if (kind) *kind = type;
  /* An empty array may have no data pointer; NULL must keep meaning "threw". */
  static double none[1];
  return data ? data : (void *)none;
}

int64_t fl_int(napi_env env, napi_value v) {
  int64_t out = 0;
  napi_get_value_int64(env, v, &out);
  return out;
}

double fl_num(napi_env env, napi_value v) {
  double out = 0;
  napi_get_value_double(env, v, &out);
  return out;
}

int fl_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want) {
    napi_throw_type_error(env, NULL, "flambeau native: too few arguments");
    return 0;
  }
  return 1;
}

napi_value fl_undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

void fl_export(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);
  napi_set_named_property(env, exports, name, f);
}

/* XCR0 says whether the OS saves the wide registers on a context switch. */
static uint64_t xcr0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static int osxsave(void) {
  unsigned a, b, c, d;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE);
}

static int cpu_has_avx2(void) {
  unsigned a, b, c, d;
  if (!osxsave() || (xcr0() & 0x6) != 0x6) return 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_FMA)) return 0;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2);
}

static int cpu_has_avx512(void) {
  unsigned a, b, c, d;
  if (!cpu_has_avx2() || (xcr0() & 0xe6) != 0xe6) return 0;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX512F);
}

/* Instruction-set levels: 0 SSE2 (baseline x86-64), 1 AVX2+FMA, 2 AVX-512. */
static const char *const ISA_NAMES[] = {"sse2", "avx2", "avx512"};

/* The widest level this CPU runs (-1: not checked yet; cpuid is too slow to ask per call). */
static int cpu_level = -1;
/* The widest level the kernels use: the CPU's, or lower by setIsa / FLAMBEAU_NATIVE_ISA. */
static atomic_int isa_level = -1;

static int cpu_isa(void) {
  if (cpu_level < 0) cpu_level = cpu_has_avx512() ? 2 : cpu_has_avx2() ? 1 : 0;
  return cpu_level;
}

static int isa_named(const char *name) {
  for (int i = 0; i < 3; i++) {
    if (strcmp(name, ISA_NAMES[i]) == 0) return i;
  }
  return -1;
}

static int level(void) {
  int l = atomic_load_explicit(&isa_level, memory_order_relaxed);
  return l < 0 ? cpu_isa() : l;
}

int fl_has_avx2(void) { return level() >= 1; }
int fl_has_avx512(void) { return level() >= 2; }

/* Sets the level from a name; throws (and returns 0) for an unknown name or one this CPU cannot run. */
static int select_isa(napi_env env, const char *name, const char *who) {
  const int l = isa_named(name);
  char msg[160];
  if (l < 0) {
    snprintf(msg, sizeof msg, "%s: expected 'avx512', 'avx2' or 'sse2', got '%s'", who, name);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  if (l > cpu_isa()) {
    snprintf(msg, sizeof msg, "%s: this CPU cannot run '%s' (it runs '%s')", who, name, ISA_NAMES[cpu_isa()]);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  atomic_store(&isa_level, l);
  return 1;
}

/* setIsa(name | null): the kernels use at most this instruction set (tests run the narrower ones); null: the CPU's widest. */
static napi_value set_isa(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!fl_args(env, info, 1, argv)) return NULL;
  napi_valuetype type;
  napi_typeof(env, argv[0], &type);
  if (type == napi_null || type == napi_undefined) {
    atomic_store(&isa_level, -1);
    return fl_undefined(env);
  }
  char name[16] = "";
  size_t len = 0;
  if (type != napi_string || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "setIsa: expected a string or null");
    return NULL;
  }
  if (!select_isa(env, name, "setIsa")) return NULL;
  return fl_undefined(env);
}

static napi_value set_num_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!fl_args(env, info, 1, argv)) return NULL;
  fl_set_threads((int)fl_int(env, argv[0]));
  return fl_undefined(env);
}

/* setParallelMin(n): multiply-adds below which GEMMs and convolutions stay on the calling thread. */
static napi_value set_parallel_min(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!fl_args(env, info, 1, argv)) return NULL;
  fl_set_parallel_min(fl_int(env, argv[0]));
  return fl_undefined(env);
}

static napi_value get_num_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int32(env, fl_threads(), &out);
  return out;
}

/* The widest instruction set the kernels use now: 'avx512', 'avx2' or 'sse2'. */
static napi_value isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, ISA_NAMES[level()], NAPI_AUTO_LENGTH, &out);
  return out;
}

/* The widest instruction set this CPU runs, whatever setIsa chose. */
static napi_value cpu_isa_name(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, ISA_NAMES[cpu_isa()], NAPI_AUTO_LENGTH, &out);
  return out;
}

NAPI_MODULE_INIT() {
  const char *forced = getenv("FLAMBEAU_NATIVE_ISA");
  if (forced != NULL && *forced != '\0' && !select_isa(env, forced, "FLAMBEAU_NATIVE_ISA")) return NULL;
  fl_export(env, exports, "setNumThreads", set_num_threads);
  fl_export(env, exports, "getNumThreads", get_num_threads);
  fl_export(env, exports, "setParallelMin", set_parallel_min);
  fl_export(env, exports, "isa", isa);
  fl_export(env, exports, "cpuIsa", cpu_isa_name);
  fl_export(env, exports, "setIsa", set_isa);
  fl_register_gemm(env, exports);
  fl_register_elementwise(env, exports);
  return exports;
}
