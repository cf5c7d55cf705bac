/**
 * Setup of the `testing` lane: every tensor the suites create lands on the asynchronous test
 * device. Library code sees a device without synchronous reads; only the assertions of test files
 * may peek synchronously (so the existing suites run unchanged), which this hook enforces by
 * looking at who called: a read from anywhere under `src/` fails exactly as on a GPU.
 */
import { Tensor, formatTensor, setDefaultDevice } from '@flambeau/tensor';
import { peekSync, testing } from '../src/index.js';

setDefaultDevice('testing');

function calledFromTest(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    if (f.includes('/backend-testing/lane/') || f.includes('node:internal')) continue;
    if (/\/packages\/tensor\/src\/tensor\.ts/.test(f)) continue;
    return /\/test\//.test(f);
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
