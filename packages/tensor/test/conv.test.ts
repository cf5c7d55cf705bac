import { describe, expect, it } from 'vitest';
import { type DType, type Tensor, dispatch1, fromArray, tensor } from '@flambeau/tensor';
import { type Flat, T, expectClose, loadConvOps } from './conv_ops_fixtures.js';
import { describeEachCpuConfig } from './cpu_configs.js';

interface ConvCase {
  name: string; dtype: DType; attrs: Record<string, unknown>;
  x: Flat; w: Flat; b?: Flat; out: Flat; gradOut: Flat; dx: Flat; dw: Flat;
}
const fx = loadConvOps<{ conv2d: ConvCase[] }>();

function convAttrs(a: Record<string, unknown>) {
  return { stride: a.stride ?? 1, padding: a.padding ?? 0, dilation: a.dilation ?? 1, groups: a.groups ?? 1 };
}

describeEachCpuConfig('conv2d matches PyTorch', () => {
  for (const c of fx.conv2d) {
    it(c.name, () => {
      const tol = c.dtype === 'float32' ? 1e-5 : 1e-12;
      const x = T(c.x, c.dtype), w = T(c.w, c.dtype);
      const attrs = convAttrs(c.attrs);
      const out = dispatch1('conv2d', c.b ? [x, w, T(c.b, c.dtype)] : [x, w], attrs);
      expectClose(out, c.out, tol);
      const gy = T(c.gradOut, c.dtype);
      expectClose(dispatch1('conv2dBackwardInput', [gy, w], { ...attrs, inputShape: c.x.shape }), c.dx, tol);
      expectClose(dispatch1('conv2dBackwardWeight', [gy, x], { ...attrs, weightShape: c.w.shape }), c.dw, tol);
    });
  }

  it('reads strided (non-contiguous) inputs', () => {
    const c = fx.conv2d[0];
    const x = T(c.x, c.dtype);
    const xt = x.transpose(2, 3).contiguous().transpose(2, 3);
    expect(xt.isContiguous()).toBe(false);
    expectClose(dispatch1('conv2d', [xt, T(c.w, c.dtype), T(c.b!, c.dtype)], convAttrs(c.attrs)), c.out, 1e-12);
  });
});

describe('conv2d seed example', () => {
  const x = tensor([[[[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [2, 1, 0, 1, 1], [2, 1, 0, 1, 1]]]]);
  const k = tensor([[[[1, 2, 1], [0, 1, 0], [2, 1, 0]]]]);
  const a = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };
  it('stride 1 and 2', () => {
    expect(dispatch1('conv2d', [x, k], a).tolistSync()).toEqual([[[[10, 12, 12], [11, 11, 10], [12, 6, 3]]]]);
    expect(dispatch1('conv2d', [x, k], { ...a, stride: [2, 2] }).tolistSync()).toEqual([[[[10, 12], [12, 3]]]]);
  });
});

describe('conv2d errors like PyTorch', () => {
  const z = (...s: number[]) => fromArray(new Float32Array(s.reduce((p, q) => p * q, 1)), s);
  const conv = (x: Tensor, w: Tensor, attrs: Record<string, unknown> = {}, b?: Tensor) => () => dispatch1('conv2d', b ? [x, w, b] : [x, w], attrs);
  it('rank', () => {
    expect(conv(z(64, 1024), z(32, 3, 5, 5))).toThrow('Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [64, 1024]');
  });
  it('channels', () => {
    expect(conv(z(64, 1, 32, 32), z(32, 3, 5, 5))).toThrow('Given groups=1, weight of size [32, 3, 5, 5], expected input[64, 1, 32, 32] to have 3 channels, but got 1 channels instead');
  });
  it('kernel larger than padded input', () => {
    expect(conv(z(1, 1, 2, 2), z(1, 1, 3, 3))).toThrow("Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size");
    expect(conv(z(1, 4, 5, 5), z(4, 4, 3, 3), { dilation: 3 })).toThrow('Kernel size: (7 x 7)');
  });
  it('groups', () => {
    expect(conv(z(1, 4, 5, 5), z(4, 2, 3, 3), { groups: 3 })).toThrow('Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[4, 2, 3, 3]] instead');
    expect(conv(z(1, 4, 5, 5), z(4, 2, 3, 3), { groups: 0 })).toThrow('non-positive groups is not supported');
  });
  it('stride, padding, dilation, bias, dtype', () => {
    expect(conv(z(1, 4, 5, 5), z(4, 4, 3, 3), { stride: 0 })).toThrow('non-positive stride is not supported');
    expect(conv(z(1, 4, 5, 5), z(4, 4, 3, 3), { padding: -1 })).toThrow('negative padding is not supported');
    expect(conv(z(1, 4, 5, 5), z(4, 4, 3, 3), { dilation: 0 })).toThrow('dilation should be greater than zero, but got [0, 0]');
    expect(conv(z(1, 4, 5, 5), z(4, 4, 3, 3), {}, z(3))).toThrow('Given weight of size [4, 4, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead');
    expect(conv(z(1, 4, 5, 5), z(4, 4, 3, 3).double())).toThrow('expected scalar type Float but found Double');
  });
  it('transposed channel check', () => {
    expect(() => dispatch1('conv2dBackwardInput', [z(1, 4, 5, 5), z(3, 2, 3, 3)], { inputShape: [1, 2, 7, 7] }))
      .toThrow('Given transposed=1, weight of size [3, 2, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead');
  });
});

describe('conv2d at CIFAR scale', () => {
  it('64×3×32×32 through Conv2d(3, 32, 5, padding 2), forward and both gradients', () => {
    const n = 64 * 3 * 32 * 32;
    const xd = new Float32Array(n);
    for (let i = 0; i < n; i++) xd[i] = ((i * 7919) % 255) / 255 - 0.5;
    const wd = new Float32Array(32 * 75);
    for (let i = 0; i < wd.length; i++) wd[i] = ((i * 104729) % 97) / 97 - 0.5;
    const x = fromArray(xd, [64, 3, 32, 32]);
    const w = fromArray(wd, [32, 3, 5, 5]);
    const a = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };
    const y = dispatch1('conv2d', [x, w], a);
    expect(y.shape).toEqual([64, 32, 32, 32]);
    const dx = dispatch1('conv2dBackwardInput', [y, w], { ...a, inputShape: x.shape });
    const dw = dispatch1('conv2dBackwardWeight', [y, x], { ...a, weightShape: w.shape });
    expect(dx.shape).toEqual([64, 3, 32, 32]);
    expect(dw.shape).toEqual([32, 3, 5, 5]);
    // One output pixel by hand: image 5, channel 7, position (0, 31) sees the padding on two sides.
    let s = 0;
    for (let c = 0; c < 3; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
      const iy = i - 2, ix = 31 + j - 2;
      if (iy >= 0 && iy < 32 && ix >= 0 && ix < 32) s += xd[((5 * 3 + c) * 32 + iy) * 32 + ix] * wd[((7 * 3 + c) * 5 + i) * 5 + j];
    }
    expect(y.dataSync()[((5 * 32 + 7) * 32 + 0) * 32 + 31]).toBeCloseTo(s, 4);
  });
});
