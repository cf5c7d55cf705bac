import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import { grad, gradcheck } from '@flambeau/autograd';

describe('smoke', () => {
  it('mul sum', () => {
    const w = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    const y = w.mul(w).sum();
    expect(y.gradFn?.name).toBe('SumBackward0');
    y.backward();
    expect(Array.from(w.grad!.dataSync())).toEqual([2, 4, 6]);
    const x = torch.tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a) => a.matmul(a).exp().sum(0).softmax(0), [x])).toBe(true);
    const [g] = grad(x.pow(3).sum(), [x], { createGraph: true });
    const [gg] = grad(g!.sum(), [x]);
    expect(Array.from(gg!.dataSync())).toEqual([6, 12, 18, 24]);
  });
});
