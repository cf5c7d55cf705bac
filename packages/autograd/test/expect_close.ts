import { expect } from 'vitest';
import type { Tensor } from '@flambeau/tensor';

/** Nested fixture arrays flattened to numbers in row-major order. */
export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [Number(x)];
}

/** Element-wise comparison with PyTorch's values at 1e-4 absolute + 1e-4 relative. */
export function expectClose(actual: Tensor, expected: unknown, what: string): void {
  const a = Array.from(actual.dataSync() as ArrayLike<number>);
  const e = flat(expected);
  expect(a.length, what).toBe(e.length);
  a.forEach((v, k) => {
    if (Math.abs(v - e[k]) > 1e-4 + 1e-4 * Math.abs(e[k])) {
      throw new Error(`${what}[${k}]: got ${v}, PyTorch ${e[k]}\n got ${a.join(', ')}\nwant ${e.join(', ')}`);
    }
  });
}
