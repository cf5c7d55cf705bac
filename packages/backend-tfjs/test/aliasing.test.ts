/**
 * tfjs-cpu's TensorScatterUpdate writes into its input's buffer, which Reshape and contiguous
 * Slice results share: writes into one storage must never show through another.
 */
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { torch } from 'flambeau';
import { useTfjs } from '../src/index.js';

await useTfjs('cpu');

describe('storages on tfjs-cpu do not alias', () => {
  it('writing into part of a clone leaves the source unchanged', () => {
    const a = torch.tensor([1, 2, 3, 4], { dtype: 'float32' }).to('tfjs');
    const b = a.clone();
    b.narrow(0, 1, 2).fill_(9);
    expect(Array.from(a.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(b.dataSync())).toEqual([1, 9, 9, 4]);
  });

  it('writing into part of a contiguous slice copy leaves the source unchanged', () => {
    const a = torch.arange(6, { dtype: 'float32' }).to('tfjs');
    const b = a.narrow(0, 2, 3).contiguous().clone();
    b.narrow(0, 0, 1).fill_(-1);
    expect(Array.from(a.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(b.dataSync())).toEqual([-1, 3, 4]);
  });

  it('scatter leaves its input unchanged', () => {
    const x = torch.zeros(2, 3).to('tfjs');
    const y = x.scatter(1, torch.tensor([[2], [0]]).to('tfjs'), torch.ones(2, 1).to('tfjs'));
    expect(Array.from(x.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
  });
});
