/**
 * Grad mode: whether ops record autograd nodes, per asynchronous context (`await`s inside
 * `noGrad(async () => ...)` keep the mode while concurrent work outside does not).
 */
import { declare, parseArgs } from '@flambeau/tensor';
import { ScopedState } from './scoped_state.js';

interface GradState {
  enabled: boolean;
  inference: boolean;
}

const state = new ScopedState<GradState>({ enabled: true, inference: false });

function current(): GradState {
  return state.current();
}

function runWith<R>(s: GradState, fn: () => R): R {
  return state.run(s, fn);
}

const IS_GRAD_ENABLED = declare('torch.isGradEnabled', 'is_grad_enabled()');
/**
 * Whether ops record autograd nodes here (off inside `noGrad`). PyTorch: `torch.is_grad_enabled()`.
 *
 * @example
 * torch.noGrad(() => torch.isGradEnabled()); // false
 */
export function isGradEnabled(...args: [] | [Record<string, never>]): boolean {
  if (args.length > 0) parseArgs(IS_GRAD_ENABLED, args);
  return current().enabled;
}

/** `torch.is_inference_mode_enabled()`. */
export function isInferenceModeEnabled(): boolean {
  return current().inference;
}

/**
 * `torch.set_grad_enabled(mode)`: sets grad mode for the current context (inside a `noGrad`
 * callback only that callback's scope changes).
 */
export function setGradEnabled(enabled: boolean): void {
  current().enabled = enabled;
}

/** Runs `fn` with grad mode set to `enabled` (the context-manager form of `set_grad_enabled`). */
export function withGradEnabled<R>(enabled: boolean, fn: () => R): R {
  const s = current();
  if (s.enabled === enabled) return fn();
  return runWith({ ...s, enabled }, fn);
}

/**
 * `with torch.no_grad():` — ops inside `fn` record nothing. Async functions keep the mode across
 * their `await`s.
 *
 * @example
 * noGrad(() => w.sub_(w.grad!.mul(lr)));
 */
export function noGrad<R>(fn: () => R): R {
  return withGradEnabled(false, fn);
}

/** `with torch.enable_grad():` — re-enables recording inside a `noGrad` scope. */
export function enableGrad<R>(fn: () => R): R {
  return withGradEnabled(true, fn);
}

/**
 * `with torch.inference_mode():` — like `noGrad`, and marks the scope as inference
 * (`isInferenceModeEnabled()`).
 */
export function inferenceMode<R>(fn: () => R): R {
  return runWith({ enabled: false, inference: true }, fn);
}
