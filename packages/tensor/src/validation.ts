import { ValueError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * When value checks that need device data (index bounds, class targets, integer division by zero)
 * raise their error:
 * - `'sync'`: at once, reading the flag back — the default on devices that read synchronously (the
 *   CPU), so CPU code keeps PyTorch's immediate errors;
 * - `'async'`: the flag stays on the device and the error is raised at the next readback or
 *   `sync()` — CUDA's device-side asserts; the default on asynchronous devices (on the CPU, whose
 *   reads are immediate anyway, it behaves as `'sync'`);
 * - `'off'`: no checks (out-of-range indices then give unspecified values, never a crash).
 */
export type ValidationMode = 'sync' | 'async' | 'off';

let mode: ValidationMode | null = null;

/**
 * `torch.setValidation(mode)`; `null` restores the per-device default.
 *
 * @example torch.setValidation('async'); // CPU checks behave as they do on a GPU
 */
export function setValidation(m: ValidationMode | null): void {
  if (m !== null && m !== 'sync' && m !== 'async' && m !== 'off') {
    throw new ValueError(`setValidation(): mode must be 'sync', 'async', 'off' or null, got ${JSON.stringify(m)}`);
  }
  mode = m;
}

/** The mode `setValidation` set, or `null` for the per-device default. */
export function getValidation(): ValidationMode | null {
  return mode;
}

/**
 * A check's detail computed later by `f(...args)`, built in a scope of its own: V8 gives the
 * closures of one scope a shared context, so a detail closure written beside the error closure
 * would keep its tensors alive for as long as a deferred check holds that error.
 *
 * @example deviceCheck(ok, ([l, h]) => new IndexError(...), lazyDetail(rangeOf, lo, hi));
 */
export function lazyDetail<A extends unknown[]>(f: (...args: A) => Tensor, ...args: A): () => Tensor {
  return () => f(...args);
}

/**
 * Checks on the device that the 0-dim bool tensor `ok` holds true, raising `error(detail)` now or
 * at the next readback as the validation mode says; `detail` (a small tensor, e.g. the offending
 * index range) is read only when the check fails, to word the message. Given as a function, it
 * is computed only where it may be needed: at once for a deferred check, on failure for an
 * immediate one (so a passing CPU check dispatches no op for its message). Devices without
 * synchronous reads and without `deferCheck` skip the check.
 */
export function deviceCheck(ok: Tensor, error: (detail: number[]) => Error, detail?: Tensor | (() => Tensor)): void {
  if (mode === 'off') return;
  const b = ok.backend;
  const flag = ok.contiguous();
  const details = () => (typeof detail === 'function' ? detail() : detail)?.contiguous() ?? null;
  if (b.readSync && (mode !== 'async' || !b.deferCheck)) {
    if (b.readSync(flag.storage)[flag.offset]) return;
    const info = details();
    throw error(info ? Array.from(b.readSync(info.storage).subarray(info.offset, info.offset + info.numel())) : []);
  }
  b.deferCheck?.(flag, details(), error);
}
