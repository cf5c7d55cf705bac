import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getNumThreads, setNumThreads } from '@flambeau/tensor';
import type { Conv2dAttrs } from '../src/backend.js';
import { conv2dBackwardInputKernel, conv2dBackwardWeightKernel, conv2dKernel } from '../src/cpu/conv.js';
import { gemm, matmulKernel } from '../src/cpu/matmul.js';
import { chunksRunByWorkers, setCpuParallelThreshold } from '../src/cpu/thread_pool.js';

import { type CpuKernels, setCpuKernels } from '../src/cpu/wasm_gemm.js';
import { dataOf, denseView, make, values } from './kernel_data.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/num_threads.json', import.meta.url), 'utf8')) as {
  errors: { arg: unknown; error: string; message: string }[]; set3get: number;
};

describe('setNumThreads / getNumThreads (torch 1.13 fixtures)', () => {
  let before = 1;
  beforeAll(() => { before = getNumThreads(); });
  afterAll(() => { setNumThreads(before); });

  it('defaults to the machine (os.availableParallelism) unless OMP_NUM_THREADS says otherwise', () => {
    const omp = Number(process.env.OMP_NUM_THREADS);
    expect(before).toBe(Number.isInteger(omp) && omp > 0 ? omp : availableParallelism());
  });

  it('round-trips a count', () => {
    setNumThreads(3);
    expect(getNumThreads()).toBe(fixture.set3get);
  });

  for (const e of fixture.errors) {
    it(`refuses ${JSON.stringify(e.arg)} with PyTorch's ${e.error}`, () => {
      setNumThreads(2);
      let err: unknown;
      try { setNumThreads(e.arg as number); } catch (x) { err = x; }
      expect((err as Error).name).toBe(e.error);
      expect((err as Error).message).toBe(e.message);
      expect(getNumThreads()).toBe(2);
    });
  }
});

const f32 = (n: number, seed: number) => values(n, seed, Float32Array);
const view = (shape: number[], seed: number) => denseView(f32(shape.reduce((a, b) => a * b, 1), seed), shape);

/** GEMMs (some past the default threshold), batched ones, and the three convolution kernels, as flat float32 results. */
function results(k = { gemm, matmulKernel, conv2dKernel, conv2dBackwardInputKernel, conv2dBackwardWeightKernel }): Float32Array[] {
  const { gemm, matmulKernel, conv2dKernel, conv2dBackwardInputKernel, conv2dBackwardWeightKernel } = k;
  const out: Float32Array[] = [];
  for (const [M, N, K, tA] of [[67, 45, 33, false], [5, 300, 70, true], [130, 260, 90, false], [96, 520, 150, true]] as const) {
    const A = f32(M * K, M), B = f32(K * N, N), C = new Float32Array(M * N);
    gemm(M, N, K, A, 0, tA ? 1 : K, tA ? M : 1, B, 0, N, 1, C, 0);
    out.push(C);
  }
  for (const Bn of [2, 7]) out.push(dataOf(matmulKernel(view([Bn, 40, 30], Bn), view([Bn, 30, 50], 9), 'float32', make)) as Float32Array);
  const a: Conv2dAttrs = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 };
  const grouped: Conv2dAttrs = { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 };
  for (const [xs, ws, at] of [[[6, 3, 16, 16], [8, 3, 5, 5], a], [[1, 4, 19, 13], [6, 2, 3, 3], grouped], [[3, 4, 9, 9], [4, 2, 3, 3], grouped]] as const) {
    const x = view([...xs], 1), w = view([...ws], 2);
    const y = conv2dKernel(x, w, at, make);
    const out2d = (d: 0 | 1) => Math.floor((xs[2 + d] + 2 * at.padding[d] - at.dilation[d] * (ws[2 + d] - 1) - 1) / at.stride[d]) + 1;
    const gy = view([xs[0], ws[0], out2d(0), out2d(1)], 3);
    out.push(dataOf(y) as Float32Array);
    out.push(dataOf(conv2dBackwardInputKernel(gy, w, xs, at, make)) as Float32Array);
    out.push(dataOf(conv2dBackwardWeightKernel(gy, x, ws, at, make)) as Float32Array);
  }
  return out;
}

for (const kernels of ['relaxed', 'simd'] as CpuKernels[]) {
  describe(`${kernels} kernels: the same bits on 1, 2 and 3 threads`, () => {
    let before = 1;
    beforeAll(() => { before = getNumThreads(); setCpuKernels(kernels); });
    afterAll(() => { setCpuKernels(null); setNumThreads(before); setCpuParallelThreshold(null); });

    for (const threshold of [null, 0]) {
      it(`GEMM and conv2d forward, input and weight gradients${threshold === 0 ? ', every product split' : ''}`, () => {
        setCpuParallelThreshold(threshold);
        setNumThreads(1);
        const one = results();
        const expectSame = (got: Float32Array[]) => {
          expect(got.length).toBe(one.length);
          got.forEach((g, i) => { expect(Buffer.from(g.buffer, g.byteOffset, g.byteLength).equals(Buffer.from(one[i].buffer, one[i].byteOffset, one[i].byteLength))).toBe(true); });
        };
        // 2 threads, and 3 (more than this machine's cores: a worker that is not running holds up nobody).
        for (const threads of [2, 3]) {
          setNumThreads(threads);
          const workersBefore = chunksRunByWorkers();
          // Workers start in the background, and may sleep through a run on a loaded host: rerun
          // until one has taken part; every run gives the same bits.
          for (let i = 0; i < 300 && chunksRunByWorkers() === workersBefore; i++) expectSame(results());
          expect(chunksRunByWorkers()).toBeGreaterThan(workersBefore);
          expectSame(results());
        }
      });
    }
  });
}

it('without worker_threads (browsers) the kernels run on the calling thread, with the same bits', async () => {
  setCpuParallelThreshold(0);
  setNumThreads(2);
  const want = results();
  vi.resetModules();
  const real = process.getBuiltinModule;
  const spy = vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'worker_threads' ? undefined : real(id))) as typeof real);
  try {
    const gemmMod = await import('../src/cpu/wasm_gemm.js');
    const pool = await import('../src/cpu/thread_pool.js');
    const conv = await import('../src/cpu/conv.js');
    const mm = await import('../src/cpu/matmul.js');
    pool.setCpuParallelThreshold(0);
    pool.useThreads(2);
    expect(gemmMod.wasmModule()?.variant).toBe('relaxed');
    expect(gemmMod.wasmModule()?.shared).toBe(false);
    const got = results({ gemm: mm.gemm, matmulKernel: mm.matmulKernel, ...conv });
    expect(pool.chunksRunByWorkers()).toBe(0);
    got.forEach((g, i) => { expect(Array.from(g)).toEqual(Array.from(want[i])); });
  } finally {
    spy.mockRestore();
    vi.resetModules();
    setCpuParallelThreshold(null);
  }
});

it('the worker threads neither keep the process alive nor fail its exit', () => {
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const code = `const t = await import(${JSON.stringify(src)});
t.setNumThreads(2); t.setCpuParallelThreshold(0);
const a = t.ones([96, 96]);
console.log(a.matmul(a).dataSync()[0]);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 50_000 });
  expect(r.stderr).toBe('');
  expect(r.signal).toBe(null);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe('96');
});
