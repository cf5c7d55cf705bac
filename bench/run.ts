/**
 * `pnpm bench`: Flambeau and PyTorch on the same shapes in one run; the figure is the ratio
 * (Flambeau time / PyTorch time, 1 thread each). Absolute times on shared 2-core machines are noise.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as torch from '@flambeau/tensor';

interface Case { name: string; kind: string; [k: string]: unknown }

const cases: Case[] = [
  { name: 'matmul 256x256x256', kind: 'matmul', m: 256, k: 256, n: 256 },
  { name: 'matmul 1024x1024x1024', kind: 'matmul', m: 1024, k: 1024, n: 1024 },
  { name: 'matmul 16384x800x32 (im2col-like)', kind: 'matmul', m: 16384, k: 800, n: 32 },
  { name: 'add 1M', kind: 'add', shape: [1000, 1000] },
  { name: 'sum dim 1 of 1000x1000', kind: 'sum', shape: [1000, 1000], dim: 1 },
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
console.log('case | flambeau ms | pytorch ms | ratio (flambeau/pytorch)');
for (const c of selected) {
  const f = timeit(flambeauCase(c));
  const p = ref[c.name];
  console.log(`${c.name} | ${(f * 1e3).toFixed(2)} | ${p ? (p * 1e3).toFixed(2) : '-'} | ${p ? (f / p).toFixed(1) + 'x' : '-'}`);
}
