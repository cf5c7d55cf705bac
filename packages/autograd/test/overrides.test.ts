import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import { noGrad } from '../src/index.js';

// A composite op whose default is built from recorded ops, and a backend that fuses it.
torch.defineOp('composite', 'testSquarePlusOne(Tensor self) -> Tensor', ([x]) => x.mul(x).add(1));
const calls: string[] = [];
const fused = ([x]: readonly torch.Tensor[]) => {
  calls.push('fused');
  return noGrad(() => x.square().add(1));
};

describe('backend overrides of composite ops', () => {
  const cpu = torch.cpu as { kernels?: Record<string, torch.OpImpl> };
  const original = cpu.kernels;
  afterEach(() => {
    cpu.kernels = original;
    calls.length = 0;
  });

  it('run instead of the default when no gradient is recorded', () => {
    cpu.kernels = { ...original, testSquarePlusOne: fused };
    const y = torch.dispatch1('testSquarePlusOne', [torch.tensor([2, 3], { dtype: 'float32', device: 'cpu' })]);
    expect(calls).toEqual(['fused']);
    expect(y.tolistSync()).toEqual([5, 10]);
  });

  it('are bypassed for a composite without a formula while recording, so the gradient still flows', () => {
    cpu.kernels = { ...original, testSquarePlusOne: fused };
    const x = torch.tensor([2, 3], { dtype: 'float32', device: 'cpu', requiresGrad: true });
    const y = torch.dispatch1('testSquarePlusOne', [x]);
    y.sum().backward();
    expect(calls).toEqual([]);
    expect(x.grad!.tolistSync()).toEqual([4, 6]);
  });
});
