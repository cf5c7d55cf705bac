/**
 * GEMM throughput of the webgpu backend on whatever adapter is present (for the bench README on a
 * real GPU; on lavapipe it only shows the kernel runs). Not a test: never run in CI.
 *   node --conditions=@flambeau/source --import tsx packages/backend-webgpu/bench/gemm.ts [size] [iters]
 */
import { initWebGPU } from '../src/index.js';

const size = Number(process.argv[2] ?? 1024);
const iters = Number(process.argv[3] ?? 10);
const g = await initWebGPU();
const data = Float32Array.from({ length: size * size }, (_, i) => ((i % 17) - 8) / 16);
const a = g.fromArray(data, 'float32');
const v = { storage: a, dtype: 'float32' as const, shape: [1, size, size], strides: [size * size, size, 1], offset: 0 };
g.dispose(g.matmul(v, v, 'float32'));
await g.sync();
const t0 = performance.now();
for (let i = 0; i < iters; i++) g.dispose(g.matmul(v, v, 'float32'));
await g.sync();
const s = (performance.now() - t0) / 1000;
const tflops = (2 * size ** 3 * iters) / s / 1e12;
console.log(JSON.stringify({ date: new Date().toISOString(), adapter: g.info, size, iters, seconds: s, tflops }));
