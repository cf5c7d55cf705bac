/**
 * Hooks shared by the device lanes (`testing`, `webgpu`), which rerun the fixture suites on an
 * asynchronous device. Library code sees a device without synchronous reads, but the assertions of
 * test files may read at once, so the existing suites run unchanged. Who called is told by the
 * stack: a read from anywhere under `src/` fails exactly as on a GPU.
 */
import { beforeEach } from 'vitest';
import { type Backend, Tensor, type TypedArray, formatTensor } from '@flambeau/tensor';

/** A test a lane cannot run, keyed by test file (under packages/) and a pattern of its full name. */
export interface LaneSkip { file: string; test: RegExp; reason: string }

/** Skips the listed tests, the reason prefixed by `label` (the device). */
export function skipListed(label: string, skips: readonly LaneSkip[]): void {
  beforeEach((ctx) => {
    const file = ctx.task.file.filepath.replace(/.*\/packages\//, '');
    const names: string[] = [];
    for (let t: { name: string; suite?: unknown } | undefined = ctx.task; t; t = t.suite as typeof t) names.unshift(t.name);
    const name = names.join(' ');
    const skip = skips.find((s) => s.file === file && s.test.test(name));
    if (skip) ctx.skip(`${label}: ${skip.reason}`);
  });
}

export function calledFromTest(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    if (/\/backend-[\w-]+\/lane\//.test(f) || f.includes('node:internal') || !f.includes('/')) continue;
    if (/\/packages\/tensor\/src\/tensor\.ts/.test(f)) continue;
    // gradcheck is test tooling: it compares numbers by design (PyTorch's syncs on CUDA too).
    return /\/test\/|\/autograd\/src\/gradcheck\.ts/.test(f);
  }
  return false;
}

/** Lets test files call `dataSync()` and print tensors of `backend`, reading them with `peek`. */
export function allowTestPeeks(backend: Backend, peek: (t: Tensor) => TypedArray): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  const dataSync = proto.dataSync as (this: Tensor) => ReturnType<Tensor['dataSync']>;
  proto.dataSync = function (this: Tensor) {
    if (this.backend === backend && calledFromTest()) return peek(this);
    return dataSync.call(this);
  };
  const toString = proto.toString as (this: Tensor) => string;
  proto.toString = function (this: Tensor) {
    if (this.backend !== backend || !calledFromTest()) return toString.call(this);
    return formatTensor(this.shape, this.dtype, peek(this), { device: String(this.device), requiresGrad: this.requiresGrad, gradFn: this.gradFn?.name ?? null });
  };
}
