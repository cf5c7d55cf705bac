/*
 * Float32 GEMM: C = A·B through any strides on A and B. The loop nest is the classic one of
 * packed-panel BLAS: column blocks of B (NC), steps of K (FL_KC) packed into nr-wide panels
 * shared by the threads, row blocks of A (MC) packed by the thread that multiplies them, then
 * the micro-kernel of the instruction set over mr×nr tiles. Threads take output tiles, never a
 * part of a sum: each entry of C is the same chain of fused multiply-adds whatever the count.
 */
#include "gemm.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows of A one task packs (its panel stays in L2 while the B panels stream through L1). */
#define MC 192
/* Columns of B packed at once: FL_KC × NC floats (1 MiB) stay in L2. */
#define NC 1024
/* Columns per task: the A block's packing is paid once per this many columns. */
#define TASK_COLS 256

/* The portable kernel (baseline x86-64, no fused multiply-add): a 4×8 tile. */
static void kernel_scalar(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int m, int n, int add) {
  float acc[4][8] = {{0}};
  for (int64_t k = 0; k < kc; k++, a += 4, b += 8) {
    for (int r = 0; r < 4; r++) {
      for (int j = 0; j < 8; j++) acc[r][j] += a[r] * b[j];
    }
  }
  for (int r = 0; r < m; r++) {
    for (int j = 0; j < n; j++) c[r * ldc + j] = add ? c[r * ldc + j] + acc[r][j] : acc[r][j];
  }
}

static const fl_gemm_isa gemm_scalar = {4, 8, kernel_scalar};

static const fl_gemm_isa *pick(void) {
  return fl_has_avx512() ? &fl_gemm_avx512 : fl_has_avx2() ? &fl_gemm_avx2 : &gemm_scalar;
}

/* Per-thread packing buffers, kept for the thread's life (the pool's threads never end). */
static __thread float *a_buf;
static __thread size_t a_cap;
/* The (phase, row block) this thread's a_buf holds: consecutive tasks of one block skip repacking. */
static __thread uint64_t a_phase;
static __thread int64_t a_block;

float *fl_scratch(float **buf, size_t *cap, size_t n) {
  if (*cap < n) {
    free(*buf);
    size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
    *buf = aligned_alloc(64, bytes);
    if (*buf == NULL) {
      /* As malloc failing inside a BLAS: nothing sensible is left to return to. */
      fputs("flambeau native: out of memory for GEMM scratch\n", stderr);
      abort();
    }
    *cap = n;
  }
  return *buf;
}

/*
 * out[k·W + r] = X[(i0 + r)·rs + (k0 + k)·cs] for r < w, zero for w ≤ r < W: a W-wide panel
 * of rows i0.. of X over steps k0..k0+kc. B is packed as the panel of its transpose.
 */
static void pack_panel(const float *X, int64_t rs, int64_t cs, int64_t i0, int w, int W, int64_t k0, int64_t kc, float *out) {
  const float *base = X + i0 * rs + k0 * cs;
  if (rs == 1 && w == W) {
    for (int64_t k = 0; k < kc; k++) memcpy(out + k * W, base + k * cs, (size_t)W * sizeof(float));
    return;
  }
  int r0 = 0;
  if (cs == 1 && W % 8 == 0 && fl_has_avx2()) {
    for (; r0 + 8 <= w; r0 += 8) fl_pack_rows8_avx2(base + r0 * rs, rs, kc, out + r0, W);
  }
  for (int r = r0; r < w; r++) {
    const float *row = base + r * rs;
    if (cs == 1) {
      for (int64_t k = 0; k < kc; k++) out[k * W + r] = row[k];
    } else {
      for (int64_t k = 0; k < kc; k++) out[k * W + r] = row[k * cs];
    }
  }
  for (int r = w; r < W; r++) {
    for (int64_t k = 0; k < kc; k++) out[k * W + r] = 0;
  }
}

typedef struct {
  const fl_gemm_isa *isa;
  int64_t M, N;
  const float *A, *B;
  int64_t ars, acs, brs, bcs;
  float *C;
  int64_t ldc;
  int add;            /* add into C: accumulate, or a later step of K */
  int64_t j0, nc, k0, kc;
  float *bp;          /* the packed B block */
  fl_b_packer pack;   /* B's packer, or NULL: B through its strides */
  const void *pack_ctx;
  uint64_t phase;
  int64_t col_tasks;  /* tasks per row block */
  int64_t task_panels;
} job_t;

/* Tells one (column block, K step) from every other in the process, for the a_buf cache. */
static atomic_uint_fast64_t phases = 1;

static void pack_b_task(void *ctx, int64_t begin, int64_t end) {
  const job_t *g = ctx;
  const int nr = g->isa->nr;
  for (int64_t p = begin; p < end; p++) {
    const int64_t j = p * nr;
    const int w = (int)(g->nc - j < nr ? g->nc - j : nr);
    float *out = g->bp + p * nr * g->kc;
    if (g->pack) {
      g->pack(g->pack_ctx, g->k0, g->kc, g->j0 + j, w, nr, out);
    } else {
      pack_panel(g->B, g->bcs, g->brs, g->j0 + j, w, nr, g->k0, g->kc, out);
    }
  }
}

static void tile_task(void *ctx, int64_t begin, int64_t end) {
  const job_t *g = ctx;
  const int mr = g->isa->mr, nr = g->isa->nr;
  const int64_t kc = g->kc, panels = (g->nc + nr - 1) / nr;
  float *ap = fl_scratch(&a_buf, &a_cap, (size_t)(MC + mr) * (size_t)kc);
  for (int64_t t = begin; t < end; t++) {
    const int64_t block = t / g->col_tasks, i0 = block * MC;
    const int64_t rows = g->M - i0 < MC ? g->M - i0 : MC;
    const int64_t strips = (rows + mr - 1) / mr;
    if (a_phase != g->phase || a_block != block) {
      for (int64_t s = 0; s < strips; s++) {
        const int64_t r0 = s * mr;
        const int w = (int)(rows - r0 < mr ? rows - r0 : mr);
        pack_panel(g->A, g->ars, g->acs, i0 + r0, w, mr, g->k0, kc, ap + s * mr * kc);
      }
      a_phase = g->phase;
      a_block = block;
    }
    const int64_t p0 = (t % g->col_tasks) * g->task_panels;
    const int64_t p1 = p0 + g->task_panels < panels ? p0 + g->task_panels : panels;
    for (int64_t p = p0; p < p1; p++) {
      const int64_t j = p * nr;
      const int n = (int)(g->nc - j < nr ? g->nc - j : nr);
      const float *bp = g->bp + p * nr * kc;
      float *c = g->C + i0 * g->ldc + g->j0 + j;
      for (int64_t s = 0; s < strips; s++) {
        const int64_t r0 = s * mr;
        const int m = (int)(rows - r0 < mr ? rows - r0 : mr);
        g->isa->kernel(kc, ap + s * mr * kc, bp, c + r0 * g->ldc, g->ldc, m, n, g->add);
      }
    }
  }
}

static __thread float *b_buf;
static __thread size_t b_cap;

static void sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t ars, int64_t acs, const float *B, int64_t brs,
                  int64_t bcs, fl_b_packer pack, const void *pack_ctx, float *C, int64_t ldc, int accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < M; i++) memset(C + i * ldc, 0, (size_t)N * sizeof(float));
    }
    return;
  }
  job_t g = {.isa = pick(), .M = M, .N = N, .A = A, .B = B, .ars = ars, .acs = acs, .brs = brs, .bcs = bcs, .C = C, .ldc = ldc,
             .pack = pack, .pack_ctx = pack_ctx};
  const int nr = g.isa->nr;
  const double madds = (double)M * (double)N * (double)K;
  const int64_t ncmax = N < NC ? N : NC;
  float *bp = fl_scratch(&b_buf, &b_cap, (size_t)((ncmax + nr - 1) / nr * nr) * FL_KC);
  g.bp = bp;
  for (int64_t j0 = 0; j0 < N; j0 += NC) {
    g.j0 = j0;
    g.nc = N - j0 < NC ? N - j0 : NC;
    const int64_t panels = (g.nc + nr - 1) / nr, blocks = (M + MC - 1) / MC;
    /* Narrower tasks when wide ones would leave threads idle (the cut changes no sum). */
    g.task_panels = TASK_COLS / nr;
    while (g.task_panels > 1 && blocks * ((panels + g.task_panels - 1) / g.task_panels) < 4 * fl_threads()) g.task_panels /= 2;
    g.col_tasks = (panels + g.task_panels - 1) / g.task_panels;
    const int64_t tasks = blocks * g.col_tasks;
    for (int64_t k0 = 0; k0 < K; k0 += FL_KC) {
      g.k0 = k0;
      g.kc = K - k0 < FL_KC ? K - k0 : FL_KC;
      g.add = accumulate || k0 > 0;
      g.phase = atomic_fetch_add(&phases, 1);
      fl_parallel_for(madds, panels, pack_b_task, &g);
      fl_parallel_for(madds, tasks, tile_task, &g);
    }
  }
}

void fl_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t ars, int64_t acs,
              const float *B, int64_t brs, int64_t bcs, float *C, int64_t ldc, int accumulate) {
  sgemm(M, N, K, A, ars, acs, B, brs, bcs, NULL, NULL, C, ldc, accumulate);
}

void fl_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t ars, int64_t acs,
                       fl_b_packer pack, const void *pack_ctx, float *C, int64_t ldc, int accumulate) {
  sgemm(M, N, K, A, ars, acs, NULL, 0, 0, pack, pack_ctx, C, ldc, accumulate);
}

int fl_view_fits(size_t len, int64_t off, int64_t rows, int64_t rs, int64_t cols, int64_t cs) {
  if (rows <= 0 || cols <= 0) return off >= 0 && (size_t)off <= len;
  int64_t lo = off, hi = off;
  if (rs >= 0) hi += (rows - 1) * rs; else lo += (rows - 1) * rs;
  if (cs >= 0) hi += (cols - 1) * cs; else lo += (cols - 1) * cs;
  return lo >= 0 && (uint64_t)hi < len;
}

float *fl_f32(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  bool ok = false;
  void *data = NULL;
  napi_is_typedarray(env, v, &ok);
  if (!ok || napi_get_typedarray_info(env, v, &type, length, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "flambeau native: expected a Float32Array");
    return NULL;
  }
  /* An empty array may have no data pointer; NULL must keep meaning "threw". */
  static float none[1];
  return data ? data : none;
}

/* Reads A, B and C of a batch of products and checks every element they touch lies inside. */
static int operands(napi_env env, napi_value *argv, int64_t Bn, int64_t M, int64_t N, int64_t K,
                    float **A, int64_t aOff, int64_t aBs, int64_t ars, int64_t acs,
                    float **B, int64_t bOff, int64_t bBs, int64_t brs, int64_t bcs,
                    float **C, int64_t cOff, int64_t ldc, int64_t cBs, int idx_a, int idx_b, int idx_c) {
  size_t la, lb, lc;
  if (!(*A = fl_f32(env, argv[idx_a], &la)) || !(*B = fl_f32(env, argv[idx_b], &lb)) || !(*C = fl_f32(env, argv[idx_c], &lc))) return 0;
  const int64_t last = Bn - 1;
  if (Bn < 1 || M < 0 || N < 0 || K < 0 || ldc < N
      || !fl_view_fits(la, aOff + (aBs < 0 ? last * aBs : 0), M, ars, K, acs) || !fl_view_fits(la, aOff + (aBs > 0 ? last * aBs : 0), M, ars, K, acs)
      || !fl_view_fits(lb, bOff + (bBs < 0 ? last * bBs : 0), K, brs, N, bcs) || !fl_view_fits(lb, bOff + (bBs > 0 ? last * bBs : 0), K, brs, N, bcs)
      || !fl_view_fits(lc, cOff, M, ldc, N, 1) || !fl_view_fits(lc, cOff + last * cBs, M, ldc, N, 1) || cBs < 0) {
    napi_throw_range_error(env, NULL, "flambeau native: gemm operands outside their arrays");
    return 0;
  }
  return 1;
}

static int flag(napi_env env, napi_value v) {
  bool b = false;
  napi_value coerced;
  napi_coerce_to_bool(env, v, &coerced);
  napi_get_value_bool(env, coerced, &b);
  return b;
}

/* gemm(M, N, K, A, aOff, aRs, aCs, B, bOff, bRs, bCs, C, cOff, ldc, accumulate) */
static napi_value gemm(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  if (!fl_args(env, info, 15, argv)) return NULL;
  const int64_t M = fl_int(env, argv[0]), N = fl_int(env, argv[1]), K = fl_int(env, argv[2]);
  const int64_t aOff = fl_int(env, argv[4]), ars = fl_int(env, argv[5]), acs = fl_int(env, argv[6]);
  const int64_t bOff = fl_int(env, argv[8]), brs = fl_int(env, argv[9]), bcs = fl_int(env, argv[10]);
  const int64_t cOff = fl_int(env, argv[12]), ldc = fl_int(env, argv[13]);
  float *A, *B, *C;
  if (!operands(env, argv, 1, M, N, K, &A, aOff, 0, ars, acs, &B, bOff, 0, brs, bcs, &C, cOff, ldc, 0, 3, 7, 11)) return NULL;
  fl_sgemm(M, N, K, A + aOff, ars, acs, B + bOff, brs, bcs, C + cOff, ldc, flag(env, argv[14]));
  return fl_undefined(env);
}

typedef struct {
  int64_t M, N, K;
  const float *A, *B;
  int64_t aBs, ars, acs, bBs, brs, bcs;
  float *C;
  int accumulate;
} batch_t;

static void product_task(void *ctx, int64_t begin, int64_t end) {
  const batch_t *b = ctx;
  for (int64_t i = begin; i < end; i++) {
    fl_sgemm(b->M, b->N, b->K, b->A + i * b->aBs, b->ars, b->acs, b->B + i * b->bBs, b->brs, b->bcs,
             b->C + i * b->M * b->N, b->N, b->accumulate);
  }
}

/* gemmBatched(Bn, M, N, K, A, aOff, aBs, aRs, aCs, B, bOff, bBs, bRs, bCs, C, cOff, accumulate): C dense [Bn, M, N]. */
static napi_value gemm_batched(napi_env env, napi_callback_info info) {
  napi_value argv[17];
  if (!fl_args(env, info, 17, argv)) return NULL;
  const int64_t Bn = fl_int(env, argv[0]), M = fl_int(env, argv[1]), N = fl_int(env, argv[2]), K = fl_int(env, argv[3]);
  const int64_t aOff = fl_int(env, argv[5]), aBs = fl_int(env, argv[6]), ars = fl_int(env, argv[7]), acs = fl_int(env, argv[8]);
  const int64_t bOff = fl_int(env, argv[10]), bBs = fl_int(env, argv[11]), brs = fl_int(env, argv[12]), bcs = fl_int(env, argv[13]);
  const int64_t cOff = fl_int(env, argv[15]);
  if (Bn == 0) return fl_undefined(env);
  float *A, *B, *C;
  if (!operands(env, argv, Bn, M, N, K, &A, aOff, aBs, ars, acs, &B, bOff, bBs, brs, bcs, &C, cOff, N, M * N, 4, 9, 14)) return NULL;
  batch_t b = {M, N, K, A + aOff, B + bOff, aBs, ars, acs, bBs, brs, bcs, C + cOff, flag(env, argv[16])};
  /* A product per task when there are enough (each then runs inline); else each product is split. */
  if (Bn >= fl_threads()) {
    fl_parallel_for((double)Bn * (double)M * (double)N * (double)K, Bn, product_task, &b);
  } else {
    product_task(&b, 0, Bn);
  }
  return fl_undefined(env);
}

void fl_register_gemm(napi_env env, napi_value exports) {
  fl_export(env, exports, "gemm", gemm);
  fl_export(env, exports, "gemmBatched", gemm_batched);
  fl_register_conv(env, exports);
}
