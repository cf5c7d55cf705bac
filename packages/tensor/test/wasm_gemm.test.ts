import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { gemm, wasmGemm } from '../src/cpu/matmul.js';
import { type CpuKernels, getCpuKernels, setCpuKernels, wasmModule } from '../src/cpu/wasm_gemm.js';
import { RuntimeError, ValueError } from '../src/errors.js';
import { describeEachCpuConfig } from './cpu_configs.js';
import { values } from './kernel_data.js';
// @ts-expect-error: plain ESM build script without type declarations
import { OUTPUT, buildBinaryModule } from '../wasm/build.mjs';

const f32 = (n: number, seed: number) => values(n, seed, Float32Array);

interface Operand { data: Float32Array; off: number; rs: number; cs: number }

/** A [rows, cols] view at offset 3 of a fresh array, row-major or transposed. */
function operand(rows: number, cols: number, transposed: boolean, seed: number): Operand {
  const data = f32(rows * cols + 3, seed);
  return transposed ? { data, off: 3, rs: 1, cs: rows } : { data, off: 3, rs: cols, cs: 1 };
}

/** The exact product in float64, and Σ|a·b| per entry to scale the float32 rounding bound. */
function reference(M: number, N: number, K: number, a: Operand, b: Operand): { c: Float64Array; mag: Float64Array } {
  const c = new Float64Array(M * N), mag = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0, m = 0;
      for (let k = 0; k < K; k++) {
        const p = a.data[a.off + i * a.rs + k * a.cs] * b.data[b.off + k * b.rs + j * b.cs];
        s += p; m += Math.abs(p);
      }
      c[i * N + j] = s; mag[i * N + j] = m;
    }
  }
  return { c, mag };
}

/** Float32 summation of K products errs by at most about K·eps·Σ|a·b| (eps = 2^-24). */
function expectClose(got: ArrayLike<number>, gotOff: number, want: { c: Float64Array; mag: Float64Array }, K: number): void {
  for (let i = 0; i < want.c.length; i++) {
    const bound = (K + 2) * 2 ** -24 * want.mag[i] + 1e-30;
    if (!(Math.abs(got[gotOff + i] - want.c[i]) <= bound)) {
      throw new Error(`entry ${i}: got ${got[gotOff + i]}, want ${want.c[i]} ± ${bound}`);
    }
  }
}

/** A fresh wasm_gemm module whose engine accepts only the modules `accept` lets through. */
async function loadWith(accept: (bytes: Uint8Array) => boolean): Promise<typeof import('../src/cpu/wasm_gemm.js')> {
  vi.resetModules();
  const real = WebAssembly.validate.bind(WebAssembly);
  const spy = vi.spyOn(WebAssembly, 'validate').mockImplementation((b) => accept(b as Uint8Array) && real(b));
  const m = await import('../src/cpu/wasm_gemm.js');
  m.wasmModule();
  spy.mockRestore();
  return m;
}

it('the committed binary is a fresh build of wasm/gemm.ts', async () => {
  expect(await buildBinaryModule()).toBe(readFileSync(OUTPUT, 'utf8'));
});

it('this engine runs the relaxed SIMD build (Node 20 after setting the V8 flag)', () => {
  expect(wasmModule()?.variant).toBe('relaxed');
});

it('setCpuKernels refuses kernels the engine cannot run, and names it cannot know', () => {
  const spy = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
  try {
    expect(() => setCpuKernels('simd')).toThrow(new RuntimeError("setCpuKernels: this engine cannot run the 'simd' kernels"));
  } finally {
    spy.mockRestore();
  }
  expect(wasmModule()?.variant).toBe('relaxed');
  expect(() => setCpuKernels('avx2' as CpuKernels)).toThrow(ValueError);
});

describeEachCpuConfig('float32 gemm', ({ kernels }) => {
  it('runs the kernels asked for', () => { expect(getCpuKernels()).toBe(kernels); });
  // Ragged edges on every side of the 4×8 tile, K = 0, and column blocks (K = 300 → 216 columns).
  const shapes: [number, number, number][] = [
    [1, 1, 1], [3, 5, 7], [4, 8, 16], [5, 9, 3], [17, 33, 9], [64, 70, 130], [6, 1, 300], [9, 20, 0], [7, 450, 300],
  ];
  for (const [M, N, K] of shapes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        it(`${M}×${K} · ${K}×${N}${tA ? ', A transposed' : ''}${tB ? ', B transposed' : ''}`, () => {
          const a = operand(M, K, tA, 1 + M), b = operand(K, N, tB, 2 + N);
          const C = new Float32Array(M * N + 2).fill(NaN);
          expect(wasmGemm(1, M, N, K, a.data, a.off, 0, a.rs, a.cs, b.data, b.off, 0, b.rs, b.cs, C, 2, false)).toBe(kernels !== 'reference');
          gemm(M, N, K, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, C, 2);
          expectClose(C, 2, reference(M, N, K, a, b), K);
          expect(Number.isNaN(C[0]) && Number.isNaN(C[1])).toBe(true);
        });
      }
    }
  }

  it('gathers a sparse view (strides wider than the operand) and accumulates into float64', () => {
    const M = 6, N = 11, K = 13;
    const a: Operand = { data: f32(M * K * 5, 7), off: 1, rs: 5 * K, cs: 5 };
    const b = operand(K, N, false, 8);
    const C = new Float64Array(M * N).fill(0.5);
    gemm(M, N, K, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, C, 0, true);
    const want = reference(M, N, K, a, b);
    expectClose(C.map((v) => v - 0.5), 0, want, K);
  });

  it('batched: products shared between the threads, one operand broadcast over the batch', () => {
    const Bn = 5, M = 9, N = 21, K = 14;
    for (const [aBs, tB] of [[0, false], [M * K, true]] as const) {
      const a = operand(M * (aBs === 0 ? 1 : Bn), K, false, 11);
      const B = f32(Bn * K * N + 3, 12);
      const C = new Float32Array(Bn * M * N).fill(NaN);
      const bRs = tB ? 1 : N, bCs = tB ? K : 1;
      const ran = wasmGemm(Bn, M, N, K, a.data, a.off, aBs, a.rs, a.cs, B, 3, K * N, bRs, bCs, C, 0, false);
      expect(ran).toBe(kernels !== 'reference');
      if (!ran) continue;
      for (let bi = 0; bi < Bn; bi++) {
        const ai: Operand = { ...a, off: a.off + bi * aBs }, bb: Operand = { data: B, off: 3 + bi * K * N, rs: bRs, cs: bCs };
        expectClose(C, bi * M * N, reference(M, N, K, ai, bb), K);
      }
    }
  });

  it('broadcast operands (zero strides)', () => {
    const M = 5, N = 9, K = 4;
    const a: Operand = { data: f32(K, 9), off: 0, rs: 0, cs: 1 };
    const b: Operand = { data: f32(N, 10), off: 0, rs: 0, cs: 1 };
    const C = new Float32Array(M * N);
    gemm(M, N, K, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, C, 0);
    expectClose(C, 0, reference(M, N, K, a, b), K);
  });
});

describe('plain-TS gemm', () => {
  it('other dtypes keep the plain-TS gemm (float64 sums of integers are exact)', () => {
    const A = Int32Array.from({ length: 12 }, (_, i) => i - 5), B = Int32Array.from({ length: 12 }, (_, i) => 3 * i - 7);
    const C = new Int32Array(9);
    gemm(3, 3, 4, A, 0, 4, 1, B, 0, 3, 1, C, 0);
    const want = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += A[i * 4 + k] * B[k * 3 + j];
      want.push(s);
    }
    expect(Array.from(C)).toEqual(want);
  });
});

describe('engines without SIMD128', () => {
  afterAll(() => {
    vi.doUnmock('../src/cpu/native.js');
    vi.resetModules();
  });

  it('float32 gemm falls back to the plain-TS kernel (where the native accelerator is absent too)', async () => {
    vi.doMock('../src/cpu/native.js', () => ({ nativeKernels: () => null, nativeAvailable: () => false }));
    const fresh = await loadWith(() => false);
    const { gemm: freshGemm } = await import('../src/cpu/matmul.js');
    expect(fresh.wasmModule()).toBe(null);
    const M = 5, N = 6, K = 7;
    const a = operand(M, K, false, 3), b = operand(K, N, true, 4);
    const C = new Float32Array(M * N);
    freshGemm(M, N, K, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, C, 0);
    // The plain-TS path sums in float64 and rounds once.
    const want = reference(M, N, K, a, b).c;
    expect(Array.from(C)).toEqual(Array.from(Float32Array.from(want)));
  });
});
