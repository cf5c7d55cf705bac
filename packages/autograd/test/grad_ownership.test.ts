import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import '@flambeau/autograd';

// The engine hands a gradient it made to a leaf's `.grad` without a copy when nothing else holds
// it, and computes the gradient of a transposed matmul operand in that operand's layout. Neither
// may let two holders share memory: these check that in-place updates of one `.grad` reach
// nothing else.
const values = (t: Tensor | null) => Array.from(t!.dataSync() as ArrayLike<number>);

describe('leaf gradients own their memory', () => {
  it('two leaves fed the same gradient tensor (add) get separate .grad storage', () => {
    const a = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    const b = torch.tensor([4, 5, 6], { dtype: 'float32', requiresGrad: true });
    a.add(b).sum().backward();
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
    a.grad!.add_(10);
    expect(values(b.grad)).toEqual([1, 1, 1]);
    expect(values(a.grad)).toEqual([11, 11, 11]);
  });

  it('a gradient a hook kept is not the .grad that later updates write into', () => {
    const a = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    let seen: Tensor | null = null;
    a.registerHook((g) => { seen = g; });
    a.mul(3).sum().backward();
    a.grad!.mul_(2);
    expect(values(seen)).toEqual([3, 3]);
    expect(values(a.grad)).toEqual([6, 6]);
  });

  it('a gradient summed from two paths becomes the leaf\'s own, apart from the forward\'s tensors', () => {
    const w = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
    const y = w.mul(2);
    // y.add(y) hands one gradient tensor to both of its inputs: the engine sums the two first.
    y.add(y).sum().backward();
    expect(values(w.grad)).toEqual([4, 4, 4, 4]);
    w.grad!.zero_();
    expect(values(y)).toEqual([2, 4, 6, 8]);
  });
});

describe('the gradient of a transposed matmul operand', () => {
  it('comes out in the weight\'s own (row-major) layout with each entry Σₖ x[k, j]', () => {
    // loss = Σ x·Wᵀ, so dloss/dW[i, j] = Σₖ x[k, j] for every row i.
    const x = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 10], [0.5, 0.25, 2]], { dtype: 'float32' });
    const w = torch.tensor([[1, 0, -1], [2, 1, 0]], { dtype: 'float32', requiresGrad: true });
    x.matmul(w.t()).sum().backward();
    expect(w.grad!.isContiguous()).toBe(true);
    // It reaches w through the transpose as a view, but `.grad` is never a view (PyTorch's grad._base is None).
    expect(w.grad!._base).toBeNull();
    expect(values(w.grad)).toEqual([12.5, 15.25, 21, 12.5, 15.25, 21]);
  });
});
