import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from '../src/index.js';

/**
 * The CPU's true in-place route: `x.add_(y)`, `x.relu_()` … write into `x` through the backend's
 * `binaryInto`/`unaryInto` (no fresh result, no copy) when `x` is dense, the dtype matches and
 * no autograd history is involved, and fall back to op + copy otherwise. Values must equal the
 * out-of-place results exactly in every case.
 */
const cpu = torch.cpu;
const opts = { device: 'cpu' } as const;
const bits = (t: torch.Tensor) => Array.from(t.contiguous().dataSync());

function routes(fn: () => void): { into: number; fresh: number } {
  const into = vi.spyOn(cpu, 'binaryInto' as never);
  const intoU = vi.spyOn(cpu, 'unaryInto' as never);
  const fresh = vi.spyOn(cpu, 'binary');
  const freshU = vi.spyOn(cpu, 'unary');
  fn();
  return { into: into.mock.calls.length + intoU.mock.calls.length, fresh: fresh.mock.calls.length + freshU.mock.calls.length };
}
afterEach(() => vi.restoreAllMocks());

describe('true in-place elementwise kernels on the CPU', () => {
  const binaryCases: [string, (x: torch.Tensor, y: torch.Tensor) => torch.Tensor, (x: torch.Tensor, y: torch.Tensor) => torch.Tensor][] = [
    ['add_', (x, y) => x.add_(y), (x, y) => x.add(y)],
    ['add_ alpha', (x, y) => x.add_(y, { alpha: -0.3 }), (x, y) => x.add(y, { alpha: -0.3 })],
    ['sub_ scalar', (x) => x.sub_(1.7), (x) => x.sub(1.7)],
    ['mul_ broadcast row', (x, y) => x.mul_(y.narrow(0, 0, 1)), (x, y) => x.mul(y.narrow(0, 0, 1))],
    ['div_', (x, y) => x.div_(y), (x, y) => x.div(y)],
    ['div_ floor', (x, y) => x.div_(y, { roundingMode: 'floor' }), (x, y) => x.div(y, { roundingMode: 'floor' })],
    ['pow_ scalar', (x) => x.pow_(2), (x) => x.pow(2)],
    ['add_ itself', (x) => x.add_(x), (x) => x.add(x)],
    ['sub_ itself with alpha', (x) => x.sub_(x, { alpha: 2 }), (x) => x.sub(x, { alpha: 2 })],
  ];
  for (const [name, inplace, reference] of binaryCases) {
    it(`${name} writes into x and equals the out-of-place op`, () => {
      torch.manualSeed(3);
      const x = torch.randn([6, 7], opts);
      const y = torch.randn([6, 7], opts).add(3);
      const want = bits(reference(x.clone(), y));
      const storage = x.storage;
      const version = x._version.value;
      let out!: torch.Tensor;
      const r = routes(() => (out = inplace(x, y)));
      expect(bits(x)).toEqual(want);
      expect(x.storage).toBe(storage);
      expect(x._version.value).toBeGreaterThan(version);
      expect(r.into).toBeGreaterThanOrEqual(1);
      // An alpha other than 1 scales the other operand first, out of place.
      expect(r.fresh).toBe(name.includes('alpha') ? 1 : 0);
      expect(out).toBe(x);
    });
  }

  for (const op of ['neg_', 'abs_', 'exp_', 'log_', 'sqrt_', 'sigmoid_', 'tanh_', 'relu_', 'floor_', 'round_', 'reciprocal_'] as const) {
    it(`${op} writes into x and equals the out-of-place op`, () => {
      torch.manualSeed(4);
      const x = torch.rand([5, 8], opts).mul(4).sub(1);
      const name = op.slice(0, -1) as 'neg';
      const want = bits(x[name]());
      const r = routes(() => x[op]());
      expect(bits(x)).toEqual(want);
      expect(r).toEqual({ into: 1, fresh: 0 });
    });
  }

  it('a dense view with an offset is written in place, the rest of the base untouched', () => {
    const base = torch.arange(12, { dtype: 'float32', ...opts }).reshape(3, 4);
    const row = base.narrow(0, 1, 1);
    const r = routes(() => row.mul_(10));
    expect(base.tolistSync()).toEqual([[0, 1, 2, 3], [40, 50, 60, 70], [8, 9, 10, 11]]);
    expect(r).toEqual({ into: 1, fresh: 0 });
  });

  it('falls back to op + copy when x is strided, overlaps the other operand, or changes dtype', () => {
    const t = torch.arange(12, { dtype: 'float32', ...opts }).reshape(3, 4);
    const xt = t.t();
    expect(routes(() => xt.add_(1)).into).toBe(0);
    expect(t.tolistSync()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);

    const m = torch.arange(4, { dtype: 'float32', ...opts }).reshape(2, 2);
    expect(routes(() => m.add_(m.t())).into).toBe(0);
    expect(m.tolistSync()).toEqual([[0, 3], [3, 6]]);

    const w = torch.arange(6, { dtype: 'float32', ...opts });
    expect(routes(() => w.narrow(0, 1, 5).add_(w.narrow(0, 0, 5))).into).toBe(0);
    expect(w.tolistSync()).toEqual([0, 1, 3, 5, 7, 9]);

    const f = torch.tensor([1, 2, 3], { dtype: 'float32', ...opts });
    expect(routes(() => f.add_(torch.tensor([0.5, 0.5, 0.5], { dtype: 'float64', ...opts }))).into).toBe(0);
    expect(f.dtype).toBe('float32');
    expect(f.tolistSync()).toEqual([1.5, 2.5, 3.5]);

    const i = torch.tensor([1, 2, 3], opts);
    expect(() => i.div_(2)).toThrow("result type Float can't be cast to the desired output type Long");
    expect(() => i.sqrt_()).toThrow("result type Float can't be cast to the desired output type Long");
  });

  it('x that would broadcast to the result is still refused', () => {
    const x = torch.zeros([3], opts);
    expect(() => x.add_(torch.ones([2, 3], opts))).toThrow("output with shape [3] doesn't match the broadcast shape [2, 3]");
    expect(x.tolistSync()).toEqual([0, 0, 0]);
  });
});
