import * as torch from '@flambeau/tensor';
import { RuntimeError } from '@flambeau/tensor';
import { describe, expect, it } from 'vitest';
import { gpu, skipReason } from './helpers.js';

const suite = gpu ? describe : describe.skip;

/** What the webgpu kernels refuse or check instead of computing garbage (PyTorch's messages). */
suite(`webgpu value checks${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const on = (data: number[][][][] | number[], dtype?: torch.DType) => torch.tensor(data, dtype ? { dtype } : {}).to('webgpu');

  it('refuses integer convolution, naming the dtype', () => {
    const x = on([[[[1, 2], [3, 4]]]], 'int64');
    expect(() => torch.dispatch1('conv2d', [x, x], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 })).toThrow(RuntimeError);
    expect(() => torch.dispatch1('conv2d', [x, x], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 })).toThrow(`"conv2d" not implemented for 'Long' on webgpu`);
  });

  it('multinomial raises the CPU kernel messages for bad weights at the next read', async () => {
    const cases: [number[], boolean, string][] = [
      [[1, NaN], false, 'probability tensor contains either `inf`, `nan` or element < 0'],
      [[1, -2], true, 'invalid multinomial distribution (encountering probability entry < 0)'],
      [[1, Infinity], true, 'invalid multinomial distribution (encountering probability entry = infinity or NaN)'],
      [[0, 0], true, 'invalid multinomial distribution (sum of probabilities <= 0)'],
      [[0, 0], false, 'invalid multinomial distribution (sum of probabilities <= 0)'],
    ];
    for (const [w, replacement, message] of cases) {
      const draw = torch.multinomial(on(w, 'float32'), 1, { replacement });
      await expect(draw.dataAsync()).rejects.toThrow(message);
    }
    // Good weights raise nothing, and a failed check does not linger.
    expect((await torch.multinomial(on([0, 1], 'float32'), 1).dataAsync())[0]).toBe(1);
  });

  it('maxPool2d keeps the last NaN of a window, as PyTorch does', async () => {
    const [v, i] = torch.dispatch('maxPool2d', [on([[[[NaN, 1], [NaN, 2]]]], 'float32')], { kernelSize: 2 }) as torch.Tensor[];
    expect(Number.isNaN((await v.dataAsync())[0])).toBe(true);
    expect(Array.from(await i.dataAsync())).toEqual([2]);
  });
});
