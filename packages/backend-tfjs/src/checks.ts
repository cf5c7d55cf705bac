/**
 * Device-side checks (`deferCheck`) not yet reported: each holds a copy of its flag (and detail)
 * as a tfjs tensor, and the first failed one is raised at the next read or `sync` — CUDA's
 * device-side asserts.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { type StridedView } from '@flambeau/tensor';
import { tf } from './tfjs.js';
import { castTo, reshape, viewTensor } from './views.js';

const pending: { flag: TF.Tensor; detail: TF.Tensor | null; error: (detail: number[]) => Error }[] = [];

/** Queues a check; the views are copied now, as a kernel writing a flag buffer would leave them. */
export function queueCheck(flag: StridedView, detail: StridedView | null, error: (detail: number[]) => Error): void {
  const copy = (v: StridedView) => tf.tidy(() => reshape(castTo(viewTensor(v), v.dtype), [v.shape.reduce((p, q) => p * q, 1)]));
  pending.push({ flag: copy(flag), detail: detail && copy(detail), error });
}

/** Reports the queued checks, reading their flags asynchronously. */
export async function flushChecks(): Promise<void> {
  const checks = pending.splice(0);
  let failed: Error | null = null;
  for (const c of checks) {
    if (!failed && !(await c.flag.data())[0]) failed = c.error(c.detail ? Array.from((await c.detail.data()) as ArrayLike<number>) : []);
    c.flag.dispose();
    c.detail?.dispose();
  }
  if (failed) throw failed;
}

/** Reports the queued checks now, on a tfjs backend that reads synchronously (a `dataSync` is a read too). */
export function flushChecksSync(): void {
  const checks = pending.splice(0);
  let failed: Error | null = null;
  for (const c of checks) {
    if (!failed && !c.flag.dataSync()[0]) failed = c.error(c.detail ? Array.from(c.detail.dataSync() as ArrayLike<number>) : []);
    c.flag.dispose();
    c.detail?.dispose();
  }
  if (failed) throw failed;
}

/** Drops the queued checks unreported (the fixture lane does this between tests, as the testing device does). */
export function discardChecks(): void {
  for (const c of pending.splice(0)) {
    c.flag.dispose();
    c.detail?.dispose();
  }
}
