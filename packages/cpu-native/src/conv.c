/*
 * 2-D convolution, NCHW. On AVX-512 with unit column stride, direct kernels (conv_avx512.c) for
 * the forward, the unit-stride input gradient and the weight gradient of rows of 16+ pixels;
 * everything else as im2col + GEMM (conv.ts's algorithm, the reference): forward and input
 * gradient one (image, group) per task, the weight gradient cut by output entries (rows of the
 * unfolded kernel), every entry summed over the images in order. Same bits on any thread count.
 */
#include "conv.h"
#include <stdlib.h>
#include <string.h>

/* Columns [lo, hi) of output whose input column ox·sw + shift lies inside [0, W). */
static void valid_range(int64_t shift, int64_t sw, int64_t W, int64_t OW, int64_t *lo, int64_t *hi) {
  int64_t l = shift >= 0 ? 0 : (-shift + sw - 1) / sw;
  int64_t h = W - 1 - shift < 0 ? 0 : (W - 1 - shift) / sw + 1;
  if (l > OW) l = OW;
  if (h > OW) h = OW;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

/* Rows [k0, k1) of one image-group's unfolded [K, P] matrix into cols (row stride P). */
static void im2col(const float *x, const geom_t *g, int64_t k0, int64_t k1, float *cols) {
  const int64_t OW = g->OW, P = g->P;
  const int avx2 = fl_has_avx2();
  for (int64_t k = k0; k < k1; k++) {
    const int64_t c = k / (g->kh * g->kw), i = (k / g->kw) % g->kh, j = k % g->kw;
    const int64_t shift = j * g->dw - g->pw;
    int64_t lo, hi;
    valid_range(shift, g->sw, g->W, OW, &lo, &hi);
    float *row = cols + (k - k0) * P;
    for (int64_t oy = 0; oy < g->OH; oy++) {
      float *p = row + oy * OW;
      const int64_t iy = oy * g->sh - g->ph + i * g->dh;
      if (iy < 0 || iy >= g->H) {
        memset(p, 0, (size_t)OW * sizeof(float));
        continue;
      }
      const float *xr = x + (c * g->H + iy) * g->W + shift;
      if (g->sw == 1 && avx2) {
        fl_im2col_row_avx2(p, xr, OW, lo, hi);
        continue;
      }
      for (int64_t ox = 0; ox < lo; ox++) p[ox] = 0;
      for (int64_t ox = lo; ox < hi; ox++) p[ox] = xr[ox * g->sw];
      for (int64_t ox = hi; ox < OW; ox++) p[ox] = 0;
    }
  }
}

/* The adjoint of im2col over all K rows: adds each column entry onto its input pixel. */
static void col2im(const float *cols, const geom_t *g, float *dx) {
  const int64_t OW = g->OW, P = g->P;
  const int avx2 = fl_has_avx2();
  for (int64_t k = 0; k < g->K; k++) {
    const int64_t c = k / (g->kh * g->kw), i = (k / g->kw) % g->kh, j = k % g->kw;
    const int64_t shift = j * g->dw - g->pw;
    int64_t lo, hi;
    valid_range(shift, g->sw, g->W, OW, &lo, &hi);
    const float *row = cols + k * P;
    for (int64_t oy = 0; oy < g->OH; oy++) {
      const int64_t iy = oy * g->sh - g->ph + i * g->dh;
      if (iy < 0 || iy >= g->H) continue;
      float *xr = dx + (c * g->H + iy) * g->W + shift;
      const float *p = row + oy * OW;
      if (g->sw == 1 && avx2) {
        fl_col2im_row_avx2(xr, p, lo, hi);
        continue;
      }
      for (int64_t ox = lo; ox < hi; ox++) xr[ox * g->sw] += p[ox];
    }
  }
}

/* 1×1, stride 1, no padding: the image is its own column matrix. */
static int pointwise(const geom_t *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0;
}

typedef struct {
  geom_t g;
  const float *a, *b; /* the two inputs, as each kernel names them */
  float *out;
  /* the direct forward's: its plan, the weights in 8-channel blocks, blocks per group */
  fl_direct_plan *plan;
  float *wp;
  int64_t blocks;
} conv_t;

static __thread float *cols_buf;
static __thread size_t cols_cap;

/* Runs items [0, n) on the pool when there are enough to share, else in turn (each GEMM then split). */
static void run_items(int64_t n, int64_t madds, fl_task fn, void *ctx) {
  if (n >= 2 * fl_threads()) {
    fl_parallel_for((double)madds, n, fn, ctx);
  } else {
    fn(ctx, 0, n);
  }
}

/* Widest kernel the unfolding packer keeps a table for; wider ones unfold into scratch first. */
#define PACK_KW 64

typedef struct {
  const float *x; /* the image-group */
  const geom_t *g;
  int64_t lo[PACK_KW], hi[PACK_KW]; /* valid output columns per kernel column j */
} unfold_t;

/*
 * The forward's B, rows k of the unfolded image and columns p, packed straight from the image:
 * a panel's columns are runs of output rows (the same for every k), each copied by masked loads.
 */
static void pack_unfolded(const void *ctx, int64_t k0, int64_t kc, int64_t j0, int w, int W, float *out) {
  const unfold_t *u = ctx;
  const geom_t *g = u->g;
  int64_t soy[33], sox[33], sd[33], sl[33];
  int ns = 0;
  for (int64_t p = j0, d = 0; d < w; ns++) {
    soy[ns] = p / g->OW;
    sox[ns] = p % g->OW;
    sl[ns] = g->OW - sox[ns] < w - d ? g->OW - sox[ns] : w - d;
    sd[ns] = d;
    p += sl[ns];
    d += sl[ns];
  }
  const int avx2 = fl_has_avx2() && g->sw == 1;
  int64_t c = k0 / (g->kh * g->kw), i = (k0 / g->kw) % g->kh, j = k0 % g->kw;
  for (int64_t k = 0; k < kc; k++) {
    float *o = out + k * W;
    const int64_t shift = j * g->dw - g->pw, lo = u->lo[j], hi = u->hi[j];
    for (int s = 0; s < ns; s++) {
      float *dst = o + sd[s];
      const int64_t iy = soy[s] * g->sh - g->ph + i * g->dh;
      if (iy < 0 || iy >= g->H) {
        for (int64_t q = 0; q < sl[s]; q++) dst[q] = 0;
        continue;
      }
      const float *xr = u->x + (c * g->H + iy) * g->W + shift;
      if (avx2) {
        fl_im2col_row_avx2(dst, xr + sox[s], sl[s], lo - sox[s], hi - sox[s]);
      } else {
        for (int64_t q = 0; q < sl[s]; q++) {
          const int64_t ox = sox[s] + q;
          dst[q] = ox >= lo && ox < hi ? xr[ox * g->sw] : 0;
        }
      }
    }
    for (int q = w; q < W; q++) o[q] = 0;
    if (++j == g->kw) {
      j = 0;
      if (++i == g->kh) {
        i = 0;
        c++;
      }
    }
  }
}

static void forward_task(void *ctx, int64_t begin, int64_t end) {
  const conv_t *t = ctx;
  const geom_t *g = &t->g;
  for (int64_t it = begin; it < end; it++) {
    const int64_t n = it / g->G, gi = it % g->G;
    const float *x = t->a + (n * g->Cin + gi * g->C) * g->HW, *w = t->b + gi * g->Cog * g->K;
    float *y = t->out + (n * g->Cout + gi * g->Cog) * g->P;
    if (pointwise(g)) {
      fl_sgemm(g->Cog, g->P, g->K, w, g->K, 1, x, g->P, 1, y, g->P, 0);
    } else if (g->kw <= PACK_KW) {
      unfold_t u = {.x = x, .g = g};
      for (int64_t j = 0; j < g->kw; j++) valid_range(j * g->dw - g->pw, g->sw, g->W, g->OW, &u.lo[j], &u.hi[j]);
      fl_sgemm_packed_b(g->Cog, g->P, g->K, w, g->K, 1, pack_unfolded, &u, y, g->P, 0);
    } else {
      float *cols = fl_scratch(&cols_buf, &cols_cap, (size_t)(g->K * g->P));
      im2col(x, g, 0, g->K, cols);
      fl_sgemm(g->Cog, g->P, g->K, w, g->K, 1, cols, g->P, 1, y, g->P, 0);
    }
  }
}

static void input_grad_task(void *ctx, int64_t begin, int64_t end) {
  const conv_t *t = ctx;
  const geom_t *g = &t->g;
  for (int64_t it = begin; it < end; it++) {
    const int64_t n = it / g->G, gi = it % g->G;
    const float *dy = t->a + (n * g->Cout + gi * g->Cog) * g->P, *w = t->b + gi * g->Cog * g->K;
    float *dx = t->out + (n * g->Cin + gi * g->C) * g->HW;
    if (pointwise(g)) {
      fl_sgemm(g->K, g->P, g->Cog, w, 1, g->K, dy, g->P, 1, dx, g->P, 0);
    } else {
      float *cols = fl_scratch(&cols_buf, &cols_cap, (size_t)(g->K * g->P));
      fl_sgemm(g->K, g->P, g->Cog, w, 1, g->K, dy, g->P, 1, cols, g->P, 0);
      memset(dx, 0, (size_t)(g->C * g->HW) * sizeof(float));
      col2im(cols, g, dx);
    }
  }
}

typedef struct {
  conv_t c;
  int64_t rows;  /* unfolded rows per item */
  int64_t units; /* items per group */
} wgrad_t;

static __thread float *acc_buf;
static __thread size_t acc_cap;

/*
 * One item: rows [k0, k1) of one group's dWᵀ = Σ_n cols_n · dY_nᵀ. Each entry is its GEMM sum
 * over the pixels of image 0, then each next image's sum added in order: which rows an item
 * holds (a choice that may follow the thread count) changes no entry.
 */
static void weight_grad_task(void *ctx, int64_t begin, int64_t end) {
  const wgrad_t *t = ctx;
  const geom_t *g = &t->c.g;
  for (int64_t it = begin; it < end; it++) {
    const int64_t gi = it / t->units, k0 = (it % t->units) * t->rows;
    const int64_t k1 = k0 + t->rows < g->K ? k0 + t->rows : g->K, kr = k1 - k0;
    float *cols = fl_scratch(&cols_buf, &cols_cap, (size_t)(kr * g->P));
    float *acc = fl_scratch(&acc_buf, &acc_cap, (size_t)(kr * g->Cog));
    for (int64_t n = 0; n < g->N; n++) {
      const float *x = t->c.b + (n * g->Cin + gi * g->C) * g->HW;
      const float *dy = t->c.a + (n * g->Cout + gi * g->Cog) * g->P;
      const float *A = x + k0 * g->P;
      if (!pointwise(g)) {
        im2col(x, g, k0, k1, cols);
        A = cols;
      }
      fl_sgemm(kr, g->Cog, g->P, A, g->P, 1, dy, 1, g->P, acc, g->Cog, n > 0);
    }
    float *dw = t->c.out + gi * g->Cog * g->K;
    for (int64_t k = 0; k < kr; k++) {
      for (int64_t o = 0; o < g->Cog; o++) dw[o * g->K + k0 + k] = acc[k * g->Cog + o];
    }
  }
}

/*
 * Reads (a, aOff, b, bOff, out) and the geometry (N, Cin, H, W, Cout, kh, kw, OH, OW, sh, sw,
 * ph, pw, dh, dw, groups); checks each array holds what the geometry reads or writes. `which`
 * names a and b: 0 forward (x, w), 1 input gradient (dy, w), 2 weight gradient (dy, x).
 */
static int conv_args(napi_env env, napi_callback_info info, int which, conv_t *t) {
  napi_value argv[21];
  if (!fl_args(env, info, 21, argv)) return 0;
  int64_t v[16];
  for (int i = 0; i < 16; i++) v[i] = fl_int(env, argv[5 + i]);
  geom_t *g = &t->g;
  *g = (geom_t){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], 0, 0, 0, 0, 0};
  for (int i = 0; i < 16; i++) {
    if (v[i] < 0 || (i >= 9 && i < 11 && v[i] < 1) || (i >= 13 && v[i] < 1)) {
      napi_throw_range_error(env, NULL, "flambeau native: bad convolution geometry");
      return 0;
    }
  }
  if (g->Cin % g->G != 0 || g->Cout % g->G != 0) {
    napi_throw_range_error(env, NULL, "flambeau native: channels not divisible by groups");
    return 0;
  }
  g->C = g->Cin / g->G;
  g->Cog = g->Cout / g->G;
  g->K = g->C * g->kh * g->kw;
  g->P = g->OH * g->OW;
  g->HW = g->H * g->W;
  const int64_t xs = g->N * g->Cin * g->HW, ws = g->Cout * g->K, ys = g->N * g->Cout * g->P;
  const int64_t need[3][3] = {{xs, ws, ys}, {ys, ws, xs}, {ys, xs, ws}};
  size_t la, lb, lo;
  float *a = fl_f32(env, argv[0], &la), *b = a ? fl_f32(env, argv[2], &lb) : NULL, *out = b ? fl_f32(env, argv[4], &lo) : NULL;
  if (out == NULL) return 0;
  const int64_t aOff = fl_int(env, argv[1]), bOff = fl_int(env, argv[3]);
  if (aOff < 0 || bOff < 0 || (size_t)(aOff + need[which][0]) > la || (size_t)(bOff + need[which][1]) > lb || (size_t)need[which][2] > lo) {
    napi_throw_range_error(env, NULL, "flambeau native: convolution operands shorter than their shapes");
    return 0;
  }
  t->a = a + aOff;
  t->b = b + bOff;
  t->out = out;
  return 1;
}

static void direct_task(void *ctx, int64_t begin, int64_t end) {
  const conv_t *t = ctx;
  const geom_t *g = &t->g;
  const int64_t per_block = g->C * g->kh * g->kw * 8;
  for (int64_t it = begin; it < end; it++) {
    const int64_t cb = it % t->blocks, gi = (it / t->blocks) % g->G, n = it / (t->blocks * g->G);
    const int64_t o0 = cb * 8, rows = g->Cog - o0 < 8 ? g->Cog - o0 : 8;
    fl_direct_forward_avx512(t->plan, t->a + (n * g->Cin + gi * g->C) * g->HW, t->wp + (gi * t->blocks + cb) * per_block,
                             (int)rows, t->out + (n * g->Cout + gi * g->Cog + o0) * g->P);
  }
}

/*
 * The direct AVX-512 forward when it applies (unit column stride): weights regrouped once as
 * [group][8-channel block][c][kh·kw][8], one task per (image, group, block). False, having done
 * nothing, otherwise.
 */
static int forward_direct(conv_t *t) {
  const geom_t *g = &t->g;
  if (!fl_has_avx512() || g->sw != 1 || pointwise(g)) return 0;
  t->blocks = (g->Cog + 7) / 8;
  const int64_t kk = g->kh * g->kw, per_block = g->C * kk * 8;
  t->wp = calloc((size_t)(g->G * t->blocks * per_block), sizeof(float));
  t->plan = t->wp ? fl_direct_plan_avx512(g) : NULL;
  if (t->plan == NULL) {
    free(t->wp);
    return 0;
  }
  for (int64_t o = 0; o < g->Cout; o++) {
    const int64_t gi = o / g->Cog, cb = (o % g->Cog) / 8, r = (o % g->Cog) % 8;
    float *dst = t->wp + (gi * t->blocks + cb) * per_block + r;
    for (int64_t k = 0; k < g->K; k++) dst[k * 8] = t->b[o * g->K + k];
  }
  run_items(g->N * g->G * t->blocks, g->N * g->Cout * g->P * g->K, direct_task, t);
  fl_direct_plan_free(t->plan);
  free(t->wp);
  return 1;
}

/* conv2d(x, xOff, w, wOff, out, ...geometry): out [N, Cout, OH, OW], bias left to the op. */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  conv_t t;
  if (!conv_args(env, info, 0, &t)) return NULL;
  const geom_t *g = &t.g;
  if (!forward_direct(&t)) run_items(g->N * g->G, g->N * g->Cout * g->P * g->K, forward_task, &t);
  return fl_undefined(env);
}

/*
 * The input gradient of a unit-stride convolution is a forward one: dy correlated with the
 * flipped kernel, channels swapped within each group, padded by dilation·(k − 1) − padding.
 * False, having done nothing, when that padding is negative or the direct forward cannot run.
 */
static int input_grad_direct(const conv_t *t) {
  const geom_t *g = &t->g;
  const int64_t ph = g->dh * (g->kh - 1) - g->ph, pw = g->dw * (g->kw - 1) - g->pw;
  /* Fewer than 8 input channels per group would leave most of each 8-channel tile idle. */
  if (!fl_has_avx512() || g->sh != 1 || g->sw != 1 || ph < 0 || pw < 0 || pointwise(g) || g->C < 8) return 0;
  conv_t f = {.a = t->a, .out = t->out};
  f.g = (geom_t){g->N, g->Cout, g->OH, g->OW, g->Cin, g->kh, g->kw, g->H, g->W, 1, 1, ph, pw, g->dh, g->dw, g->G,
                 g->Cog, g->C, g->Cog * g->kh * g->kw, g->HW, g->P};
  const int64_t kk = g->kh * g->kw;
  float *w = malloc((size_t)(g->Cout * g->K) * sizeof(float));
  if (w == NULL) return 0;
  /* w'[gi·C + c][o][i][j] = w[gi·Cog + o][c][kh−1−i][kw−1−j] */
  for (int64_t gi = 0; gi < g->G; gi++) {
    for (int64_t c = 0; c < g->C; c++) {
      for (int64_t o = 0; o < g->Cog; o++) {
        const float *src = t->b + ((gi * g->Cog + o) * g->C + c) * kk;
        float *dst = w + ((gi * g->C + c) * g->Cog + o) * kk;
        for (int64_t q = 0; q < kk; q++) dst[q] = src[kk - 1 - q];
      }
    }
  }
  f.b = w;
  const int done = forward_direct(&f);
  free(w);
  return done;
}

/* conv2dBackwardInput(dy, dyOff, w, wOff, dx, ...geometry): dx [N, Cin, H, W]. */
static napi_value conv2d_backward_input(napi_env env, napi_callback_info info) {
  conv_t t;
  if (!conv_args(env, info, 1, &t)) return NULL;
  const geom_t *g = &t.g;
  if (!input_grad_direct(&t)) run_items(g->N * g->G, g->N * g->Cout * g->P * g->K, input_grad_task, &t);
  return fl_undefined(env);
}

/* Floats of unfolded rows one weight-gradient item keeps (its L2 share). */
#define WGRAD_COLS (256 * 1024)

typedef struct {
  const conv_t *c;
  int64_t oblocks, kblocks;
} wdirect_t;

static void weight_direct_task(void *ctx, int64_t begin, int64_t end) {
  const wdirect_t *t = ctx;
  fl_direct_weight_grad_avx512(&t->c->g, t->c->a, t->c->b, begin, end, t->oblocks, t->kblocks, t->c->out);
}

/*
 * The direct AVX-512 weight gradient: unit column stride, output rows of 16+ pixels (narrower
 * rows would leave most of each vector idle; im2col + GEMM was measured faster there). False,
 * having done nothing, otherwise.
 */
static int weight_grad_direct(conv_t *t) {
  const geom_t *g = &t->g;
  if (!fl_has_avx512() || g->sw != 1 || pointwise(g) || g->OW < 16) return 0;
  wdirect_t w = {t, (g->Cog + FL_WGRAD_CHANNELS - 1) / FL_WGRAD_CHANNELS, (g->K + FL_WGRAD_ROWS - 1) / FL_WGRAD_ROWS};
  const int64_t items = g->G * w.oblocks * w.kblocks;
  fl_parallel_for((double)g->N * (double)g->Cout * (double)g->P * (double)g->K, items, weight_direct_task, &w);
  return 1;
}

/* conv2dBackwardWeight(dy, dyOff, x, xOff, dw, ...geometry): dw [Cout, Cin/groups, kh, kw]. */
static napi_value conv2d_backward_weight(napi_env env, napi_callback_info info) {
  wgrad_t t;
  if (!conv_args(env, info, 2, &t.c)) return NULL;
  const geom_t *g = &t.c.g;
  if (g->N == 0 || g->K == 0 || g->P == 0) {
    memset(t.c.out, 0, (size_t)(g->Cout * g->K) * sizeof(float));
    return fl_undefined(env);
  }
  if (weight_grad_direct(&t.c)) return fl_undefined(env);
  /* About two items per thread and group, in whole rows of 8, each unfolding at most WGRAD_COLS floats. */
  int64_t rows = (g->K + 2 * fl_threads() - 1) / (2 * fl_threads());
  const int64_t cap = WGRAD_COLS / g->P;
  if (rows > cap) rows = cap;
  rows = (rows + 7) / 8 * 8;
  t.rows = rows;
  t.units = (g->K + rows - 1) / rows;
  const int64_t items = g->G * t.units;
  fl_parallel_for((double)g->N * (double)g->Cout * (double)g->P * (double)g->K, items, weight_grad_task, &t);
  return fl_undefined(env);
}

void fl_register_conv(napi_env env, napi_value exports) {
  fl_export(env, exports, "conv2d", conv2d);
  fl_export(env, exports, "conv2dBackwardInput", conv2d_backward_input);
  fl_export(env, exports, "conv2dBackwardWeight", conv2d_backward_weight);
}
