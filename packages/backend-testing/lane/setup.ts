/**
 * Setup of the `testing` lane: every tensor the suites create lands on the asynchronous test
 * device. Library code sees a device without synchronous reads; only the assertions of test files
 * may peek synchronously (so the existing suites run unchanged), which this hook enforces by
 * looking at who called: a read from anywhere under `src/` fails exactly as on a GPU.
 */
import { afterEach, beforeEach } from 'vitest';
import { Tensor, formatTensor, setDefaultDevice } from '@flambeau/tensor';
import { discardChecks, peekSync, testing } from '../src/index.js';
import { LANE_SKIPS } from './skips.js';

setDefaultDevice('testing');

beforeEach((ctx) => {
  const file = ctx.task.file.filepath.replace(/.*\/packages\//, '');
  const names: string[] = [];
  for (let t: { name: string; suite?: unknown } | undefined = ctx.task; t; t = t.suite as typeof t) names.unshift(t.name);
  const name = names.join(' ');
  const skip = LANE_SKIPS.find((s) => s.file === file && s.test.test(name));
  if (skip) ctx.skip(`testing device: ${skip.reason}`);
});
// A failed device-side check belongs to the test that queued it, as a CUDA error to its process.
afterEach(() => discardChecks());

function calledFromTest(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    if (f.includes('/backend-testing/lane/') || f.includes('node:internal') || !f.includes('/')) continue;
    if (/\/packages\/tensor\/src\/tensor\.ts/.test(f)) continue;
    // gradcheck is test tooling: it compares numbers by design (PyTorch's syncs on CUDA too).
    return /\/test\/|\/autograd\/src\/gradcheck\.ts/.test(f);
  }
  return false;
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
const dataSync = proto.dataSync as (this: Tensor) => ReturnType<Tensor['dataSync']>;
proto.dataSync = function (this: Tensor) {
  if (this.backend === testing && calledFromTest()) return peekSync(this);
  return dataSync.call(this);
};
const toString = proto.toString as (this: Tensor) => string;
proto.toString = function (this: Tensor) {
  if (this.backend !== testing || !calledFromTest()) return toString.call(this);
  return formatTensor(this.shape, this.dtype, peekSync(this), { device: 'testing', requiresGrad: this.requiresGrad, gradFn: this.gradFn?.name ?? null });
};
