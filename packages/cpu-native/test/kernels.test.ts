import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch1, fromArray } from '@flambeau/tensor';
import { values as values64 } from '../../tensor/test/kernel_data.js';

// The addon itself: each instruction set this CPU runs, each thread count, against independent
// truth (float64 products, PyTorch's convolution fixtures, the float64 TypeScript kernels).
type Geometry = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
interface Native {
  isa(): string; cpuIsa(): string; setIsa(isa: string | null): void; setNumThreads(n: number): void; getNumThreads(): number;
  gemm(M: number, N: number, K: number, A: Float32Array, aOff: number, aRs: number, aCs: number,
    B: Float32Array, bOff: number, bRs: number, bCs: number, C: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  gemmBatched(Bn: number, M: number, N: number, K: number, A: Float32Array, aOff: number, aBs: number, aRs: number, aCs: number,
    B: Float32Array, bOff: number, bBs: number, bRs: number, bCs: number, C: Float32Array, cOff: number, accumulate: boolean): void;
  conv2d(x: Float32Array, xOff: number, w: Float32Array, wOff: number, out: Float32Array, ...g: Geometry): void;
  conv2dBackwardInput(dy: Float32Array, dyOff: number, w: Float32Array, wOff: number, dx: Float32Array, ...g: Geometry): void;
  conv2dBackwardWeight(dy: Float32Array, dyOff: number, x: Float32Array, xOff: number, dw: Float32Array, ...g: Geometry): void;
}
const native = createRequire(import.meta.url)('../index.cjs') as Native;

const LEVELS = ['sse2', 'avx2', 'avx512'];
const isas = LEVELS.slice(0, LEVELS.indexOf(native.cpuIsa()) + 1);
const THREADS = [1, 2, 3];

const values = (n: number, seed: number) => values64(n, seed, Float32Array);

/** Runs `f` on every thread count; every result must be the same bits as the first's. */
function acrossThreads(f: () => Float32Array): Float32Array {
  const before = native.getNumThreads();
  try {
    native.setNumThreads(THREADS[0]);
    const first = f();
    for (const t of THREADS.slice(1)) {
      native.setNumThreads(t);
      const again = f();
      expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer)), `${t} threads`).toBe(true);
    }
    return first;
  } finally {
    native.setNumThreads(before);
  }
}

interface View { data: Float32Array; off: number; rs: number; cs: number }

/** Each entry within (K + 2)·eps·Σ|a·b| of the float64 product (plus what C held). */
function expectProduct(C: Float32Array, cOff: number, ldc: number, M: number, N: number, K: number, a: View, b: View, base?: Float32Array): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = base ? base[cOff + i * ldc + j] : 0, mag = Math.abs(s);
      for (let k = 0; k < K; k++) {
        const p = a.data[a.off + i * a.rs + k * a.cs] * b.data[b.off + k * b.rs + j * b.cs];
        s += p; mag += Math.abs(p);
      }
      const got = C[cOff + i * ldc + j], bound = (K + 3) * 2 ** -24 * mag + 1e-30;
      if (!(Math.abs(got - s) <= bound)) throw new Error(`C[${i}, ${j}] = ${got}, want ${s} ± ${bound}`);
    }
  }
}

afterAll(() => { native.setIsa(null); });

for (const isa of isas) {
  describe(`${isa} kernels`, () => {
    it('runs the instruction set asked for', () => {
      native.setIsa(isa);
      expect(native.isa()).toBe(isa);
    });

    // Ragged tiles on every side, K over one pass (256) and N over one column block (1024), big enough to be split.
    const shapes: [number, number, number][] = [[1, 1, 1], [7, 5, 3], [9, 33, 17], [50, 70, 300], [40, 1100, 260], [300, 40, 513], [3, 4, 0]];
    for (const [M, N, K] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
        it(`gemm ${M}×${K} · ${K}×${N}${tA ? ', A transposed' : ''}${tB ? ', B transposed' : ''}, into a wider C`, () => {
          native.setIsa(isa);
          const a: View = { data: values(M * K + 2, M + K), off: 2, rs: tA ? 1 : K, cs: tA ? M : 1 };
          const b: View = { data: values(K * N + 1, N + 7), off: 1, rs: tB ? 1 : N, cs: tB ? K : 1 };
          const ldc = N + 3, init = values(M * ldc + 1, 5);
          for (const accumulate of [false, true]) {
            const C = acrossThreads(() => {
              const c = init.slice();
              native.gemm(M, N, K, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, c, 1, ldc, accumulate);
              return c;
            });
            expectProduct(C, 1, ldc, M, N, K, a, b, accumulate ? init : undefined);
            // The gaps between C's rows are left alone.
            for (let i = 0; i < M; i++) for (let j = N; j < ldc && 1 + i * ldc + j < C.length; j++) expect(C[1 + i * ldc + j]).toBe(init[1 + i * ldc + j]);
          }
        });
      }
    }

    it('gemm with zero strides (a broadcast row and column)', () => {
      native.setIsa(isa);
      const M = 20, N = 37, K = 30;
      const a: View = { data: values(K, 1), off: 0, rs: 0, cs: 1 }, b: View = { data: values(K, 2), off: 0, rs: 1, cs: 0 };
      const C = new Float32Array(M * N);
      native.gemm(M, N, K, a.data, 0, 0, 1, b.data, 0, 1, 0, C, 0, N, false);
      expectProduct(C, 0, N, M, N, K, a, b);
    });

    it('gemmBatched: products split between threads, one operand broadcast', () => {
      native.setIsa(isa);
      const Bn = 6, M = 33, N = 70, K = 90;
      const A = values(M * K, 3), B = values(Bn * K * N + 4, 4);
      const C = acrossThreads(() => {
        const c = new Float32Array(Bn * M * N);
        native.gemmBatched(Bn, M, N, K, A, 0, 0, K, 1, B, 4, K * N, 1, K, c, 0, false);
        return c;
      });
      for (let i = 0; i < Bn; i++) expectProduct(C, i * M * N, N, M, N, K, { data: A, off: 0, rs: K, cs: 1 }, { data: B, off: 4 + i * K * N, rs: 1, cs: K });
    });
  });
}

describe('convolutions against PyTorch (tools/gen_conv_fixtures.py, in float32)', () => {
  interface Flat { shape: number[]; data: number[] }
  interface Case { name: string; attrs: Record<string, number | number[] | undefined>; x: Flat; w: Flat; out: Flat; gradOut: Flat; dx: Flat; dw: Flat; b?: Flat }
  const fixtures = JSON.parse(readFileSync(new URL('../../tensor/test/fixtures/conv_ops.json', import.meta.url), 'utf8')) as { conv2d: Case[] };
  const pair = (v: number | number[] | undefined, d: number) => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);

  /** The case as NCHW float32 arrays and the addon's geometry (an unbatched case gets N = 1). */
  function setUp(c: Case) {
    const xs = c.x.shape.length === 3 ? [1, ...c.x.shape] : c.x.shape;
    const [N, Cin, H, W] = xs, [Cout, , kh, kw] = c.w.shape;
    const [sh, sw] = pair(c.attrs.stride, 1), [ph, pw] = pair(c.attrs.padding, 0), [dh, dw] = pair(c.attrs.dilation, 1);
    const G = (c.attrs.groups as number | undefined) ?? 1;
    const OH = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1, OW = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    const geometry: Geometry = [N, Cin, H, W, Cout, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw, G];
    return { geometry, x: Float32Array.from(c.x.data), w: Float32Array.from(c.w.data), gy: Float32Array.from(c.gradOut.data), ys: N * Cout * OH * OW };
  }

  function expectNear(got: Float32Array, want: number[], add?: number[]): void {
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] + (add?.[i] ?? 0) - want[i]) / (1 + Math.abs(want[i])));
    expect(worst).toBeLessThan(1e-5);
  }

  for (const isa of isas) {
    for (const c of fixtures.conv2d) {
      it(`${c.name} (${isa})`, () => {
        native.setIsa(isa);
        const { geometry, x, w, gy, ys } = setUp(c);
        // The fixture's output includes the bias, which the op (not the kernel) adds.
        const [, , , , Cout, , , OH, OW] = geometry, P = OH * OW;
        const bias = c.b ? Array.from({ length: ys }, (_, i) => c.b!.data[Math.floor(i / P) % Cout]) : undefined;
        expectNear(acrossThreads(() => { const o = new Float32Array(ys); native.conv2d(x, 0, w, 0, o, ...geometry); return o; }), c.out.data, bias);
        expectNear(acrossThreads(() => { const o = new Float32Array(x.length); native.conv2dBackwardInput(gy, 0, w, 0, o, ...geometry); return o; }), c.dx.data);
        expectNear(acrossThreads(() => { const o = new Float32Array(w.length); native.conv2dBackwardWeight(gy, 0, x, 0, o, ...geometry); return o; }), c.dw.data);
      });
    }
  }
});

describe('convolutions at the seed CNN\'s scale against the float64 TypeScript kernels', () => {
  // Large enough that images, output tiles and weight-gradient rows are split between threads.
  const cases: { name: string; x: number[]; w: number[]; stride: number[]; padding: number[]; dilation: number[]; groups: number }[] = [
    { name: '5×5 pad 2 (rows of 16, ragged channel and row blocks)', x: [6, 11, 16, 16], w: [20, 11, 5, 5], stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 },
    { name: 'strided, dilated, grouped', x: [5, 8, 17, 15], w: [12, 4, 3, 3], stride: [2, 1], padding: [1, 3], dilation: [2, 1], groups: 2 },
    { name: 'dilated, grouped, unit stride (the direct input gradient)', x: [3, 16, 11, 19], w: [18, 8, 3, 3], stride: [1, 1], padding: [2, 1], dilation: [2, 1], groups: 2 },
    { name: 'over 2048 weight-gradient items (passes over the images)', x: [2, 32, 16, 16], w: [64, 32, 5, 5], stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 },
    { name: 'pointwise', x: [4, 40, 16, 16], w: [24, 40, 1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 },
  ];
  const data64 = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());
  for (const isa of isas) {
    for (const c of cases) {
      it(`${c.name} (${isa})`, () => {
        native.setIsa(isa);
        const [N, Cin, H, W] = c.x, [Cout, , kh, kw] = c.w;
        const OH = Math.floor((H + 2 * c.padding[0] - c.dilation[0] * (kh - 1) - 1) / c.stride[0]) + 1;
        const OW = Math.floor((W + 2 * c.padding[1] - c.dilation[1] * (kw - 1) - 1) / c.stride[1]) + 1;
        const geometry: Geometry = [N, Cin, H, W, Cout, kh, kw, OH, OW, c.stride[0], c.stride[1], c.padding[0], c.padding[1], c.dilation[0], c.dilation[1], c.groups];
        const x = values(c.x.reduce((p, q) => p * q), 1), w = values(c.w.reduce((p, q) => p * q), 2), gy = values(N * Cout * OH * OW, 3);
        const t = (a: Float32Array, s: number[]) => fromArray(Float64Array.from(a), s, { dtype: 'float64' });
        const attrs = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
        const want = {
          out: data64(dispatch1('conv2d', [t(x, c.x), t(w, c.w)], attrs)),
          dx: data64(dispatch1('conv2dBackwardInput', [t(gy, [N, Cout, OH, OW]), t(w, c.w)], { ...attrs, inputShape: c.x })),
          dw: data64(dispatch1('conv2dBackwardWeight', [t(gy, [N, Cout, OH, OW]), t(x, c.x)], { ...attrs, weightShape: c.w })),
        };
        const got = {
          out: acrossThreads(() => { const o = new Float32Array(want.out.length); native.conv2d(x, 0, w, 0, o, ...geometry); return o; }),
          dx: acrossThreads(() => { const o = new Float32Array(x.length); native.conv2dBackwardInput(gy, 0, w, 0, o, ...geometry); return o; }),
          dw: acrossThreads(() => { const o = new Float32Array(w.length); native.conv2dBackwardWeight(gy, 0, x, 0, o, ...geometry); return o; }),
        };
        // Float32 sums of up to N·OH·OW terms in [-1, 1): within 1e-4 of the float64 sums.
        for (const k of ['out', 'dx', 'dw'] as const) {
          let worst = 0;
          for (let i = 0; i < want[k].length; i++) worst = Math.max(worst, Math.abs(got[k][i] - want[k][i]) / (1 + Math.abs(want[k][i])));
          expect(worst, k).toBeLessThan(1e-4);
        }
      });
    }
  }
});

describe('bad arguments', () => {
  it('an operand reaching past its array is a RangeError, a Float64Array a TypeError', () => {
    const a = new Float32Array(12), b = new Float32Array(12), c = new Float32Array(9);
    expect(() => native.gemm(3, 3, 4, a, 1, 4, 1, b, 0, 3, 1, c, 0, 3, false)).toThrow(RangeError);
    expect(() => native.gemm(3, 3, 4, a, 0, 4, 1, b, 0, 3, 1, c, 1, 3, false)).toThrow(RangeError);
    expect(() => native.gemm(3, 3, 4, new Float64Array(12) as unknown as Float32Array, 0, 4, 1, b, 0, 3, 1, c, 0, 3, false)).toThrow(TypeError);
    const g: Geometry = [1, 2, 4, 4, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1];
    expect(() => native.conv2d(new Float32Array(31), 0, new Float32Array(54), 0, new Float32Array(12), ...g)).toThrow(RangeError);
    const grouped: Geometry = [1, 2, 4, 4, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2];
    expect(() => native.conv2d(new Float32Array(32), 0, new Float32Array(54), 0, new Float32Array(12), ...grouped)).toThrow('not divisible by groups');
  });

  it('empty operands: a weight gradient over no images is zeros, an empty product writes nothing', () => {
    const g: Geometry = [0, 2, 4, 4, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1];
    const dw = new Float32Array(54).fill(9);
    native.conv2dBackwardWeight(new Float32Array(0), 0, new Float32Array(0), 0, dw, ...g);
    expect(dw.every((v) => v === 0)).toBe(true);
    const C = new Float32Array(15).fill(7);
    native.gemm(3, 5, 0, new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 5, 1, C, 0, 5, false);
    expect(Array.from(C)).toEqual(new Array(15).fill(0));
  });

  it('setIsa refuses names it does not know and sets this CPU cannot run', () => {
    expect(() => native.setIsa('avx1024')).toThrow("setIsa: expected 'avx512', 'avx2' or 'sse2', got 'avx1024'");
    if (native.cpuIsa() !== 'avx512') expect(() => native.setIsa('avx512')).toThrow(/this CPU cannot run 'avx512'/);
    native.setIsa(null);
    expect(native.isa()).toBe(native.cpuIsa());
  });

  it('FLAMBEAU_NATIVE_ISA narrows the instruction set at load, and a bad value fails the load', () => {
    const load = (value: string) => execFileSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(fileURLToPath(new URL('../index.cjs', import.meta.url)))}).isa())`],
      { env: { ...process.env, FLAMBEAU_NATIVE_ISA: value }, encoding: 'utf8', stdio: 'pipe' }).trim();
    expect(load('sse2')).toBe('sse2');
    expect(load('')).toBe(native.cpuIsa());
    expect(() => load('avx9')).toThrow("FLAMBEAU_NATIVE_ISA: expected 'avx512', 'avx2' or 'sse2', got 'avx9'");
  });
});
