import { RuntimeError, type Tensor } from '@flambeau/tensor';
import type { Node } from './node.js';

let enabled = false;

/** `torch.is_anomaly_enabled()`. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/**
 * `torch.autograd.set_detect_anomaly(mode)`: nodes remember the forward call that created them,
 * and backward fails at the first node whose gradient contains NaN or Inf, naming it.
 */
export function setDetectAnomaly(mode: boolean): void {
  enabled = mode;
}

/**
 * `with torch.autograd.detect_anomaly():` — anomaly mode for the duration of `fn` (a returned
 * promise keeps it until it settles).
 *
 * @example
 * detectAnomaly(() => loss.backward()); // throws "Function 'DivBackward0' returned nan values in its 0th output."
 */
export function detectAnomaly<R>(fn: () => R): R {
  const prev = enabled;
  enabled = true;
  let r: R;
  try {
    r = fn();
  } catch (e) {
    enabled = prev;
    throw e;
  }
  if (r instanceof Promise) return r.finally(() => { enabled = prev; }) as R;
  enabled = prev;
  return r;
}

/** Throws if a gradient produced by `node` is not finite (CPU-readable tensors only). */
export function checkGrads(node: Node, grads: readonly (Tensor | null | undefined)[]): void {
  grads.forEach((g, i) => {
    if (!g || !g.isFloatingPoint() || !g.backend.readSync) return;
    const data = g.dataSync();
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        const what = Number.isNaN(data[k]) ? 'nan' : 'inf';
        const where = node.trace ? `\nThe forward call that created it:\n${node.trace}` : '';
        throw new RuntimeError(`Function '${node.name}' returned ${what} values in its ${i}th output.${where}`);
      }
    }
  });
}
