/**
 * Setup of the `testing` lane: every tensor the suites create lands on the asynchronous test
 * device. Library code sees a device without synchronous reads; only the assertions of test files
 * may peek synchronously (so the existing suites run unchanged), which this hook enforces by
 * looking at who called: a read from anywhere under `src/` fails exactly as on a GPU.
 */
import { afterEach } from 'vitest';
import { setDefaultDevice } from '@flambeau/tensor';
import { discardChecks, peekSync, testing } from '../src/index.js';
import { allowTestPeeks, skipListed } from './hooks.js';
import { LANE_SKIPS } from './skips.js';

setDefaultDevice('testing');

skipListed('testing device', LANE_SKIPS);
// A failed device-side check belongs to the test that queued it, as a CUDA error to its process.
afterEach(() => discardChecks());

allowTestPeeks(testing, peekSync);
