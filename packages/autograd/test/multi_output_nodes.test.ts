import { describe, expect, it } from 'vitest';
import { randn, stack, tensor } from '@flambeau/tensor';
import { gradcheck } from '../src/index.js';

// The nodes PyTorch 1.13 names StackBackward0, SplitBackward0, UnbindBackward0 and IndexBackward0
// (names checked in packages/nn/test/gradfn_names.test.ts), checked against finite differences.
describe('stack, split, unbind and advanced indexing differentiate as one node each', () => {
  const x = () => randn([4, 3], { dtype: 'float64', requiresGrad: true });
  it('stack', () => {
    expect(gradcheck((a, b) => stack([a, b], 1).mul(tensor([1, 2], { dtype: 'float64' }).reshape([1, 2, 1])), [x(), x()])).toBe(true);
  });
  it('split (some pieces unused) and chunk', () => {
    expect(gradcheck((a) => a.split([1, 3])[1].mul(2), [x()])).toBe(true);
    expect(gradcheck((a) => a.chunk(2, 1)[0].exp(), [x()])).toBe(true);
  });
  it('unbind', () => {
    expect(gradcheck((a) => a.unbind(1)[2].mul(a.unbind(1)[0]), [x()])).toBe(true);
  });
  it('advanced indexing with repeated indices accumulates', () => {
    const idx = tensor([0, 2, 0, 3]);
    expect(gradcheck((a) => a.index(idx).square(), [x()])).toBe(true);
    expect(gradcheck((a) => a.index(null, tensor([2, 2, 1])).mul(3), [x()])).toBe(true);
    expect(gradcheck((a) => a.index(a.gt(0).detach()).exp(), [x()])).toBe(true);
  });
});
