/*
 * The AVX-512 direct forward convolution (unit column stride): an 8-channel × 32-pixel tile of
 * the output in 16 accumulators, its input vectors loaded straight from the image by masked
 * loads (the padding is masked off), so nothing is unfolded or packed but the weights, once per
 * call. Each output entry is one chain of fused multiply-adds over (c, i, j) in order.
 */
#include "conv.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

/* Lanes of one input vector that come from one output row: a mask and where lane 0 would load. */
typedef struct {
  int64_t off;
  __mmask16 mask;
} seg_t;

struct fl_direct_plan {
  const geom_t *g;
  int64_t tiles, kk, segs; /* pixel tiles, kh·kw, segments per vector */
  seg_t *tab;              /* [tiles][2][kk][segs] */
};

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

fl_direct_plan *fl_direct_plan_avx512(const geom_t *g) {
  const int64_t tiles = (g->P + 31) / 32, kk = g->kh * g->kw;
  int64_t segs = 1;
  for (int64_t v = 0; v < 2 * tiles; v++) {
    int64_t n = 0;
    for (int64_t p = 16 * v; p < min64(16 * v + 16, g->P); p += g->OW - p % g->OW) n++;
    if (n > segs) segs = n;
  }
  fl_direct_plan *plan = malloc(sizeof *plan);
  seg_t *tab = calloc((size_t)(tiles * 2 * kk * segs), sizeof(seg_t));
  if (plan == NULL || tab == NULL) {
    free(plan);
    free(tab);
    return NULL;
  }
  *plan = (fl_direct_plan){g, tiles, kk, segs, tab};
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
  if (plan) free(plan->tab);
  free(plan);
}

/*
 * y[o, p] for 8 channels (rows of wp: [C][kk][8], zero past `rows`) over every pixel tile of one
 * image-group x; y's rows P apart.
 */
void fl_direct_forward_avx512(const fl_direct_plan *plan, const float *x, const float *wp, int rows, float *y) {
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
void fl_direct_weight_grad_avx512(const geom_t *g, const float *dy, const float *x, int64_t begin, int64_t end,
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
