/**
 * Grad mode: whether ops record autograd nodes. The state is per asynchronous context where the
 * platform has `AsyncLocalStorage` (Node), so `await`s inside `noGrad(async () => ...)` keep the
 * mode while concurrent work outside does not; browsers fall back to one global state.
 */

interface GradState {
  enabled: boolean;
  inference: boolean;
}

interface AsyncStore<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

function makeStore(): AsyncStore<GradState> | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: new () => AsyncStore<GradState> } | undefined;
  return mod?.AsyncLocalStorage ? new mod.AsyncLocalStorage() : null;
}

const store = makeStore();
const globalState: GradState = { enabled: true, inference: false };

function current(): GradState {
  return store?.getStore() ?? globalState;
}

/** Runs `fn` with `state`; a returned promise keeps the state until it settles. */
function runWith<R>(state: GradState, fn: () => R): R {
  if (store) return store.run(state, fn);
  const saved = { ...globalState };
  const restore = () => Object.assign(globalState, saved);
  Object.assign(globalState, state);
  let r: R;
  try {
    r = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (r instanceof Promise) return r.finally(restore) as R;
  restore();
  return r;
}

/** `torch.is_grad_enabled()`. */
export function isGradEnabled(): boolean {
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
