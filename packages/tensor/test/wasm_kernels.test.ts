import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, dispatch, setCpuKernels, tensor } from '../src/index.js';
import { adamStep, sgdStep } from '../src/cpu/optim.js';
import { setWasmKernels, wasmKernels } from '../src/cpu/wasm_kernels.js';
// @ts-expect-error: plain ESM build script without type declarations
import { KERNELS_OUTPUT, buildKernelsModule } from '../wasm/build.mjs';

/**
 * The staged SIMD kernels (src/cpu/wasm_kernels.ts) against the plain-TS kernels they replace,
 * bit for bit, and against float64 arithmetic: the plain-TS kernels are what the PyTorch fixture
 * suites check, so equal bits carry those checks over.
 */

/** Deterministic float32 values in [-2, 2) with NaN, ±0 and ±∞ sprinkled in (an LCG). */
function values(n: number, seed: number, specials = true): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 30 - 2;
  }
  if (specials && n > 40) [NaN, 0, -0, Infinity, -Infinity].forEach((v, k) => (out[7 * k + 3] = v));
  return out;
}

const t = (a: Float32Array, shape: number[]) => tensor(a, { dtype: 'float32' }).reshape(shape);
const bits = (x: Tensor) => new Uint32Array(new Float32Array(x.dataSync() as Float32Array).buffer);

/** Runs `fn` with the SIMD kernels and with the plain-TS reference; returns both results. */
function both(fn: () => Tensor): [Tensor, Tensor] {
  setWasmKernels(true);
  const fast = fn();
  setWasmKernels(false);
  const ref = fn();
  setWasmKernels(true);
  return [fast, ref];
}

function expectSameBits(fn: () => Tensor): void {
  const [fast, ref] = both(fn);
  expect(fast.shape).toEqual(ref.shape);
  const a = bits(fast), b = bits(ref);
  for (let i = 0; i < a.length; i++) {
    // NaN payloads are not specified by either path; every NaN is a NaN.
    if (Number.isNaN(fast.dataSync()[i]) && Number.isNaN(ref.dataSync()[i])) continue;
    if (a[i] !== b[i]) throw new Error(`element ${i}: ${fast.dataSync()[i]} vs reference ${ref.dataSync()[i]}`);
  }
}

/** An optimizer step run by both paths leaves the same bits in every tensor it writes. */
function expectSameState(run: () => Tensor[]): void {
  setWasmKernels(true);
  const fast = run();
  setWasmKernels(false);
  const ref = run();
  setWasmKernels(true);
  fast.forEach((f, i) => expect(bits(f)).toEqual(bits(ref[i])));
}

afterEach(() => setWasmKernels(true));

describe('WebAssembly SIMD kernels', () => {
  // The native accelerator, when present, comes first: these tests are about the WebAssembly ones.
  beforeAll(() => setCpuKernels('simd'));
  afterAll(() => setCpuKernels(null));
  it('the committed binary matches a fresh build of wasm/kernels.ts', async () => {
    expect(readFileSync(KERNELS_OUTPUT, 'utf8')).toBe(await buildKernelsModule());
  });

  it('this engine runs them (Node 20 has SIMD128)', () => {
    expect(wasmKernels()).not.toBeNull();
  });

  // Lengths around the 4-lane tail and the 4096-element staging chunk.
  const sizes = [64, 67, 4095, 4096, 4097, 9001];

  it.each(['add', 'sub', 'mul', 'div'] as const)('%s: dense, scalar, reversed scalar, bias rows, in place', (op) => {
    for (const n of sizes) {
      const a = t(values(n, 1), [n]), b = t(values(n, 2), [n]);
      expectSameBits(() => a[op](b));
      expectSameBits(() => a[op](0.3));
      expectSameBits(() => tensor(0.7)[op](a));
      expectSameBits(() => a.clone()[`${op}_` as 'add_'](b));
    }
    const x = t(values(64 * 130, 3), [64, 130]), bias = t(values(130, 4), [130]), col = t(values(64, 5), [64, 1]);
    expectSameBits(() => x[op](bias));
    expectSameBits(() => x[op](col));
    // Against float64 arithmetic rounded once.
    const f64 = { add: (p: number, q: number) => p + q, sub: (p: number, q: number) => p - q, mul: (p: number, q: number) => p * q, div: (p: number, q: number) => p / q }[op];
    const got = x[op](bias).dataSync(), xs = x.dataSync(), bs = bias.dataSync();
    for (let i = 0; i < got.length; i++) expect(Object.is(got[i], Math.fround(f64(xs[i], bs[i % 130])))).toBe(true);
  });

  it.each(['neg', 'abs', 'relu', 'sqrt', 'square'] as const)('%s', (op) => {
    for (const n of sizes) {
      const a = t(values(n, 6), [n]);
      expectSameBits(() => a[op]());
    }
    expect([...t(new Float32Array([-0, NaN, -1, 2, 0, -3, 4, -5]), [8]).relu().dataSync()]).toEqual([0, NaN, 0, 2, 0, 0, 4, 0]);
  });

  it('sum over the last dims, leading dims and a middle block keeps the reference order', () => {
    for (const [shape, dims] of [[[1000, 1000], [1]], [[3, 10000], [1]], [[7, 9001], [1]], [[64, 10], [1]], [[1000, 1000], [0]],
      [[64, 128], [0]], [[5, 6, 4100], [0, 1]], [[4, 33, 70], [1]], [[2, 3, 5, 9], [1, 2]]] as [number[], number[]][]) {
      const x = t(values(shape.reduce((p, q) => p * q, 1), 7, false), shape);
      expectSameBits(() => x.sum(dims));
    }
    // Float64 accumulation: a sum of float32 values exact to float32 rounding.
    const x = t(values(3 * 5000, 8, false), [3, 5000]);
    const xs = x.dataSync(), got = x.sum(1).dataSync();
    for (let r = 0; r < 3; r++) {
      let s = 0;
      for (let j = 0; j < 5000; j++) s += xs[r * 5000 + j];
      expect(Math.abs(got[r] - s)).toBeLessThanOrEqual(Math.abs(s) * 2 ** -23 + 1e-6);
    }
  });

  it.each([
    ['Adam', { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 3 }, false],
    ['Adam, L2 decay, maximize', { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false, maximize: true, step: 1 }, false],
    ['AdamW, amsgrad', { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, maximize: false, step: 7 }, true],
  ] as const)('fused %s step', (_, attrs, amsgrad) => {
    for (const n of [67, 4096 + 5]) {
      const run = () => {
        const ts = [values(n, 10, false), values(n, 11, false), values(n, 12, false), values(n, 13, false).map(Math.abs), values(n, 14, false).map(Math.abs)]
          .slice(0, amsgrad ? 5 : 4).map((a) => t(a, [n]));
        adamStep(ts, attrs, () => { throw new Error('fallback'); });
        return ts.filter((_, i) => i !== 1);
      };
      expectSameState(run);
    }
  });

  it.each([
    ['plain', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, first: false }, false],
    ['momentum, first step', { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false, maximize: false, first: true }, true],
    ['nesterov, maximize', { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true, maximize: true, first: false }, true],
  ] as const)('fused SGD step, %s', (_, attrs, buf) => {
    for (const n of [67, 4096 + 5]) {
      const run = () => {
        const ts = [values(n, 20, false), values(n, 21, false), values(n, 22, false)].slice(0, buf ? 3 : 2).map((a) => t(a, [n]));
        sgdStep(ts, attrs, () => { throw new Error('fallback'); });
        return ts.filter((_, i) => i !== 1);
      };
      expectSameState(run);
    }
  });

  it('max pool 2×2 stride 2: values and positions, NaN and −∞ windows, odd sizes, planes larger than a chunk', () => {
    const attrs = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false };
    for (const shape of [[2, 3, 32, 32], [1, 2, 7, 14], [1, 1, 5, 9], [1, 1, 80, 100], [3, 1, 2, 18]]) {
      const n = shape.reduce((p, q) => p * q, 1);
      const data = values(n, 30);
      // A window of −∞ (its first position is reported) and one with two NaNs (the last wins).
      data.fill(-Infinity, 0, 2);
      data.fill(-Infinity, shape[3], shape[3] + 2);
      data[4] = NaN;
      data[shape[3] + 5] = NaN;
      const x = t(data, shape);
      const [fast, ref] = [true, false].map((on) => {
        setWasmKernels(on);
        return dispatch('maxPool2d', [x], attrs) as Tensor[];
      });
      setWasmKernels(true);
      expect([...fast[0].dataSync()].map(String)).toEqual([...ref[0].dataSync()].map(String));
      expect([...fast[1].dataSync()]).toEqual([...ref[1].dataSync()]);
      expect(fast[1].dataSync()[0]).toBe(0);
      expect(fast[1].dataSync()[2]).toBe(shape[3] + 5);
    }
  });

  it('dense copies of transposed matrices (ragged edges included)', () => {
    for (const [r, c] of [[784, 128], [130, 67], [33, 35]]) {
      const x = t(values(r * c, 40), [r, c]);
      expectSameBits(() => x.t().contiguous());
      const got = x.t().contiguous().dataSync(), xs = x.dataSync();
      for (let i = 0; i < c; i++) for (let j = 0; j < r; j++) if (got[i * r + j] !== xs[j * c + i] && !Number.isNaN(xs[j * c + i])) throw new Error(`${i},${j}`);
    }
  });
});
