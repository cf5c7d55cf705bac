import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Pool2dAttrs, type Tensor, cpu, getNumThreads, setCpuKernels, setNumThreads, setWasmKernels, tensor,
} from '@flambeau/tensor';

/**
 * The addon's elementwise, reduction, pooling and optimizer kernels (src/elementwise.c, reduce.c,
 * pool2d.c, optim.c) against the CPU backend's TypeScript reference kernels — which the PyTorch
 * fixture suites check — bit for bit where the order of operations is the reference's, within
 * float64-accumulation rounding where it is not; and bit for bit across 1, 2 and 3 threads with
 * every kernel split however small.
 */
const native = createRequire(import.meta.url)('../index.cjs') as { setParallelGrain(n: number): void; getParallelGrain(): number };

type Run = 'reference' | 1 | 2 | 3;
const RUNS: Run[] = ['reference', 1, 2, 3];
const grain = native.getParallelGrain();
const threads = getNumThreads();

afterAll(() => {
  setCpuKernels(null);
  setWasmKernels(true);
  setNumThreads(threads);
  native.setParallelGrain(grain);
});

/** Runs `fn` with the plain-TS reference kernels, or the native ones on n threads, each split at 1 element. */
function under<T>(run: Run, fn: () => T): T {
  if (run === 'reference') {
    setCpuKernels('reference');
    setWasmKernels(false);
  } else {
    setCpuKernels('native');
    setWasmKernels(true);
    setNumThreads(run);
    native.setParallelGrain(1);
  }
  try {
    return fn();
  } finally {
    setCpuKernels(null);
    setWasmKernels(true);
    setNumThreads(threads);
    native.setParallelGrain(grain);
  }
}

/** Deterministic values in [-2, 2) with NaN, ±0 and ±∞ sprinkled in (an LCG). */
function values(n: number, seed: number, specials = true): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(s / 2 ** 30 - 2));
  }
  if (specials && n > 40) [NaN, 0, -0, Infinity, -Infinity].forEach((v, k) => (out[7 * k + 3] = v));
  return out;
}

const DTYPES = ['float32', 'float64'] as const;
type Dt = (typeof DTYPES)[number];
const make = (n: number, seed: number, dtype: Dt, specials = true) => tensor(values(n, seed, specials), { dtype });

/** Equal element for element, -0 apart from +0, every NaN equal to every NaN. */
function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(got[i]) && Number.isNaN(want[i])) continue;
    if (!Object.is(got[i], want[i])) throw new Error(`${what}, element ${i}: ${got[i]} vs ${want[i]}`);
  }
}

/** The result of `fn` under every run: the native ones equal the reference's bits. */
function expectAllSame(what: string, fn: () => ArrayLike<number>): void {
  const [ref, ...rest] = RUNS.map((r) => Array.from(under(r, fn)));
  rest.forEach((got, k) => sameBits(got, ref, `${what} (native, ${RUNS[k + 1]} threads)`));
}

/** Native runs agree with each other bit for bit, and with the reference within `rel` of each value's magnitude. */
function expectClose(what: string, fn: () => ArrayLike<number>, scale: ArrayLike<number>, rel: number): void {
  const [ref, one, ...rest] = RUNS.map((r) => Array.from(under(r, fn)));
  rest.forEach((got, k) => sameBits(got, one, `${what} (${k + 2} threads against 1)`));
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(ref[i]) && Number.isNaN(one[i])) continue;
    if (!(Math.abs(one[i] - ref[i]) <= rel * scale[i])) throw new Error(`${what}, element ${i}: ${one[i]} vs reference ${ref[i]}`);
  }
}

const data = (x: Tensor) => x.dataSync() as Float32Array | Float64Array;

describe('native elementwise kernels', () => {
  const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;

  it.each(DTYPES)('binary ops, %s: dense, scalar, reversed, bias rows and columns, conv bias, strided, offset, in place, empty', (dtype) => {
    for (const op of BINARY) {
      for (const n of [64, 67, 8191, 8193, 20001]) {
        const a = make(n, 1, dtype), b = make(n, 2, dtype);
        expectAllSame(`${op} ${n}`, () => data(a[op](b)));
        expectAllSame(`${op} ${n} scalar`, () => data(a[op](tensor(0.3, { dtype }))));
        expectAllSame(`${op} ${n} reversed`, () => data(tensor(-0, { dtype })[op](a)));
        // Unaligned: a view starting one element in.
        expectAllSame(`${op} ${n} offset`, () => data(a.narrow(0, 1, n - 1)[op](b.narrow(0, 0, n - 1))));
      }
      const x = make(64 * 130, 3, dtype).reshape([64, 130]);
      expectAllSame(`${op} bias row`, () => data(x[op](make(130, 4, dtype))));
      expectAllSame(`${op} column`, () => data(x[op](make(64, 5, dtype).reshape([64, 1]))));
      expectAllSame(`${op} transposed`, () => data(x.t()[op](make(130 * 64, 6, dtype).reshape([130, 64]))));
      const img = make(4 * 3 * 5 * 7, 7, dtype).reshape([4, 3, 5, 7]);
      expectAllSame(`${op} conv bias`, () => data(img[op](make(3, 8, dtype).reshape([1, 3, 1, 1]))));
      expectAllSame(`${op} empty`, () => data(make(0, 9, dtype).reshape([0, 5])[op](make(5, 9, dtype))));
    }
    const n = 1001;
    expectAllSame('add_ in place', () => {
      const x = make(n, 10, dtype);
      x.add_(make(n, 11, dtype));
      x.mul_(0.5);
      return data(x);
    });
  });

  it('maximum and minimum propagate NaN and take the second of equal zeros (PyTorch 1.13: maximum(-0, 0) is 0, maximum(0, -0) is -0)', () => {
    const a = tensor([NaN, 1, -0, 0, 2, -Infinity, ...values(80, 1)], { dtype: 'float32' });
    const b = tensor([1, NaN, 0, -0, 2, NaN, ...values(80, 2)], { dtype: 'float32' });
    expectAllSame('maximum', () => data(a.maximum(b)));
    expectAllSame('minimum', () => data(a.minimum(b)));
    const got = under(2, () => Array.from(data(a.maximum(b)))).slice(0, 4);
    expect(got.map((v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v)))).toEqual(['NaN', 'NaN', '0', '-0']);
  });

  it.each(DTYPES)('unary ops and copies, %s: dense, strided, offset', (dtype) => {
    for (const op of ['neg', 'abs', 'relu', 'sqrt', 'square'] as const) {
      for (const n of [65, 67, 20001]) {
        const a = make(n, 12, dtype);
        expectAllSame(`${op} ${n}`, () => data(a[op]()));
        expectAllSame(`${op} ${n} offset`, () => data(a.narrow(0, 1, n - 1)[op]()));
      }
      const x = make(40 * 70, 13, dtype).reshape([40, 70]);
      expectAllSame(`${op} transposed`, () => data(x.t()[op]()));
      if (op !== 'square') {
        expectAllSame(`${op}_ in place`, () => {
          const y = x.clone();
          y[`${op}_` as 'relu_']();
          return data(y);
        });
      }
    }
    const x = make(40 * 70, 14, dtype).reshape([40, 70]);
    expectAllSame('contiguous of a transpose', () => data(x.t().contiguous()));
    expectAllSame('contiguous of a strided slice', () => data(x.narrow(1, 3, 50).contiguous()));
    expectAllSame('copy_ into a transposed destination', () => {
      const z = tensor(values(70 * 40, 15), { dtype }).reshape([70, 40]);
      z.t().copy_(x);
      return data(z);
    });
  });

  it.each(DTYPES)('comparisons and where, %s: dense, scalar, broadcast, strided, NaN and signed zeros', (dtype) => {
    const n = 1003;
    const a = make(n, 16, dtype), b = make(n, 17, dtype);
    // Equal values and zeros of both signs in both.
    const bs = Array.from(data(b));
    for (let i = 0; i < n; i += 5) bs[i] = data(a)[i];
    const b2 = tensor(bs, { dtype });
    for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      expectAllSame(`${op}`, () => a[op](b2).dataSync() as Uint8Array);
      expectAllSame(`${op} scalar`, () => a[op](0).dataSync() as Uint8Array);
      expectAllSame(`${op} NaN scalar`, () => a[op](NaN).dataSync() as Uint8Array);
      expectAllSame(`${op} transposed`, () => a.narrow(0, 0, 1000).reshape([40, 25]).t()[op](b2.narrow(0, 0, 1000).reshape([25, 40])).dataSync() as Uint8Array);
    }
    const mask = a.gt(0);
    expectAllSame('where dense', () => data(a.where(mask, b2)));
    expectAllSame('where scalar branch', () => data(a.where(mask, 0)));
    const m2 = make(40, 18, dtype).gt(0).reshape([1, 40]);
    expectAllSame('where broadcast mask', () => data(a.narrow(0, 0, 1000).reshape([25, 40]).where(m2, b2.narrow(0, 0, 1000).reshape([25, 40]))));
  });

  it('relu keeps NaN and turns -0 into +0', () => {
    const x = tensor([-0, NaN, -1, 2, 0, -3, 4, -5, ...values(80, 3)], { dtype: 'float32' });
    const got = under(2, () => Array.from(data(x.relu())));
    expect(got.slice(0, 8)).toEqual([0, NaN, 0, 2, 0, 0, 4, 0]);
    expect(Object.is(got[0], 0)).toBe(true);
  });
});

describe('native reductions', () => {
  it.each(DTYPES)('sum, amax, amin over trailing dims and leading blocks keep the reference order, %s', (dtype) => {
    const cases: [number[], number[]][] = [[[1000, 1000], [1]], [[1000, 1000], [0]], [[3, 10000], [1]], [[7, 9001], [1]], [[64, 10], [1]],
      [[64, 128], [0]], [[5, 6, 410], [0, 1]], [[4, 33, 70], [1]], [[2, 3, 5, 9], [1, 2]], [[3, 0, 4], [1]], [[6, 7], [0, 1]]];
    for (const [shape, dims] of cases) {
      const x = make(shape.reduce((p, q) => p * q, 1), 20, dtype, false).reshape(shape);
      expectAllSame(`sum ${shape} over ${dims}`, () => data(x.sum(dims)));
      expectAllSame(`mean ${shape} over ${dims}`, () => data(x.mean(dims)));
      if (!shape.includes(0)) {
        expectAllSame(`amax ${shape} over ${dims}`, () => data(x.amax(dims)));
        expectAllSame(`amin ${shape} over ${dims}`, () => data(x.amin(dims)));
      }
    }
    // NaN wins; the first of equal zeros stays.
    const s = make(50 * 9, 21, dtype).reshape([50, 9]);
    for (const d of [0, 1]) {
      expectAllSame(`amax with NaN over ${d}`, () => data(s.amax(d)));
      expectAllSame(`amin with NaN over ${d}`, () => data(s.amin(d)));
      expectAllSame(`sum with NaN and ∞ over ${d}`, () => data(s.sum(d)));
    }
    // PyTorch 1.13: amax of [-0, 0, …] is -0, of [0, -0, …] is 0 (the first of equal zeros).
    const zeros = tensor([Array.from({ length: 40 }, (_, i) => (i % 2 ? 0 : -0)), Array.from({ length: 40 }, (_, i) => (i % 2 ? -0 : 0))], { dtype });
    expectAllSame('amax of signed zeros', () => data(zeros.amax(1)));
    expectAllSame('amin of signed zeros', () => data(zeros.amin(1)));
    expect(under(2, () => Array.from(data(zeros.amax(1)))).map((v) => Object.is(v, -0))).toEqual([true, false]);
  });

  it('sums over a layout with kept dims between reduced ones follow the documented order (running sum j mod 4, tail into sum 0)', () => {
    for (const shape of [[4, 3, 8, 8], [4, 3, 5, 6], [3, 2, 1, 7]]) {
      const [N, C, H, W] = shape;
      const x = make(N * C * H * W, 23, 'float64', false).reshape(shape);
      const xs = Array.from(data(x));
      const want = Array.from({ length: C }, (_, c) => {
        const run: number[] = [];
        for (let n = 0; n < N; n++) for (let k = 0; k < H * W; k++) run.push(xs[(n * C + c) * H * W + k]);
        const a = [0, 0, 0, 0];
        const q = run.length - (run.length % 4);
        run.forEach((v, e) => (a[e < q ? e % 4 : 0] += v));
        return (a[0] + a[1]) + (a[2] + a[3]);
      });
      for (const run of [1, 2, 3] as const) sameBits(under(run, () => Array.from(data(x.sum([0, 2, 3])))), want, `sum ${shape} over 0, 2, 3 (${run} threads)`);
    }
  });

  it.each(DTYPES)('sums of other layouts and of long rows: deterministic, float64-accurate, %s', (dtype) => {
    const cases: [number[], number[], (x: Tensor) => Tensor][] = [
      [[4, 3, 5, 6], [0, 2, 3], (x) => x], // a conv bias gradient
      [[40, 70], [0], (x) => x.t()], // a transposed input
      [[6, 5, 7], [0, 2], (x) => x.permute([2, 0, 1])],
      [[100001], [0], (x) => x], // one long run, cut into blocks
      [[3, 70001], [1], (x) => x],
    ];
    for (const [shape, dims, view] of cases) {
      const x = view(make(shape.reduce((p, q) => p * q, 1), 22, dtype, false).reshape(shape));
      const abs = under('reference', () => Array.from(data(x.abs().sum(dims))));
      const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -50;
      expectClose(`sum ${shape} over ${dims}`, () => data(x.sum(dims)), abs, eps);
      expectAllSame(`amax ${shape} over ${dims}`, () => data(x.amax(dims)));
    }
  });
});

/** PyTorch's pooling output size (with ceilMode, the last window must start inside the input or the left padding). */
function outSize(shape: readonly number[], a: Pool2dAttrs): number[] {
  return [0, 1].map((k) => {
    const size = shape[2 + k], s = a.stride[k], p = a.padding[k];
    let out = Math.floor((size + 2 * p - a.dilation[k] * (a.kernelSize[k] - 1) - 1 + (a.ceilMode ? s - 1 : 0)) / s) + 1;
    if (a.ceilMode && (out - 1) * s >= size + p) out--;
    return out;
  });
}

describe('native pooling', () => {
  const attrs = (k: number, s: number, p: number, d = 1, ceil = false): Pool2dAttrs =>
    ({ kernelSize: [k, k], stride: [s, s], padding: [p, p], dilation: [d, d], ceilMode: ceil });
  const GEOMS = [attrs(2, 2, 0), attrs(3, 2, 1), attrs(3, 1, 1, 2), attrs(2, 2, 0, 1, true), attrs(5, 3, 2)];

  it.each(DTYPES)('max pool forward and backward: values, positions, NaN and −∞ windows, padding, dilation, %s', (dtype) => {
    for (const a of GEOMS) {
      const x = make(3 * 2 * 9 * 11, 30, dtype).reshape([3, 2, 9, 11]);
      // A window of −∞ only: its first in-bounds tap is reported.
      const xs = Array.from(data(x));
      xs.fill(-Infinity, 0, 30);
      const xi = tensor(xs, { dtype }).reshape([3, 2, 9, 11]);
      const [vals, idx] = under('reference', () => cpu.maxPool2d(xi, a));
      for (const run of [1, 2, 3] as const) {
        const [v, i] = under(run, () => cpu.maxPool2d(xi, a));
        sameBits((v as { data: Float32Array }).data, (vals as { data: Float32Array }).data, `values ${a.kernelSize} (${run} threads)`);
        sameBits((i as { data: Float64Array }).data, (idx as { data: Float64Array }).data, `positions ${a.kernelSize} (${run} threads)`);
      }
      const shape = [3, 2, ...outSize(xi.shape, a)];
      const gy = make(shape.reduce((p, q) => p * q, 1), 31, dtype, false).reshape(shape);
      const view = { storage: idx, dtype: 'int64' as const, shape, strides: [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1], offset: 0 };
      expectAllSame(`max pool backward ${a.kernelSize}`, () => (cpu.maxPool2dBackward(gy, view, xi.shape) as unknown as { data: Float32Array }).data);
    }
  });

  it.each(DTYPES)('average pool forward and backward: padding, countIncludePad, divisorOverride, %s', (dtype) => {
    const x = make(2 * 3 * 10 * 7, 32, dtype, false).reshape([2, 3, 10, 7]);
    for (const base of [attrs(2, 2, 0), attrs(3, 2, 1), attrs(3, 1, 1, 1, true)]) {
      for (const extra of [{}, { countIncludePad: false }, { divisorOverride: 5 }]) {
        const a = { ...base, ...extra };
        expectAllSame(`avg pool ${a.kernelSize} ${JSON.stringify(extra)}`, () => (cpu.avgPool2d(x, a) as unknown as { data: Float32Array }).data);
        const shape = [2, 3, ...outSize(x.shape, a)];
        const gy = make(shape.reduce((p, q) => p * q, 1), 33, dtype, false).reshape(shape);
        expectAllSame(`avg pool backward ${a.kernelSize} ${JSON.stringify(extra)}`,
          () => (cpu.avgPool2dBackward(gy, x.shape, a) as unknown as { data: Float32Array }).data);
      }
    }
  });
});

describe('native optimizer steps', () => {
  /** Fresh state tensors from seeds; the step writes inputs 0 and 2…. */
  const state = (n: number, count: number, dtype: Dt, seed: number) =>
    Array.from({ length: count }, (_, k) => (k >= 2 ? make(n, seed + k, dtype, false).abs() : make(n, seed + k, dtype, false)));

  function expectSameStep(op: string, count: number, attrs: Record<string, unknown>): void {
    for (const dtype of DTYPES) {
      for (const n of [67, 20001]) {
        expectAllSame(`${op} ${JSON.stringify(attrs)} ${dtype} ${n}`, () => {
          const ts = state(n, count, dtype, 40);
          cpu.kernels![op](ts, attrs, () => { throw new Error(`${op} fell back`); });
          return ts.filter((_, i) => i !== 1).flatMap((t) => Array.from(data(t)));
        });
      }
    }
  }

  it.each([
    [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 3 }, 4],
    [{ lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false, maximize: true, step: 1 }, 4],
    [{ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, maximize: false, step: 7 }, 5],
  ] as const)('Adam %#', (attrs, count) => expectSameStep('adamStep_', count, attrs));

  it.each([
    [{ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, first: false }, 2],
    [{ lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false, maximize: false, first: true }, 3],
    [{ lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true, maximize: true, first: false }, 3],
  ] as const)('SGD %#', (attrs, count) => expectSameStep('sgdStep_', count, attrs));

  it.each([
    [{ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, 3],
    [{ lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.1, momentum: 0.9, centered: false, maximize: true }, 4],
    [{ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.5, centered: true, maximize: false }, 5],
  ] as const)('RMSprop %#', (attrs, count) => expectSameStep('rmspropStep_', count, attrs));
});
