/*
 * The addon's entry: argument helpers, CPU feature checks and the module table. Each kernel
 * file registers its own functions (fl_register_*), so a kernel's JS name is found next to it.
 */
#include "flambeau.h"
#include <cpuid.h>

void *fl_array(napi_env env, napi_value v, size_t *length) {
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
  return data;
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

int fl_has_avx2(void) {
  unsigned a, b, c, d;
  if (!osxsave() || (xcr0() & 0x6) != 0x6) return 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_FMA)) return 0;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2);
}

int fl_has_avx512(void) {
  unsigned a, b, c, d;
  if (!fl_has_avx2() || (xcr0() & 0xe6) != 0xe6) return 0;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX512F);
}

static napi_value set_num_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!fl_args(env, info, 1, argv)) return NULL;
  fl_set_threads((int)fl_int(env, argv[0]));
  return fl_undefined(env);
}

static napi_value get_num_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int32(env, fl_threads(), &out);
  return out;
}

/* The widest instruction set the kernels use on this CPU: 'avx512', 'avx2' or 'sse2'. */
static napi_value isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  const char *name = fl_has_avx512() ? "avx512" : fl_has_avx2() ? "avx2" : "sse2";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &out);
  return out;
}

NAPI_MODULE_INIT() {
  fl_export(env, exports, "setNumThreads", set_num_threads);
  fl_export(env, exports, "getNumThreads", get_num_threads);
  fl_export(env, exports, "isa", isa);
  fl_register_gemm(env, exports);
  fl_register_elementwise(env, exports);
  return exports;
}
