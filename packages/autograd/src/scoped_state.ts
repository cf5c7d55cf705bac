/**
 * Mode flags (grad mode, anomaly mode) scoped per asynchronous context where the platform has
 * `AsyncLocalStorage` (Node), so `await`s inside a scoped callback keep the mode while concurrent
 * work outside does not; browsers fall back to one global state.
 */

interface AsyncStore<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

function makeStore<T>(): AsyncStore<T> | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: new () => AsyncStore<T> } | undefined;
  return mod?.AsyncLocalStorage ? new mod.AsyncLocalStorage() : null;
}

/** One mode's state: `current()` is the innermost scope's (mutable) state, `run` opens a scope. */
export class ScopedState<T extends object> {
  private readonly store = makeStore<T>();
  private readonly global: T;

  constructor(initial: T) {
    this.global = initial;
  }

  current(): T {
    return this.store?.getStore() ?? this.global;
  }

  /** Runs `fn` with `state`; a returned promise keeps the state until it settles. */
  run<R>(state: T, fn: () => R): R {
    if (this.store) return this.store.run(state, fn);
    const saved = { ...this.global };
    const restore = () => Object.assign(this.global, saved);
    Object.assign(this.global, state);
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
}
