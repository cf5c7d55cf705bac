import { RuntimeError, type Tensor } from '@flambeau/tensor';
import type { Node } from './node.js';
import { ScopedState } from './scoped_state.js';

interface AnomalyState {
  enabled: boolean;
  checkNan: boolean;
}

/** Scoped per asynchronous context like grad mode, so concurrent work outside `detectAnomaly` is unaffected. */
const state = new ScopedState<AnomalyState>({ enabled: false, checkNan: true });

/** `torch.is_anomaly_enabled()`. */
export function isAnomalyEnabled(): boolean {
  return state.current().enabled;
}

/**
 * `torch.autograd.set_detect_anomaly(mode, check_nan=True)` for the current context: nodes
 * remember the forward call that created them, an error in backward reports that call, and (with
 * `checkNan`) backward fails at the first node that returns a gradient containing NaN.
 */
export function setDetectAnomaly(mode: boolean, checkNan = true): void {
  Object.assign(state.current(), { enabled: mode, checkNan });
}

/**
 * `with torch.autograd.detect_anomaly(check_nan=True):` — anomaly mode for the duration of `fn`
 * (a returned promise keeps it across its `await`s until it settles).
 *
 * @example
 * detectAnomaly(() => loss.backward()); // throws "Function 'DivBackward0' returned nan values in its 0th output."
 */
export function detectAnomaly<R>(fn: () => R, opts: { checkNan?: boolean } = {}): R {
  return state.run({ enabled: true, checkNan: opts.checkNan ?? true }, fn);
}

/**
 * Runs a node's backward in anomaly mode: as PyTorch's engine, an error is preceded by a warning
 * naming the node and the forward call that created it, and NaN (not Inf) in any returned
 * gradient is an error (CPU-readable tensors only).
 */
export function applyChecked(node: Node, grads: Tensor[]): (Tensor | null | undefined)[] {
  try {
    const outs = node.apply(grads);
    if (state.current().checkNan) {
      outs.forEach((g, i) => {
        if (g && g.isFloatingPoint() && g.backend.readSync && g.isnan().any().itemSync()) {
          throw new RuntimeError(`Function '${node.name}' returned nan values in its ${i}th output.`);
        }
      });
    }
    return outs;
  } catch (e) {
    console.warn(`Error detected in ${node.name}. Traceback of forward call that caused the error:\n${node.trace ?? '(no forward trace: the node was created outside anomaly mode)'}`);
    throw e;
  }
}
