/**
 * Device-side checks (`deferCheck`) not yet reported: each holds a copy of its flag (and detail)
 * as a tfjs tensor, and the first failed one is raised at the next read or `sync` — CUDA's
 * device-side asserts.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { type StridedView } from '@flambeau/tensor';
import { tf } from './tfjs.js';
import { castTo, reshape, viewTensor } from './views.js';

interface Check {
  flag: TF.Tensor;
  detail: TF.Tensor | null;
  error: (detail: number[]) => Error;
}

const pending: Check[] = [];

/** Queues a check; the views are copied now, as a kernel writing a flag buffer would leave them. */
export function queueCheck(flag: StridedView, detail: StridedView | null, error: (detail: number[]) => Error): void {
  const copy = (v: StridedView) => tf.tidy(() => reshape(castTo(viewTensor(v), v.dtype), [v.shape.reduce((p, q) => p * q, 1)]));
  pending.push({ flag: copy(flag), detail: detail && copy(detail), error });
}

/** Frees `checks` and raises the error of check `failed` (if any), worded with `detail`. */
function settle(checks: Check[], failed: number, detail: ArrayLike<number> | undefined): void {
  const error = failed >= 0 ? checks[failed].error(detail ? Array.from(detail) : []) : null;
  for (const c of checks) {
    c.flag.dispose();
    c.detail?.dispose();
  }
  if (error) throw error;
}

/** Reports the queued checks, reading their flags asynchronously. */
export async function flushChecks(): Promise<void> {
  const checks = pending.splice(0);
  const flags = await Promise.all(checks.map((c) => c.flag.data()));
  const failed = flags.findIndex((f) => !f[0]);
  settle(checks, failed, failed >= 0 ? ((await checks[failed].detail?.data()) as ArrayLike<number> | undefined) : undefined);
}

/** Reports the queued checks now, on a tfjs backend that reads synchronously (a `dataSync` is a read too). */
export function flushChecksSync(): void {
  const checks = pending.splice(0);
  const failed = checks.findIndex((c) => !c.flag.dataSync()[0]);
  settle(checks, failed, failed >= 0 ? (checks[failed].detail?.dataSync() as ArrayLike<number> | undefined) : undefined);
}

/** Drops the queued checks unreported (the fixture lane does this between tests, as the testing device does). */
export function discardChecks(): void {
  settle(pending.splice(0), -1, undefined);
}
