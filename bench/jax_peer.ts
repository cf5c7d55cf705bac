/**
 * jax-js (`@jax-js/jax`, its WebAssembly backend, functions under `jit` as its docs recommend) on
 * the kernel cases of bench/run.ts, timed by run.ts between the other engines. jax-js arrays are consumed by the ops they enter, so every
 * call passes `.ref` to keep the inputs alive. Training steps are not written for it yet.
 */
import * as jax from '@jax-js/jax';
import type { BenchCase } from './tfjs_peer.js';

const np = jax.numpy;
type Arr = ReturnType<typeof np.ones>;

/** A case's awaited step on jax-js, or why it cannot run. */
export function jaxCase(c: BenchCase): (() => Promise<void>) | string {
  const run = (f: (...xs: Arr[]) => Arr, ...xs: Arr[]) => {
    const g = jax.jit(f);
    return async () => {
      const out = g(...xs.map((x) => x.ref));
      await jax.blockUntilReady(out);
      out.dispose();
    };
  };
  switch (c.kind) {
    case 'matmul':
      return run((a, b) => np.matmul(a, b), np.ones([c.m as number, c.k as number]), np.ones([c.k as number, c.n as number]));
    case 'add':
      return run((a, b) => np.add(a, b), np.ones(c.shape as number[]), np.ones(c.shape as number[]));
    case 'sum':
      return run((a) => np.sum(a, c.dim as number), np.ones(c.shape as number[]));
    default:
      return 'not written for jax-js yet';
  }
}

/** Starts jax-js's WebAssembly backend; the reason when it cannot. */
export async function jaxInit(): Promise<string | null> {
  try {
    await jax.init('wasm');
    jax.defaultDevice('wasm');
    return null;
  } catch (e) {
    return `unavailable: ${(e as Error).message}`;
  }
}
