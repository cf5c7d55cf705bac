import { describe, expect, it } from 'vitest';
import { DTypeError, IndexError, RuntimeError, ones, rand, randn, tensor, zeros } from '@flambeau/tensor';

// Messages as PyTorch prints them (torch 1.13 on this machine for the allocator; the parser's
// "tuple of ints" wording is PyTorch 2's, where 1.13 said "tuple of SymInts").
describe('size and dim checks', () => {
  it('size(dim) and stride(dim) of a 0-d tensor are IndexErrors', () => {
    expect(() => tensor(3).size(0)).toThrow(new IndexError('Dimension specified as 0 but tensor has no dimensions'));
    expect(() => tensor(3).stride(-1)).toThrow(new IndexError('Dimension specified as -1 but tensor has no dimensions'));
    expect(tensor(3).size()).toEqual([]);
    expect(zeros(2, 5).size(-1)).toBe(5);
    expect(() => zeros(2, 5).size(2)).toThrow(new IndexError('Dimension out of range (expected to be in range of [-2, 1], but got 2)'));
  });

  it('non-integer sizes are a TypeError, before the negative-size check', () => {
    expect(() => zeros(2.5)).toThrow(new DTypeError("zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0"));
    expect(() => ones([2, 2.5])).toThrow(new DTypeError("ones(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 1"));
    expect(() => rand(1, NaN)).toThrow(/^rand\(\): argument 'size' .* found element of type float at pos 1$/);
    expect(() => randn(Infinity)).toThrow(DTypeError);
    expect(() => zeros(-1)).toThrow(new RuntimeError('Trying to create tensor with negative dimension -1: [-1]'));
  });

  it("an allocation the machine cannot hold is PyTorch's can't-allocate RuntimeError, not a RangeError", () => {
    expect(() => zeros(1e12)).toThrow(new RuntimeError("[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 4000000000000 bytes. Error code 12 (Cannot allocate memory)"));
    expect(() => zeros(1e6, 1e6, { dtype: 'float64' })).toThrow(/you tried to allocate 8000000000000 bytes/);
    expect(zeros(3).shape).toEqual([3]);
  });
});
