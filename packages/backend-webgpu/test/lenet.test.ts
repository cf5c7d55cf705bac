import { cpu } from '@flambeau/tensor';
import { expect, it } from 'vitest';
import { gpu, skipReason } from './helpers.js';
import { type LossKind, trainLeNet } from './lenet.js';

async function followsCpu(loss: LossKind): Promise<void> {
  const steps = 50;
  const want = await trainLeNet('cpu', steps, loss);
  const got = await trainLeNet('webgpu', steps, loss);
  const bad = want.flatMap((w, i) => (Math.abs(got[i] - w) <= 1e-3 * Math.abs(w) ? [] : [`step ${i}: webgpu ${got[i]} cpu ${w}`]));
  expect(bad).toEqual([]);
  expect(want[steps - 1]).toBeLessThan(want[0]);
}

// LeNet from the same seed, weights and batches on both devices: the loss curves agree per step.
it.skipIf(!gpu)(`LeNet trains 50 steps on webgpu following the CPU losses (one-hot cross-entropy)${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => followsCpu('oneHot'), 120_000);

// F.crossEntropy gathers class indices; today gather/scatter validate indices with a synchronous
// read (checkBounds in packages/tensor/src/ops/indexing.ts), which a GPU cannot do. The spine
// rework removes those reads and adds `arange` to the backend contract: this runs from then on.
const spineLanded = typeof (cpu as { arange?: unknown }).arange === 'function';
it.skipIf(!gpu || !spineLanded)(
  `LeNet with F.crossEntropy on webgpu${!gpu ? ` (skipped: ${skipReason})` : !spineLanded ? ' (skipped: gather/scatter still read indices synchronously until the spine lands)' : ''}`,
  () => followsCpu('crossEntropy'), 120_000,
);
