import { describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';

/**
 * The float32 comparison and `where` loops of src/cpu/elementwise.ts against JavaScript's own
 * IEEE comparisons (NaN compares false except `!=`, -0 equals +0), dense and against a scalar.
 */
const xs = [NaN, -0, 0, 1.5, -1.5, Infinity, -Infinity, 2, 3, 1.5];
const ys = [NaN, 0, -0, 1.5, 2, Infinity, 0, NaN, -3, 1];
const CMP = {
  eq: (p: number, q: number) => p === q, ne: (p: number, q: number) => p !== q, lt: (p: number, q: number) => p < q,
  le: (p: number, q: number) => p <= q, gt: (p: number, q: number) => p > q, ge: (p: number, q: number) => p >= q,
};

describe('CPU float32 fast paths', () => {
  it.each(Object.keys(CMP) as (keyof typeof CMP)[])('%s, dense and against a scalar', (op) => {
    const x = tensor(xs, { dtype: 'float32' }), y = tensor(ys, { dtype: 'float32' });
    expect([...x[op](y).dataSync()]).toEqual(xs.map((p, i) => +CMP[op](p, ys[i])));
    for (const s of [1.5, 0, NaN]) expect([...x[op](s).dataSync()]).toEqual(xs.map((p) => +CMP[op](p, s)));
  });

  it('where with dense and scalar branches', () => {
    const x = tensor(xs, { dtype: 'float32' }), y = tensor(ys, { dtype: 'float32' });
    const c = x.gt(0);
    const want = (f: (i: number) => number, g: (i: number) => number) => xs.map((p, i) => (p > 0 ? f(i) : g(i)));
    expect([...x.where(c, y).dataSync()]).toEqual(want((i) => xs[i], (i) => ys[i]));
    expect([...x.where(c, 7).dataSync()]).toEqual(want((i) => xs[i], () => 7));
    expect([...tensor(7, { dtype: 'float32' }).expand([10]).where(c, y).dataSync()]).toEqual(want(() => 7, (i) => ys[i]));
  });
});
