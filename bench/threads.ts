/**
 * The CPU backend on 1 and 2 threads, interleaved, fastest of N: GEMM 1024³, the seed CIFAR
 * CNN training step (batch 64), and the small square GEMMs around the size where splitting
 * starts to pay (with the threshold at 0, so every product is split). Run against the built
 * packages: `node --import tsx bench/threads.ts [cases…]` (no `@flambeau/source` condition).
 */
import { torch } from 'flambeau';
import { setCpuParallelThreshold } from '@flambeau/tensor';
import { cnnCase } from './models.js';

function interleaved(fn: () => void, reps: number, threads: number[]): number[] {
  const best = threads.map(() => Infinity);
  for (let i = 0; i < reps + 2; i++) {
    threads.forEach((t, j) => {
      torch.setNumThreads(t);
      const t0 = performance.now();
      fn();
      if (i >= 2) best[j] = Math.min(best[j], performance.now() - t0);
    });
  }
  return best;
}

const want = process.argv.slice(2);
const on = (name: string) => want.length === 0 || want.includes(name);
const row = (name: string, [one, two]: number[], unit = 'ms') =>
  console.log(`${name} | 1 thread ${one.toFixed(3)} ${unit} | 2 threads ${two.toFixed(3)} ${unit} | ${(one / two).toFixed(2)}x`);

if (on('small')) {
  setCpuParallelThreshold(0);
  for (const n of [32, 48, 64, 80, 96, 128, 160]) {
    const a = torch.rand(n, n), b = torch.rand(n, n);
    const reps = Math.max(20, Math.round(2e8 / n ** 3));
    const t = interleaved(() => { for (let i = 0; i < 10; i++) a.matmul(b); }, reps, [1, 2]).map((x) => x / 10);
    row(`matmul ${n}³ (${n ** 3} multiply-adds), split`, t);
  }
  setCpuParallelThreshold(null);
}
if (on('gemm')) {
  const a = torch.rand(1024, 1024), b = torch.rand(1024, 1024);
  const t = interleaved(() => void a.matmul(b), 10, [1, 2]);
  row('matmul 1024³', t);
  console.log(`  GFLOPS: 1 thread ${(2 * 1024 ** 3 / t[0] / 1e6).toFixed(1)}, 2 threads ${(2 * 1024 ** 3 / t[1] / 1e6).toFixed(1)}`);
}
if (on('cnn')) row('CIFAR CNN SGD train step, batch 64', interleaved(cnnCase(64).step, 8, [1, 2]));
