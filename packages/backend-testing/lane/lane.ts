/**
 * A device lane: the fixture suites of tensor, autograd, nn and optim rerun with every tensor on
 * one device that library code sees as asynchronous. Only the assertions of test files may peek
 * synchronously (so the suites run unchanged), which the patched `dataSync`/`toString` enforce by
 * looking at who called: a read from anywhere under `src/` fails exactly as on a GPU. The
 * `testing`, `tfjs` and `webgpu` lanes are all set up through `installLane`.
 */
import { type TestContext, afterEach, beforeEach } from 'vitest';
import { type Backend, type TypedArray, Tensor, formatTensor, setDefaultDevice } from '@flambeau/tensor';

/** A test that cannot hold on the lane's device: its file (under packages/), full name, and why. */
export interface LaneSkip {
  file: string;
  test: RegExp;
  reason: string;
}

export interface DeviceLane {
  /** The device every tensor of the suites lands on; it must offer library code no `readSync`. */
  backend: Backend;
  /** A tensor's row-major values, read synchronously, for test assertions only. */
  peek(t: Tensor): TypedArray;
  /** Tests that cannot hold on the device, each with its reason. */
  skips: readonly LaneSkip[];
  /** Runs after each test (a failed device-side check belongs to the test that queued it, as a CUDA error to its process). */
  afterEach?(): void;
}

let running: TestContext | null = null;

/**
 * Skips the running test, with `reason` as its note: for a device refusing what the test needs
 * (a dtype it cannot hold). Returns without skipping outside a test (the caller then throws).
 */
export function skipRunningTest(reason: string): void {
  if (!running) return;
  // The note is kept even if the test catches the skip's exception (`expect(...).toThrow()`): the
  // runner keeps a pending result's note (it is not in TaskResult's type).
  if (running.task.result) (running.task.result as { note?: string }).note = reason;
  running.skip(reason);
}

function calledFromTest(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    if (/\/backend-[\w-]+\/lane\//.test(f) || f.includes('node:internal') || !f.includes('/')) continue;
    if (/\/packages\/tensor\/src\/tensor\.ts/.test(f)) continue;
    // gradcheck is test tooling: it compares numbers by design (PyTorch's syncs on CUDA too).
    return /\/test\/|\/autograd\/src\/gradcheck\.ts/.test(f);
  }
  return false;
}

/** Makes `lane.backend` the default device of the suites, with its skips and test-only peeking. */
export function installLane(lane: DeviceLane): void {
  const { backend, peek, skips } = lane;
  if (backend.readSync) throw new Error(`device lane: '${backend.name}' offers readSync, so library code could read synchronously`);
  setDefaultDevice(backend.name);

  beforeEach((ctx) => {
    running = ctx;
    const file = ctx.task.file.filepath.replace(/.*\/packages\//, '');
    const names: string[] = [];
    for (let t: { name: string; suite?: unknown } | undefined = ctx.task; t; t = t.suite as typeof t) names.unshift(t.name);
    const name = names.join(' ');
    const skip = skips.find((s) => s.file === file && s.test.test(name));
    if (skip) ctx.skip(`${backend.name} device: ${skip.reason}`);
  });
  afterEach(() => {
    running = null;
    lane.afterEach?.();
  });

  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  const dataSync = proto.dataSync as (this: Tensor) => ReturnType<Tensor['dataSync']>;
  proto.dataSync = function (this: Tensor) {
    if (this.backend === backend && calledFromTest()) return peek(this);
    return dataSync.call(this);
  };
  const toString = proto.toString as (this: Tensor) => string;
  proto.toString = function (this: Tensor) {
    if (this.backend !== backend || !calledFromTest()) return toString.call(this);
    return formatTensor(this.shape, this.dtype, peek(this), { device: backend.name, requiresGrad: this.requiresGrad, gradFn: this.gradFn?.name ?? null });
  };
}

export { LANE_SKIPS } from './skips.js';
