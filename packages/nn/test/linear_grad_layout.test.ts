import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import { functional as F } from '@flambeau/nn';

const values = (t: Tensor | null) => Array.from(t!.dataSync() as ArrayLike<number>);

// F.linear multiplies by the transposed weight: its gradient is computed in the weight's own
// layout (PyTorch's mm_mat2_backward), so `.grad` needs no transposing copy.
describe('F.linear gradients', () => {
  it('come out in the weight\'s row-major layout, dW[i, j] = Σₖ x[k, j], the bias summed over the batch', () => {
    const x = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' });
    const w = torch.tensor([[1, 1], [0, 2], [-1, 3]], { dtype: 'float32', requiresGrad: true });
    const b = torch.tensor([0, 0, 0], { dtype: 'float32', requiresGrad: true });
    F.linear(x, w, b).sum().backward();
    expect(w.grad!.isContiguous()).toBe(true);
    expect(values(w.grad)).toEqual([9, 12, 9, 12, 9, 12]);
    expect(values(b.grad)).toEqual([3, 3, 3]);
  });
});
