import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkg = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources: no build step before `pnpm test`.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@flambeau\/(.*)$/, replacement: pkg('$1') },
      { find: /^flambeau$/, replacement: pkg('flambeau') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    // .ci/run reads the JSON report to print its one-line summary.
    reporters: process.env.FLAMBEAU_VITEST_JSON ? ['default', ['json', { outputFile: process.env.FLAMBEAU_VITEST_JSON }]] : ['default'],
  },
});
