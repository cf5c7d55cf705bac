import { expect, it } from 'vitest';
import type { Conv2dAttrs } from '../src/backend.js';
import * as conv from '../src/cpu/conv.js';
import { describeEachCpuConfig } from './cpu_configs.js';
import { dataOf, denseView, make, values } from './kernel_data.js';

type ConvModule = typeof import('../src/cpu/conv.js');

/** A dense NCHW view of `data`, float32 or float64. */
const view = (data: Float64Array, shape: number[], f32: boolean) => denseView(f32 ? Float32Array.from(data) : data, shape);

interface Case { name: string; x: number[]; w: number[]; a: Conv2dAttrs }
const cases: Case[] = [
  { name: '3×3, pad 1', x: [2, 3, 7, 6], w: [4, 3, 3, 3], a: { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 } },
  { name: 'strided, dilated, grouped', x: [2, 4, 9, 8], w: [6, 2, 3, 2], a: { stride: [2, 3], padding: [2, 0], dilation: [1, 2], groups: 2 } },
  { name: 'pointwise', x: [2, 3, 5, 5], w: [2, 3, 1, 1], a: { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 } },
  { name: 'padding wider than the image', x: [1, 2, 3, 4], w: [3, 2, 5, 5], a: { stride: [2, 1], padding: [3, 4], dilation: [1, 1], groups: 1 } },
  { name: '5×5 pad 2 (the CNN layers)', x: [3, 5, 12, 12], w: [8, 5, 5, 5], a: { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 } },
];

/** Forward, input gradient and weight gradient of one case, in float32 or float64. */
function run(m: ConvModule, c: Case, f32: boolean, abs: boolean) {
  const f = (v: Float64Array) => (abs ? v.map(Math.abs) : v);
  const [N, , H, W] = c.x;
  const OH = Math.floor((H + 2 * c.a.padding[0] - c.a.dilation[0] * (c.w[2] - 1) - 1) / c.a.stride[0]) + 1;
  const OW = Math.floor((W + 2 * c.a.padding[1] - c.a.dilation[1] * (c.w[3] - 1) - 1) / c.a.stride[1]) + 1;
  const yShape = [N, c.w[0], OH, OW];
  const x = view(f(values(c.x.reduce((p, q) => p * q), 1)), c.x, f32);
  const w = view(f(values(c.w.reduce((p, q) => p * q), 2)), c.w, f32);
  const gy = view(f(values(yShape.reduce((p, q) => p * q), 3)), yShape, f32);
  return {
    out: dataOf(m.conv2dKernel(x, w, c.a, make)),
    dx: dataOf(m.conv2dBackwardInputKernel(gy, w, c.x, c.a, make)),
    dw: dataOf(m.conv2dBackwardWeightKernel(gy, x, c.w, c.a, make)),
    // Summands per entry, for the float32 rounding bound.
    terms: { out: c.w[1] * c.w[2] * c.w[3], dx: (c.w[0] / c.a.groups) * c.w[2] * c.w[3], dw: N * OH * OW },
  };
}

/** Each float32 entry within (n + 2)·eps·Σ|terms| of the float64 result (eps = 2^-24). */
function expectNear(m: ConvModule, c: Case): void {
  const got = run(m, c, true, false), want = run(m, c, false, false), mag = run(m, c, false, true);
  for (const k of ['out', 'dx', 'dw'] as const) {
    expect(got[k]).toBeInstanceOf(Float32Array);
    expect(got[k].length).toBe(want[k].length);
    for (let i = 0; i < want[k].length; i++) {
      const bound = (got.terms[k] + 2) * 2 ** -24 * mag[k][i] + 1e-30;
      if (!(Math.abs(got[k][i] - want[k][i]) <= bound)) throw new Error(`${k}[${i}]: got ${got[k][i]}, want ${want[k][i]} ± ${bound}`);
    }
  }
}

describeEachCpuConfig('float32 conv2d against float64 (im2col, gemm, col2im)', () => {
  for (const c of cases) {
    it(c.name, () => { expectNear(conv, c); });
  }
});
