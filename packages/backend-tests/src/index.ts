/**
 * `@flambeau/backend-tests` — the one test suite every backend runs (Burn's backend-tests crate,
 * tfjs's `describeWithFlags`): the kernel conformance cases of the backend contract, named so a
 * backend lists what it skips, each with its reason.
 *
 * @example
 * import { describe, it, expect } from 'vitest';
 * import { runBackendConformance } from '@flambeau/backend-tests';
 * runBackendConformance(myBackend, { describe, it, expect }, { 'matmul/int64': 'no 64-bit integers in WGSL' });
 *
 * @module @flambeau/backend-tests
 */
export { runBackendConformance, type ConformanceApi } from './conformance.js';
