/**
 * Kernels the active tfjs backend cannot run go to Flambeau's CPU kernels: the inputs are read
 * back (`dataSync`), the CPU kernel runs, the result is uploaded. That costs two transfers per call,
 * so `describeTfjsBackend()` lists these kernels up front; a tfjs backend that cannot read
 * synchronously (webgpu) cannot fall back, and the call fails with a clear error instead.
 */
import { type Backend, type Storage, type StridedView, RuntimeError, cpu } from '@flambeau/tensor';
import { TfjsStorage, fromTfArray } from './storage.js';
import { canReadSync, tf } from './tfjs.js';

function isTfjsView(x: unknown): x is StridedView {
  return x !== null && typeof x === 'object' && 'storage' in x && (x as StridedView).storage instanceof TfjsStorage;
}

function toCpu(v: StridedView): StridedView {
  const s = v.storage as TfjsStorage;
  return { ...v, storage: cpu.fromArray(fromTfArray(s.tensor.dataSync() as ArrayLike<number>, s.dtype), s.dtype) };
}

/** Runs CPU kernel `name` on tfjs views; `upload` turns each CPU result storage into a tfjs one. */
export function onCpu(name: keyof Backend, why: string, args: unknown[], upload: (s: Storage) => Storage): unknown {
  if (!canReadSync()) {
    throw new RuntimeError(
      `tfjs device: the '${tf.getBackend()}' tfjs backend cannot run the ${name} kernel (${why}) and cannot be read synchronously for Flambeau's CPU fallback`,
    );
  }
  const r = (cpu[name] as (...a: unknown[]) => unknown)(...args.map((a) => (isTfjsView(a) ? toCpu(a) : a)));
  return Array.isArray(r) ? r.map((s) => upload(s as Storage)) : upload(r as Storage);
}
