import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

// torch.max / torch.min overloads as PyTorch resolves them:
// torch.max(t) → tensor(5); torch.max(t, 1) → values [3, 5], indices [1, 2]; torch.max(t, u) elementwise.
describe('torch.max / torch.min overloads', () => {
  const t = torch.tensor([[1, 3, 2], [4, 0, 5]]);
  const u = torch.tensor([[2, 2, 2], [2, 2, 2]]);
  it('reduces everything, reduces a dim with indices, or compares elementwise', () => {
    expect(torch.max(t).tolistSync()).toBe(5);
    const { values, indices } = torch.max(t, 1);
    expect(values.tolistSync()).toEqual([3, 5]);
    expect(indices.tolistSync()).toEqual([1, 2]);
    expect(torch.max(t, 0, { keepdim: true }).values.shape).toEqual([1, 3]);
    expect(torch.max(t, u).tolistSync()).toEqual([[2, 3, 2], [4, 2, 5]]);
    expect(torch.min(t).tolistSync()).toBe(0);
    expect(torch.min(t, 1).indices.tolistSync()).toEqual([0, 1]);
    expect(torch.min(t, u).tolistSync()).toEqual([[1, 2, 2], [2, 0, 2]]);
  });
});
