/**
 * jax-js (`@jax-js/jax`, its WebAssembly backend, functions under `jit` as its docs recommend) on
 * the kernel cases of bench/run.ts. jax-js arrays are consumed by the ops they enter, so every
 * call passes `.ref` to keep the inputs alive. Training steps are not written for it yet.
 */
import * as jax from '@jax-js/jax';
import type { BenchCase } from './tfjs_peer.js';

const np = jax.numpy;
type Arr = ReturnType<typeof np.ones>;

/** Fastest of `reps` awaited runs after `warmup`, in seconds. */
async function timeAsync(fn: () => Promise<void>, warmup = 2, reps = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

function jaxCase(c: BenchCase): (() => Promise<void>) | string {
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

/** Times of every case on jax-js's WebAssembly backend, or why a case did not run. */
export async function jaxTimes(cases: readonly BenchCase[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  try {
    await jax.init('wasm');
    jax.defaultDevice('wasm');
  } catch (e) {
    for (const c of cases) out[c.name] = `unavailable: ${(e as Error).message}`;
    return out;
  }
  for (const c of cases) {
    const fn = jaxCase(c);
    out[c.name] = typeof fn === 'string' ? fn : `${((await timeAsync(fn)) * 1e3).toFixed(2)} ms`;
  }
  return out;
}
