import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { WEBGPU_FILE_SKIPS } from './packages/backend-webgpu/lane/skips.js';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));
const pkg = (p: string) => src(`${p}/src/index.ts`);
const resolve = {
  alias: [
    // Tests run in Node: `@flambeau/data` is its Node entry, as the `node` export condition gives.
    { find: /^@flambeau\/data\/node$/, replacement: pkg('data') },
    { find: /^@flambeau\/data\/browser$/, replacement: src('data/src/browser.ts') },
    { find: /^@flambeau\/([^/]+)$/, replacement: pkg('$1') },
    { find: /^flambeau$/, replacement: pkg('flambeau') },
  ],
};

/**
 * Suites that run a second time on the asynchronous test device (`@flambeau/backend-testing`):
 * the PyTorch fixture suites of ops, autograd, nn and optim. What stays CPU-only is CPU-specific
 * by nature (WASM kernels, the CPU conformance run, printing and the CPU memory model) or the
 * data pipeline, which works on the CPU whatever the default device is.
 */
const DEVICE_LANE = ['packages/tensor/test/**/*.test.ts', 'packages/autograd/test/**/*.test.ts', 'packages/nn/test/**/*.test.ts', 'packages/optim/test/**/*.test.ts'];
const CPU_ONLY = ['packages/tensor/test/wasm_*.test.ts', 'packages/tensor/test/conformance.test.ts', 'packages/tensor/test/format.test.ts', 'packages/tensor/test/memory.test.ts', 'packages/tensor/test/primitive.test.ts'];

const shared = { pool: 'forks' as const, testTimeout: 60_000 };

// Tests run against the TypeScript sources: no build step before `pnpm test`.
export default defineConfig({
  test: {
    // .ci/run reads the JSON report to print its one-line summary.
    reporters: process.env.FLAMBEAU_VITEST_JSON ? ['default', ['json', { outputFile: process.env.FLAMBEAU_VITEST_JSON }]] : ['default'],
    projects: [
      { resolve, test: { ...shared, name: 'cpu', include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/**/*.test.ts'] } },
      { resolve, test: { ...shared, name: 'testing', include: DEVICE_LANE, exclude: CPU_ONLY, setupFiles: ['packages/backend-testing/lane/setup.ts'] } },
      // The same suites on the real WebGPU device (lavapipe in CI), skipped with the reason where no adapter exists.
      { resolve, test: { ...shared, name: 'webgpu', include: DEVICE_LANE, exclude: [...CPU_ONLY, ...WEBGPU_FILE_SKIPS.map((s) => s.file)], setupFiles: ['packages/backend-webgpu/lane/setup.ts'] } },
    ],
  },
});
