/**
 * Setup of the `webgpu` lane: the fixture suites of tensor, autograd, nn and optim run with every
 * tensor on the real WebGPU device (lavapipe in CI). The device lives in a worker thread
 * (worker.ts) because Dawn answers reads on the event loop of the thread owning the device, while
 * the suites read synchronously; the test thread's `webgpu` backend is a proxy that forwards each
 * call and waits (proxy.ts). What the device refuses by design (float64, int64 beyond int32) skips
 * the test that asked, with the reason; what cannot hold on an asynchronous device is listed.
 */
import { type TestContext, afterEach, beforeEach } from 'vitest';
import { registerBackend, setDefaultDevice } from '@flambeau/tensor';
import { allowTestPeeks, skipListed } from '../../backend-testing/lane/hooks.js';
import { LANE_SKIPS } from '../../backend-testing/lane/skips.js';
import { startLane } from './proxy.js';
import { BUDGET_SKIPS, WEBGPU_SKIPS } from './skips.js';

const lane = startLane();
if (lane.unavailable) console.warn(`webgpu lane skipped: ${lane.unavailable}`);

const REFUSED = {
  float64: 'needs float64, which WebGPU does not have (the device refuses it by design, see backend-webgpu/src/dtypes.ts)',
  int64: 'needs int64 values beyond the int32 range, which the webgpu device refuses at upload (int64 is stored as int32)',
};

let current: TestContext | null = null;
beforeEach((ctx) => {
  if (lane.unavailable) ctx.skip(`webgpu: ${lane.unavailable}`);
  current = ctx;
});
afterEach(() => {
  current = null;
  // A failed device-side check belongs to the test that queued it, as a CUDA error to its process.
  if (lane.backend) lane.discardChecks();
});
lane.onRefusal = (kind) => {
  current?.skip(`webgpu: ${REFUSED[kind]}`);
};

if (lane.backend) {
  registerBackend(lane.backend);
  setDefaultDevice('webgpu');
  allowTestPeeks(lane.backend, lane.peek);
}
skipListed('webgpu', [...LANE_SKIPS, ...WEBGPU_SKIPS, ...(process.env.FLAMBEAU_WEBGPU_LANE === 'full' ? [] : BUDGET_SKIPS)]);
