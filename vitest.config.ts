import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));
const pkg = (p: string) => src(`${p}/src/index.ts`);

// Tests run against the TypeScript sources: no build step before `pnpm test`.
export default defineConfig({
  resolve: {
    alias: [
      // Tests run in Node: `@flambeau/data` is its Node entry, as the `node` export condition gives.
      { find: /^@flambeau\/data\/node$/, replacement: pkg('data') },
      { find: /^@flambeau\/data\/browser$/, replacement: src('data/src/browser.ts') },
      { find: /^@flambeau\/([^/]+)$/, replacement: pkg('$1') },
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
