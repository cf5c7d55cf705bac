import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Storage, RuntimeError, cpu, keep, ones, tensor, tidy } from '@flambeau/tensor';

describe('dispose and tidy', () => {
  const freed: Storage[] = [];
  const original = cpu.dispose;
  beforeEach(() => {
    freed.length = 0;
    (cpu as { dispose: (s: Storage) => void }).dispose = (s) => void freed.push(s);
  });
  afterEach(() => {
    (cpu as { dispose: (s: Storage) => void }).dispose = original;
  });

  it('frees storage with the last tensor viewing it', () => {
    const x = ones(2, 3);
    const v = x.view(6);
    x.dispose();
    expect(freed).toEqual([]);
    v.dispose();
    expect(freed).toEqual([x.storage]);
    v.dispose();
    expect(freed.length).toBe(1);
  });

  it('refuses to compute with a disposed tensor', () => {
    const x = tensor([1, 2, 3]);
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(() => x.add(1)).toThrow(RuntimeError);
    expect(() => x.add(1)).toThrow('was used after dispose()');
  });

  it('tidy frees intermediates, keeps what is returned, nested scopes hand results up', () => {
    const x = tensor([1, -2, 3], { dtype: 'float32' });
    let inner: ReturnType<typeof tensor> | null = null;
    let kept: ReturnType<typeof tensor> | null = null;
    const { y, z } = tidy(() => {
      const a = x.mul(2);
      inner = tidy(() => a.add(1).relu());
      kept = keep(a.neg());
      return { y: inner.sum(), z: [inner] };
    });
    expect(y.itemSync()).toBe(10); // relu([3, -3, 7])
    expect(z[0]).toBe(inner);
    expect(inner!.isDisposed).toBe(false);
    expect(kept!.isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false);
    // a = x*2, a+1 and the scalar operands died with the scopes.
    expect(freed.length).toBeGreaterThanOrEqual(2);
    expect(freed).not.toContain(y.storage);
    expect(freed).not.toContain(inner!.storage);
  });

  it('tidy refuses async functions', () => {
    expect(() => tidy(async () => ones(1))).toThrow('async');
  });
});
