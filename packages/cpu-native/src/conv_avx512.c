/*
 * The AVX-512 direct forward convolution (unit column stride): an 8-channel × 32-pixel tile of
 * the output in 16 accumulators, its input vectors loaded straight from the image by masked
 * loads (the padding is masked off), so nothing is unfolded or packed but the weights, once per
 * call. Each output entry is one chain of fused multiply-adds over (c, i, j) in order.
 */
#include "conv.h"
#include <immintrin.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Lanes of one input vector that come from one output row: a mask and where lane 0 would load. */
typedef struct {
  int64_t off;
  __mmask16 mask;
} seg_t;

/*
 * Two ways to find the input vectors. Rows of 16+ output pixels ("padded"): each image-group is
 * copied into a zero-padded buffer, a vector is 16 pixels of one output row, and its input for
 * step k is one load at its base + koff[k]. Narrower rows: vectors run across output rows, and a
 * table gives each vector's segments (one per row it spans) per kernel offset.
 */
struct fl_direct_plan {
  const geom_t *g;
  int64_t tiles, kk, segs; /* pixel tiles (two vectors each), kh·kw, segments per vector */
  seg_t *tab;              /* [tiles][2][kk][segs], narrow rows */
  int padded;
  uint64_t id;             /* tells this plan's padded copies from any earlier plan's */
  int64_t Wp, plane;       /* padded row and channel */
  int64_t *koff;           /* [K], padded */
  int64_t *vin, *vout;     /* [2·tiles]: a vector's input base, output offset */
  __mmask16 *vmask;        /* [2·tiles] */
};

static atomic_uint_fast64_t plan_ids = 1;

static fl_direct_plan *plan_padded(const geom_t *g) {
  const int64_t per_row = (g->OW + 15) / 16, nv = g->OH * per_row, tiles = (nv + 1) / 2;
  fl_direct_plan *plan = calloc(1, sizeof *plan);
  if (plan == NULL) return NULL;
  plan->g = g;
  plan->tiles = tiles;
  plan->kk = g->kh * g->kw;
  plan->padded = 1;
  plan->id = atomic_fetch_add(&plan_ids, 1);
  plan->Wp = g->W + 2 * g->pw;
  plan->plane = (g->H + 2 * g->ph) * plan->Wp;
  plan->koff = malloc((size_t)g->K * sizeof(int64_t));
  plan->vin = calloc((size_t)(2 * tiles), sizeof(int64_t));
  plan->vout = calloc((size_t)(2 * tiles), sizeof(int64_t));
  plan->vmask = calloc((size_t)(2 * tiles), sizeof(__mmask16));
  if (plan->koff == NULL || plan->vin == NULL || plan->vout == NULL || plan->vmask == NULL) {
    fl_direct_plan_free(plan);
    return NULL;
  }
  for (int64_t k = 0; k < g->K; k++) {
    const int64_t c = k / plan->kk, i = (k / g->kw) % g->kh, j = k % g->kw;
    plan->koff[k] = c * plan->plane + i * g->dh * plan->Wp + j * g->dw;
  }
  for (int64_t v = 0; v < nv; v++) {
    const int64_t oy = v / per_row, ox = (v % per_row) * 16, n = g->OW - ox < 16 ? g->OW - ox : 16;
    plan->vin[v] = oy * g->sh * plan->Wp + ox;
    plan->vout[v] = oy * g->OW + ox;
    plan->vmask[v] = n >= 16 ? 0xffff : (__mmask16)((1u << n) - 1);
  }
  return plan;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

fl_direct_plan *fl_direct_plan_avx512(const geom_t *g) {
  if (g->OW >= 16) return plan_padded(g);
  const int64_t tiles = (g->P + 31) / 32, kk = g->kh * g->kw;
  int64_t segs = 1;
  for (int64_t v = 0; v < 2 * tiles; v++) {
    int64_t n = 0;
    for (int64_t p = 16 * v; p < min64(16 * v + 16, g->P); p += g->OW - p % g->OW) n++;
    if (n > segs) segs = n;
  }
  fl_direct_plan *plan = calloc(1, sizeof *plan);
  seg_t *tab = calloc((size_t)(tiles * 2 * kk * segs), sizeof(seg_t));
  if (plan == NULL || tab == NULL) {
    free(plan);
    free(tab);
    return NULL;
  }
  *plan = (fl_direct_plan){.g = g, .tiles = tiles, .kk = kk, .segs = segs, .tab = tab};
  for (int64_t v = 0; v < 2 * tiles; v++) {
    for (int64_t i = 0; i < g->kh; i++) {
      for (int64_t j = 0; j < g->kw; j++) {
        seg_t *s = tab + (v * kk + i * g->kw + j) * segs;
        for (int64_t p = 16 * v; p < min64(16 * v + 16, g->P); s++) {
          const int64_t oy = p / g->OW, ox = p % g->OW, l0 = p - 16 * v;
          const int64_t l1 = min64(l0 + g->OW - ox, min64(16, g->P - 16 * v));
          const int64_t iy = oy * g->sh - g->ph + i * g->dh, shift = j * g->dw - g->pw - l0 + ox;
          s->off = iy * g->W + shift;
          unsigned mask = 0;
          for (int64_t l = l0; l < l1; l++) {
            const int64_t ix = shift + l;
            if (iy >= 0 && iy < g->H && ix >= 0 && ix < g->W) mask |= 1u << l;
          }
          s->mask = (__mmask16)mask;
          p += l1 - l0;
        }
      }
    }
  }
  return plan;
}

void fl_direct_plan_free(fl_direct_plan *plan) {
  if (plan) {
    free(plan->tab);
    free(plan->koff);
    free(plan->vin);
    free(plan->vout);
    free(plan->vmask);
  }
  free(plan);
}

/* This thread's padded copy of an image-group, and which (plan, image) it holds. */
static __thread float *pad_buf;
static __thread size_t pad_cap;
static __thread uint64_t pad_plan;
static __thread const float *pad_src;

static const float *padded_copy(const fl_direct_plan *plan, const float *x) {
  const geom_t *g = plan->g;
  if (pad_plan == plan->id && pad_src == x) return pad_buf;
  /* One more padded row of slack: the last masked vector's base lies inside the buffer. */
  const size_t n = (size_t)(g->C * plan->plane + plan->Wp + 16);
  float *buf = fl_scratch(&pad_buf, &pad_cap, n);
  memset(buf, 0, n * sizeof(float));
  for (int64_t c = 0; c < g->C; c++) {
    for (int64_t y = 0; y < g->H; y++) {
      memcpy(buf + c * plan->plane + (y + g->ph) * plan->Wp + g->pw, x + (c * g->H + y) * g->W, (size_t)g->W * sizeof(float));
    }
  }
  pad_plan = plan->id;
  pad_src = x;
  return buf;
}

/* The forward over padded rows: as fl_direct_forward_avx512 below, each input vector one load. */
static void forward_padded(const fl_direct_plan *plan, const float *x, const float *wp, int rows, float *y) {
  const geom_t *g = plan->g;
  const float *xp = padded_copy(plan, x);
  const int64_t P = g->P;
  for (int64_t t = 0; t < plan->tiles; t++) {
    __m512 c0[8], c1[8];
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++) c0[r] = c1[r] = _mm512_setzero_ps();
    const __mmask16 m0 = plan->vmask[2 * t], m1 = plan->vmask[2 * t + 1];
    const float *x0 = xp + plan->vin[2 * t], *x1 = xp + plan->vin[2 * t + 1];
    const float *w = wp;
    for (int64_t k = 0; k < g->K; k++, w += 8) {
      const int64_t o = plan->koff[k];
      const __m512 b0 = _mm512_maskz_loadu_ps(m0, x0 + o), b1 = _mm512_maskz_loadu_ps(m1, x1 + o);
#pragma GCC unroll 8
      for (int r = 0; r < 8; r++) {
        const __m512 a = _mm512_set1_ps(w[r]);
        c0[r] = _mm512_fmadd_ps(a, b0, c0[r]);
        c1[r] = _mm512_fmadd_ps(a, b1, c1[r]);
      }
    }
    float *y0 = y + plan->vout[2 * t], *y1 = y + plan->vout[2 * t + 1];
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++) {
      if (r < rows) {
        _mm512_mask_storeu_ps(y0 + r * P, m0, c0[r]);
        _mm512_mask_storeu_ps(y1 + r * P, m1, c1[r]);
      }
    }
  }
}

/*
 * y[o, p] for 8 channels (rows of wp: [C][kk][8], zero past `rows`) over every pixel tile of one
 * image-group x; y's rows P apart.
 */
void fl_direct_forward_avx512(const fl_direct_plan *plan, const float *x, const float *wp, int rows, float *y) {
  if (plan->padded) {
    forward_padded(plan, x, wp, rows, y);
    return;
  }
  const geom_t *g = plan->g;
  const int64_t kk = plan->kk, segs = plan->segs, P = g->P;
  for (int64_t t = 0; t < plan->tiles; t++) {
    __m512 c0[8], c1[8];
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++) c0[r] = c1[r] = _mm512_setzero_ps();
    const seg_t *t0 = plan->tab + (2 * t) * kk * segs, *t1 = t0 + kk * segs;
    const float *w = wp;
    for (int64_t c = 0; c < g->C; c++) {
      const float *xc = x + c * g->HW;
      for (int64_t k = 0; k < kk; k++, w += 8) {
        const seg_t *s0 = t0 + k * segs, *s1 = t1 + k * segs;
        __m512 b0 = _mm512_maskz_loadu_ps(s0[0].mask, xc + s0[0].off);
        __m512 b1 = _mm512_maskz_loadu_ps(s1[0].mask, xc + s1[0].off);
        for (int64_t s = 1; s < segs; s++) {
          b0 = _mm512_mask_loadu_ps(b0, s0[s].mask, xc + s0[s].off);
          b1 = _mm512_mask_loadu_ps(b1, s1[s].mask, xc + s1[s].off);
        }
#pragma GCC unroll 8
        for (int r = 0; r < 8; r++) {
          const __m512 a = _mm512_set1_ps(w[r]);
          c0[r] = _mm512_fmadd_ps(a, b0, c0[r]);
          c1[r] = _mm512_fmadd_ps(a, b1, c1[r]);
        }
      }
    }
    const int64_t p0 = 32 * t, n = min64(32, P - p0);
    const __mmask16 m0 = n >= 16 ? 0xffff : (__mmask16)((1u << n) - 1);
    const __mmask16 m1 = n >= 32 ? 0xffff : n <= 16 ? 0 : (__mmask16)((1u << (n - 16)) - 1);
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++) {
      if (r < rows) {
        _mm512_mask_storeu_ps(y + r * P + p0, m0, c0[r]);
        _mm512_mask_storeu_ps(y + r * P + p0 + 16, m1, c1[r]);
      }
    }
  }
}

/* The weight gradient's register tile: WO output channels × WK unfolded rows. */
#define WO FL_WGRAD_CHANNELS
#define WK FL_WGRAD_ROWS

/*
 * dw for items [begin, end) of one thread, an item being WO output channels × WK unfolded rows
 * (k = (c, i, j)) of one group. Each image is first copied into a zero-padded buffer, so every
 * input vector of an output row is one load (masked only past the row's end). For each image in
 * order, each output row and 16-pixel vector in order, the accumulators add dy·x lane-wise; each
 * entry is then its accumulator's lanes summed. Which thread holds an item changes no sum.
 */
static void weight_grad_items(const geom_t *g, const float *dy, const float *x, int64_t begin, int64_t end,
                              int64_t oblocks, int64_t kblocks, float *dw) {
  const int64_t Hp = g->H + 2 * g->ph, Wp = g->W + 2 * g->pw, plane = Hp * Wp, kk = g->kh * g->kw, P = g->P, OW = g->OW;
  typedef struct {
    const float *dy[WO]; /* relative to the image's dy, or the zero row */
    int dyzero[WO];
    int64_t x[WK];       /* into the padded image; rows past K read the zero plane after it */
  } item_t;
  const int64_t items = end - begin;
  __m512 *acc = aligned_alloc(64, (size_t)items * WO * WK * sizeof(__m512));
  item_t *desc = malloc((size_t)items * sizeof(item_t));
  /* The padded image, then one zero plane (for rows past K), then slack for the last masked vector. */
  float *xpad = calloc((size_t)((g->Cin + 1) * plane + 16), sizeof(float));
  float *zero = calloc((size_t)(P + 16), sizeof(float));
  if (acc == NULL || desc == NULL || xpad == NULL || zero == NULL) abort();
  for (int64_t q = 0; q < items * WO * WK; q++) acc[q] = _mm512_setzero_ps();
  for (int64_t it = begin; it < end; it++) {
    const int64_t kb = it % kblocks, ob = (it / kblocks) % oblocks, gi = it / (kblocks * oblocks);
    item_t *d = desc + (it - begin);
    for (int r = 0; r < WO; r++) {
      const int64_t o = ob * WO + r;
      d->dyzero[r] = o >= g->Cog;
      d->dy[r] = o < g->Cog ? dy + (gi * g->Cog + o) * P : zero;
    }
    for (int q = 0; q < WK; q++) {
      const int64_t k = kb * WK + q, c = k / kk, i = (k / g->kw) % g->kh, j = k % g->kw;
      d->x[q] = k < g->K ? (gi * g->C + c) * plane + i * g->dh * Wp + j * g->dw : g->Cin * plane;
    }
  }
  const __mmask16 tail = OW % 16 == 0 ? 0xffff : (__mmask16)((1u << (OW % 16)) - 1);
  for (int64_t n = 0; n < g->N; n++) {
    const float *xn = x + n * g->Cin * g->HW;
    for (int64_t c = 0; c < g->Cin; c++) {
      for (int64_t y = 0; y < g->H; y++) memcpy(xpad + c * plane + (y + g->ph) * Wp + g->pw, xn + (c * g->H + y) * g->W, (size_t)g->W * sizeof(float));
    }
    for (int64_t it = begin; it < end; it++) {
      const item_t *d = desc + (it - begin);
      const float *dyr[WO], *xq[WK];
      for (int r = 0; r < WO; r++) dyr[r] = d->dyzero[r] ? d->dy[r] : d->dy[r] + n * g->Cout * P;
      for (int q = 0; q < WK; q++) xq[q] = xpad + d->x[q];
      __m512 a[WO][WK];
      __m512 *mine = acc + (it - begin) * WO * WK;
#pragma GCC unroll 8
      for (int r = 0; r < WO; r++) {
#pragma GCC unroll 8
        for (int q = 0; q < WK; q++) a[r][q] = mine[r * WK + q];
      }
      for (int64_t oy = 0; oy < g->OH; oy++) {
        const int64_t yrow = oy * OW, xrow = oy * g->sh * Wp;
        for (int64_t ox = 0; ox < OW; ox += 16) {
          const __mmask16 m = ox + 16 <= OW ? 0xffff : tail;
          __m512 dv[WO], xv[WK];
#pragma GCC unroll 8
          for (int r = 0; r < WO; r++) dv[r] = _mm512_maskz_loadu_ps(m, dyr[r] + yrow + ox);
#pragma GCC unroll 8
          for (int q = 0; q < WK; q++) xv[q] = _mm512_maskz_loadu_ps(m, xq[q] + xrow + ox);
#pragma GCC unroll 8
          for (int r = 0; r < WO; r++) {
#pragma GCC unroll 8
            for (int q = 0; q < WK; q++) a[r][q] = _mm512_fmadd_ps(dv[r], xv[q], a[r][q]);
          }
        }
      }
#pragma GCC unroll 8
      for (int r = 0; r < WO; r++) {
#pragma GCC unroll 8
        for (int q = 0; q < WK; q++) mine[r * WK + q] = a[r][q];
      }
    }
  }
  for (int64_t it = begin; it < end; it++) {
    const int64_t kb = it % kblocks, ob = (it / kblocks) % oblocks, gi = it / (kblocks * oblocks);
    for (int r = 0; r < WO; r++) {
      for (int q = 0; q < WK; q++) {
        const int64_t o = ob * WO + r, k = kb * WK + q;
        if (o < g->Cog && k < g->K) dw[(gi * g->Cog + o) * g->K + k] = _mm512_reduce_add_ps(acc[(it - begin) * WO * WK + r * WK + q]);
      }
    }
  }
  free(acc);
  free(desc);
  free(xpad);
  free(zero);
}

/* Items whose accumulators one pass over the images keeps (3 MiB); more take several passes. */
#define WGRAD_ITEMS 2048

void fl_direct_weight_grad_avx512(const geom_t *g, const float *dy, const float *x, int64_t begin, int64_t end,
                                  int64_t oblocks, int64_t kblocks, float *dw) {
  for (int64_t b = begin; b < end; b += WGRAD_ITEMS) weight_grad_items(g, dy, x, b, b + WGRAD_ITEMS < end ? b + WGRAD_ITEMS : end, oblocks, kblocks, dw);
}
