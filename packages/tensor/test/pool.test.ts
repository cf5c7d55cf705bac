import { describe, expect, it } from 'vitest';
import { type DType, type Tensor, arange, dispatch, dispatch1, fromArray, tensor } from '@flambeau/tensor';
import { type Flat, T, expectClose, loadConvOps } from './conv_ops_fixtures.js';

interface PoolCase {
  name: string; dtype: DType; attrs: Record<string, unknown>;
  x: Flat; out: Flat; indices?: Flat; gradOut: Flat; dx: Flat;
}
const fx = loadConvOps<{ maxPool2d: PoolCase[]; avgPool2d: PoolCase[] }>();

/** PyTorch's snake_case keyword arguments as op attrs. */
function poolAttrs(a: Record<string, unknown>) {
  return {
    kernelSize: a.kernel_size, stride: a.stride ?? null, padding: a.padding ?? 0, dilation: a.dilation ?? 1,
    ceilMode: a.ceil_mode ?? false, countIncludePad: a.count_include_pad ?? true, divisorOverride: a.divisor_override ?? null,
  };
}

describe('maxPool2d matches PyTorch', () => {
  for (const c of fx.maxPool2d) {
    it(c.name, () => {
      const tol = c.dtype === 'float32' ? 1e-6 : 1e-14;
      const attrs = poolAttrs(c.attrs);
      const [v, i] = dispatch('maxPool2d', [T(c.x, c.dtype)], attrs) as Tensor[];
      expectClose(v, c.out, tol);
      expect(i.dtype).toBe('int64');
      expect(Array.from(i.dataSync())).toEqual(c.indices!.data);
      expectClose(dispatch1('maxPool2dBackward', [T(c.gradOut, c.dtype), i], { inputShape: c.x.shape }), c.dx, tol);
    });
  }
  it('propagates NaN with its index', () => {
    const [v, i] = dispatch('maxPool2d', [tensor([[[[NaN, 1], [NaN, 2]]]])], { kernelSize: 2 }) as Tensor[];
    expect(Number.isNaN(v.dataSync()[0])).toBe(true);
    expect(i.tolistSync()).toEqual([[[[2]]]]);
  });
});

describe('avgPool2d matches PyTorch', () => {
  for (const c of fx.avgPool2d) {
    it(c.name, () => {
      const tol = c.dtype === 'float32' ? 1e-6 : 1e-14;
      const attrs = poolAttrs(c.attrs);
      expectClose(dispatch1('avgPool2d', [T(c.x, c.dtype)], attrs), c.out, tol);
      expectClose(dispatch1('avgPool2dBackward', [T(c.gradOut, c.dtype)], { ...attrs, inputShape: c.x.shape }), c.dx, tol);
    });
  }
});

describe('seed examples', () => {
  const x = tensor([[[[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [2, 1, 0, 1, 1], [2, 1, 0, 1, 1]]]], { dtype: 'float32' });
  it('MaxPool2d(3), with and without ceil mode', () => {
    const mp = (ceilMode: boolean) => (dispatch('maxPool2d', [x], { kernelSize: 3, ceilMode }) as Tensor[])[0].tolistSync();
    expect(mp(false)).toEqual([[[[2]]]]);
    expect(mp(true)).toEqual([[[[2, 3], [2, 1]]]]);
  });
  it('avgPool2d on the 1×2×4×4 ramp', () => {
    const ramp = arange(0, 8, { dtype: 'float32' }).reshape(1, 2, 4, 1).expand(1, 2, 4, 4);
    const a = dispatch1('avgPool2d', [ramp], { kernelSize: 2, stride: 1, padding: 1 });
    expect(a.shape).toEqual([1, 2, 5, 5]);
    const rows = a.tolistSync() as number[][][][];
    expect(rows[0][0][1]).toEqual([0.25, 0.5, 0.5, 0.5, 0.25]);
    const whole = dispatch1('avgPool2d', [ramp], { kernelSize: 4 });
    expect(whole.tolistSync()).toEqual([[[[1.5]], [[5.5]]]]);
  });
});

describe('pool errors like PyTorch 1.13', () => {
  const z = (...s: number[]) => fromArray(new Float32Array(s.reduce((p, q) => p * q, 1)), s);
  it('padding over half the kernel', () => {
    expect(() => dispatch('maxPool2d', [z(1, 1, 5, 5)], { kernelSize: 3, padding: 2 })).toThrow('pad should be at most half of kernel size, but got pad=2 and kernel_size=3');
    expect(() => dispatch('avgPool2d', [z(1, 1, 5, 5)], { kernelSize: 3, padding: 2 })).toThrow('pad should be at most half of kernel size');
  });
  it('output too small', () => {
    expect(() => dispatch('maxPool2d', [z(1, 1, 2, 2)], { kernelSize: 3 })).toThrow('Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small');
  });
  it('rank, stride, dilation, dtype, divisor', () => {
    expect(() => dispatch('maxPool2d', [z(5, 5)], { kernelSize: 3 })).toThrow('non-empty 3D or 4D (batch mode) tensor expected for input');
    expect(() => dispatch('maxPool2d', [z(1, 1, 5, 5)], { kernelSize: 2, stride: 0 })).toThrow('stride should not be zero');
    expect(() => dispatch('maxPool2d', [z(1, 1, 5, 5)], { kernelSize: 2, dilation: 0 })).toThrow('dilation should be greater than zero, but got dilationH: 0 dilationW: 0');
    expect(() => dispatch('maxPool2d', [z(1, 1, 5, 5).long()], { kernelSize: 2 })).toThrow(`"max_pool2d" not implemented for 'Long'`);
    expect(() => dispatch('avgPool2d', [z(1, 1, 5, 5)], { kernelSize: 2, divisorOverride: 0 })).toThrow('divisor must be not zero');
  });
});
