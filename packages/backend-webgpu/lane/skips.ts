import type { LaneSkip } from '../../backend-testing/lane/hooks.js';

/**
 * Tests of the `webgpu` lane that cannot hold on this device beyond what the `testing` lane
 * already lists (an asynchronous device) and what the device refuses (float64, skipped where it
 * is asked for), each with its reason. Keyed by test file (under packages/) and full test name.
 */
export const WEBGPU_SKIPS: LaneSkip[] = [];
