import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';

/**
 * In-place methods write straight into their tensor when nothing involves autograd (see
 * packages/tensor/src/ops/write_into.ts); these pin the autograd behaviour around that route.
 */
describe('true in-place writes and autograd', () => {
  it('a tensor saved for backward and then written in place is still caught by its version', () => {
    const a = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    const b = torch.tensor([4, 5, 6], { dtype: 'float32' });
    const c = a.mul(b);
    b.mul_(2);
    expect(b.tolistSync()).toEqual([8, 10, 12]);
    expect(() => c.sum().backward()).toThrow(/modified by an inplace operation: \[torch.FloatTensor \[3\]\] is at version 1; expected version 0/);
  });

  it('in-place ops on tensors with history still record it', () => {
    const x = torch.tensor([-1, 2, -3, 4], { dtype: 'float32', requiresGrad: true });
    const y = x.mul(3);
    y.relu_().mul_(2);
    y.sum().backward();
    expect(x.grad!.tolistSync()).toEqual([0, 6, 0, 6]);
    expect(y.gradFn).not.toBeNull();
  });

  it('leaves that require grad are still refused, and written under noGrad', () => {
    const p = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    expect(() => p.add_(1)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    noGrad(() => p.add_(1));
    expect(p.tolistSync()).toEqual([2, 3]);
  });
});
