/* Convolution geometry, and the direct kernels of conv_avx512.c that conv.c calls. */
#ifndef FLAMBEAU_CONV_H
#define FLAMBEAU_CONV_H

#include "gemm.h"

typedef struct {
  int64_t N, Cin, H, W, Cout, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw, G;
  int64_t C, Cog, K, P, HW; /* per group: input channels, output channels, unfolded rows; pixels */
} geom_t;

/* Where each input vector of each output tile loads from, per kernel offset (built once per call). */
typedef struct fl_direct_plan fl_direct_plan;

/* NULL when memory is out. Only for unit column stride (g->sw == 1). */
fl_direct_plan *fl_direct_plan_avx512(const geom_t *g);
void fl_direct_plan_free(fl_direct_plan *plan);
/* Output rows [0, rows) (≤ 8) of one image-group; wp holds 8 channels' weights as [C][kh·kw][8]. */
void fl_direct_forward_avx512(const fl_direct_plan *plan, const float *x, const float *wp, int rows, float *y);

/*
 * dw [Cout, C, kh, kw] entries of items [begin, end), items (group, block of FL_WGRAD_CHANNELS
 * output channels, block of FL_WGRAD_ROWS unfolded rows). Unit column stride only.
 */
#define FL_WGRAD_CHANNELS 8
#define FL_WGRAD_ROWS 3
void fl_direct_weight_grad_avx512(const geom_t *g, const float *dy, const float *x, int64_t begin, int64_t end,
                                  int64_t oblocks, int64_t kblocks, float *dw);

#endif
