/**
 * `pnpm bench`: Flambeau, PyTorch, TensorFlow.js (CPU and WebAssembly backends) and jax-js
 * (WebAssembly) on the same shapes in one run; the figure is the ratio (Flambeau time / PyTorch time, 1 thread each).
 * Absolute times on shared 2-core machines are noise.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { torch, nn } from 'flambeau';
import { loaderThroughput, writeBenchCifar } from './loader.js';
import { cnnCase, mlpCase } from './models.js';
import { type TfBackend, tfCase, useTf } from './tfjs_peer.js';
import { jaxTimes } from './jax_peer.js';

interface Case { name: string; kind: string; [k: string]: unknown }

const cases: Case[] = [
  { name: 'matmul 256x256x256', kind: 'matmul', m: 256, k: 256, n: 256 },
  { name: 'matmul 1024x1024x1024', kind: 'matmul', m: 1024, k: 1024, n: 1024 },
  { name: 'matmul 16384x800x32 (im2col-like)', kind: 'matmul', m: 16384, k: 800, n: 32 },
  { name: 'add 1M', kind: 'add', shape: [1000, 1000] },
  { name: 'sum dim 1 of 1000x1000', kind: 'sum', shape: [1000, 1000], dim: 1 },
  { name: 'conv2d 64x3x32x32 * 32x3x5x5 pad 2', kind: 'conv2d', x: [64, 3, 32, 32], w: [32, 3, 5, 5], padding: 2 },
  { name: 'CIFAR CNN train step, batch 64 (API-EXAMPLE model)', kind: 'cnn_step', batch: 64 },
  { name: 'MLP 784-128-10 Adam train step, batch 64', kind: 'mlp_step', batch: 64 },
  { name: 'DataLoader CIFAR augment, 0 workers', kind: 'loader', n: 10_000, workers: 0 },
  { name: 'DataLoader CIFAR augment, 2 workers', kind: 'loader', n: 10_000, workers: 2 },
];

function timeit(fn: () => void, warmup = 2, reps = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

function flambeauCase(c: Case): () => void {
  switch (c.kind) {
    case 'matmul': {
      const a = torch.rand(c.m as number, c.k as number);
      const b = torch.rand(c.k as number, c.n as number);
      return () => void a.matmul(b);
    }
    case 'add': {
      const a = torch.rand(c.shape as number[]);
      const b = torch.rand(c.shape as number[]);
      return () => void a.add(b);
    }
    case 'sum': {
      const a = torch.rand(c.shape as number[]);
      return () => void a.sum(c.dim as number);
    }
    case 'conv2d': {
      const x = torch.rand(c.x as number[]);
      const w = torch.rand(c.w as number[]);
      return () => void nn.functional.conv2d(x, w, { padding: c.padding as number });
    }
    case 'cnn_step':
      return cnnCase(c.batch as number).step;
    case 'mlp_step':
      return mlpCase(c.batch as number).step;
    default:
      throw new Error(`unknown bench case ${c.kind}`);
  }
}

const only = process.argv[2];
const selected = only ? cases.filter((c) => c.name.includes(only)) : cases;
const script = fileURLToPath(new URL('./torch_bench.py', import.meta.url));
let ref: Record<string, number> = {};
try {
  ref = JSON.parse(execFileSync('/usr/bin/python3', [script, JSON.stringify(selected), '1'], { encoding: 'utf8' }));
} catch (e) {
  console.error(`PyTorch reference unavailable (apt-get install python3-torch libopenblas0-openmp): ${(e as Error).message.split('\n')[0]}`);
}
// TensorFlow.js first, backend by backend (switching backends per case would re-upload).
const peers: Record<TfBackend, Record<string, string>> = { cpu: {}, wasm: {} };
for (const backend of ['cpu', 'wasm'] as TfBackend[]) {
  try {
    await useTf(backend);
  } catch (e) {
    for (const c of selected) peers[backend][c.name] = `unavailable: ${(e as Error).message}`;
    continue;
  }
  for (const c of selected) {
    if (c.kind === 'loader') continue;
    const fn = tfCase(c, backend);
    peers[backend][c.name] = typeof fn === 'string' ? fn : `${(timeit(fn) * 1e3).toFixed(2)} ms`;
  }
}
const jaxjs = await jaxTimes(selected.filter((c) => c.kind !== 'loader'));
console.log('case | flambeau | pytorch | ratio (flambeau time / pytorch time; below 1 is faster) | tfjs-cpu | tfjs-wasm | jax-js wasm');
let cifarRoot: string | null = null;
for (const c of selected) {
  if (c.kind === 'loader') {
    cifarRoot ??= writeBenchCifar(c.n as number);
    const f = await loaderThroughput(cifarRoot, c.workers as number);
    const p = ref[c.name];
    // Throughput: higher is better, so the ratio is PyTorch's rate over Flambeau's (time-like).
    console.log(`${c.name} | ${f.toFixed(0)} img/s | ${p ? p.toFixed(0) + ' img/s' : '-'} | ${p ? (p / f).toFixed(2) + 'x' : '-'} | - | - | -`);
    continue;
  }
  const f = timeit(flambeauCase(c));
  const p = ref[c.name];
  console.log(`${c.name} | ${(f * 1e3).toFixed(2)} ms | ${p ? (p * 1e3).toFixed(2) + ' ms' : '-'} | ${p ? (f / p).toFixed(2) + 'x' : '-'} | ${peers.cpu[c.name] ?? '-'} | ${peers.wasm[c.name] ?? '-'} | ${jaxjs[c.name] ?? '-'}`);
}
