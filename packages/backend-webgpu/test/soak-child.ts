/**
 * The Dawn-crash soak loop, run in its own process by soak.test.ts (a native crash must fail the
 * test, not kill the test runner): each step encodes a little GPU work, reads a value back, then
 * keeps the JS thread busy, as a training loop that logs and prepares the next batch does. Every
 * 100 steps a full GC runs: if the backend stopped pinning Dawn's GPU object, the collector would
 * free the native instance and the next event poll would crash the process (see src/device.ts).
 */
import { initWebGPU } from '../src/index.js';

const steps = Number(process.env.SOAK_STEPS ?? 2000);
const busyMs = Number(process.env.SOAK_BUSY_MS ?? 25);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const g = await initWebGPU();
const n = 64;
const a = g.fromArray(Float32Array.from({ length: n * n }, (_, i) => ((i % 7) - 3) / 8), 'float32');
const view = (s: typeof a, shape: number[]) => ({ storage: s, dtype: s.dtype, shape, strides: shape.length === 3 ? [shape[1] * shape[2], shape[2], 1] : [1], offset: 0 });
let check = 0;
for (let step = 0; step < steps; step++) {
  const m = g.matmul(view(a, [1, n, n]), view(a, [1, n, n]), 'float32');
  const s = g.reduce('sum', view(m, [n * n]), [0], 'float32');
  const v = (await g.read(s))[0];
  g.dispose(m);
  g.dispose(s);
  if (step === 0) check = v;
  else if (v !== check) throw new Error(`step ${step}: got ${v}, want ${check}`);
  // Busy JS after the readback on every 10th step (a log line, a batch being prepared).
  if (step % 10 === 0) { const t = performance.now(); while (performance.now() - t < busyMs) { /* busy */ } }
  if (step % 100 === 99) gc();
}
console.log(`soak ok: ${steps} steps, value ${check}, buffers created ${g.stats.allocations}`);
