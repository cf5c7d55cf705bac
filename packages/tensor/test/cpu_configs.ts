import { afterAll, beforeAll, describe } from 'vitest';
import { type CpuKernels, getNumThreads, setCpuKernels, setCpuParallelThreshold, setNumThreads } from '@flambeau/tensor';

/** One way the CPU backend can run: a kernel variant on a number of threads. */
export interface CpuConfig { kernels: CpuKernels; threads: number }

/**
 * Each kernel variant; the native and WebAssembly ones on 1 and on 2 threads (the plain-TS ones
 * have one). The native accelerator is part of the workspace, so its absence here is a failure.
 */
export const CPU_CONFIGS: readonly CpuConfig[] = [
  { kernels: 'native', threads: 1 }, { kernels: 'native', threads: 2 },
  { kernels: 'relaxed', threads: 1 }, { kernels: 'relaxed', threads: 2 },
  { kernels: 'simd', threads: 1 }, { kernels: 'simd', threads: 2 },
  { kernels: 'reference', threads: 1 },
];

export const configName = (c: CpuConfig) => `${c.kernels} kernels, ${c.threads} thread${c.threads > 1 ? 's' : ''}`;

/**
 * Runs `body`'s tests once per configuration, each under `describe(title (config))` with the CPU
 * forced to it: every GEMM and convolution split over the threads however small (threshold 0),
 * so the small cases of a suite exercise the worker threads too.
 */
export function describeEachCpuConfig(title: string, body: (c: CpuConfig) => void, configs = CPU_CONFIGS): void {
  for (const c of configs) {
    describe(`${title} (${configName(c)})`, () => {
      let threads = 1;
      beforeAll(() => {
        threads = getNumThreads();
        setCpuKernels(c.kernels);
        setNumThreads(c.threads);
        setCpuParallelThreshold(0);
      });
      afterAll(() => {
        setCpuKernels(null);
        setNumThreads(threads);
        setCpuParallelThreshold(null);
      });
      body(c);
    });
  }
}
