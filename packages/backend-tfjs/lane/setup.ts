/**
 * Setup of the `tfjs` lane: the fixture suites of tensor, autograd, nn and optim with every tensor
 * on the tfjs device over tfjs-backend-cpu. tfjs-cpu can read synchronously, but library code must
 * not: the lane hides `readSync` from it (the device then behaves as over tfjs-webgpu: device-side
 * checks deferred, no `dataSync` or printing), and only test files peek, as in the `testing` lane.
 * A test needing a dtype or value TensorFlow.js cannot hold (float64; int64 beyond int32) is
 * skipped at the device's refusal, with the refusal as its reason.
 */
import '@tensorflow/tfjs-backend-cpu';
import { type Tensor } from '@flambeau/tensor';
import { LANE_SKIPS, installLane, skipRunningTest } from '@flambeau/backend-testing/lane';
import { discardChecks } from '../src/checks.js';
import { isDtypeRefusal } from '../src/storage.js';
import { tfjs, useTfjs } from '../src/index.js';
import { TFJS_LANE_SKIPS } from './skips.js';

await useTfjs('cpu');
const readSync = tfjs.readSync!;
Object.defineProperty(tfjs, 'readSync', { get: () => undefined });

// Every device call: a refusal of a dtype skips the running test (any other error propagates).
const calls = tfjs as unknown as Record<string, unknown>;
for (const [key, fn] of Object.entries(calls)) {
  if (typeof fn !== 'function') continue;
  calls[key] = (...args: unknown[]) => {
    try {
      return (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      if (isDtypeRefusal(e)) skipRunningTest(`tfjs device: ${(e as Error).message}`);
      throw e;
    }
  };
}

function peek(t: Tensor) {
  const s = tfjs.copy(t, t.dtype);
  try {
    return readSync(s);
  } finally {
    tfjs.dispose(s);
  }
}

installLane({ backend: tfjs, peek, skips: [...LANE_SKIPS, ...TFJS_LANE_SKIPS], afterEach: discardChecks });
