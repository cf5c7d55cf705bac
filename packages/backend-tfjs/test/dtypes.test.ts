/** tfjs holds float32, int32 and bool: how Flambeau's dtypes map onto them, and what is refused. */
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { torch } from 'flambeau';
import { DTypeError, RuntimeError } from '@flambeau/tensor';
import { useTfjs } from '../src/index.js';

await useTfjs('cpu');

describe('dtypes on the tfjs device', () => {
  it('float64 is refused with a DTypeError naming the supported dtypes', () => {
    expect(() => torch.tensor([1.5, 2], { dtype: 'float64' }).to('tfjs')).toThrow(DTypeError);
    expect(() => torch.zeros(2, { dtype: 'float64', device: 'tfjs' })).toThrow(/no float64 tensors.*float32, int32 and bool/);
    expect(() => torch.ones(2, { device: 'tfjs' }).to('float64' as never)).toThrow(DTypeError);
  });

  it('int64 round-trips through int32 storage and reads back as int64', async () => {
    const x = torch.tensor([-5, 7, 2147483647]).to('tfjs');
    expect(x.dtype).toBe('int64');
    expect(Array.from(await x.dataAsync())).toEqual([-5, 7, 2147483647]);
    const s = x.sum(); // int64 sum of int64
    expect(s.dtype).toBe('int64');
  });

  it('int64 values beyond int32 are refused at upload', () => {
    expect(() => torch.tensor([1, 2 ** 40]).to('tfjs')).toThrow(RuntimeError);
    expect(() => torch.tensor([1, 2 ** 40]).to('tfjs')).toThrow(/int64 as int32.*1099511627776.*out of range/);
    expect(() => torch.full([2], -(2 ** 33), { dtype: 'int64', device: 'tfjs' })).toThrow(/out of range/);
  });

  it("an allocation tfjs cannot make is a can't-allocate RuntimeError, not a RangeError", () => {
    expect(() => torch.zeros(1e12, { device: 'tfjs' })).toThrow(RuntimeError);
    expect(() => torch.zeros(1e12, { device: 'tfjs' })).toThrow(/can't allocate memory: you tried to allocate 4000000000000 bytes/);
  });

  it('uint8 arithmetic wraps modulo 256 as on the CPU', async () => {
    const a = torch.tensor([250, 3], { dtype: 'uint8' });
    const want = Array.from(await a.add(10).dataAsync());
    const got = a.to('tfjs').add(10);
    expect(got.dtype).toBe('uint8');
    expect(Array.from(await got.dataAsync())).toEqual(want);
    expect(want).toEqual([4, 13]);
  });

  it('bool masks and where work on int32-backed storage', async () => {
    const x = torch.tensor([-1, 2, -3, 4], { dtype: 'float32' }).to('tfjs');
    const m = x.gt(0);
    expect(m.dtype).toBe('bool');
    expect(Array.from(await torch.where(m, x, 0).dataAsync())).toEqual([0, 2, 0, 4]);
  });

  it('reads synchronously on tfjs-backend-cpu (dataSync)', () => {
    const x = torch.arange(4).to('tfjs');
    expect(Array.from(x.dataSync())).toEqual([0, 1, 2, 3]);
  });
});
