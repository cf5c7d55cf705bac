/**
 * `pnpm bench:ab`: the CPU's fast paths against the defaults they replace, in one process,
 * interleaved (A, B, A, B, …), fastest of N — the only comparison that means something on a
 * loaded machine. The fast paths: the fused optimizer steps (the `sgdStep_`/`adamStep_`/
 * `rmspropStep_` overrides, against the ops' default sequence of tensor ops) and the true
 * in-place kernels (`binaryInto`/`unaryInto`, against op + copy), and the WebAssembly SIMD
 * kernels (elementwise, sums, optimizer steps, max pool) against the plain-TS kernels.
 */
import { torch, nn } from 'flambeau';
import { setWasmKernels } from '@flambeau/tensor';
import { cnnCase, mlpCase } from './models.js';

/** Where each fast path lives: override keys of `cpu.kernels`, optional kernels of `cpu`. */
const FAST: [Record<string, unknown>, string[]][] = [
  [torch.cpu.kernels as Record<string, unknown>, ['sgdStep_', 'adamStep_', 'rmspropStep_']],
  [torch.cpu as unknown as Record<string, unknown>, ['binaryInto', 'unaryInto']],
];
const saved = FAST.map(([o, keys]) => keys.map((k) => o[k]));
function setFused(on: boolean): void {
  FAST.forEach(([o, keys], i) => keys.forEach((k, j) => {
    if (on) o[k] = saved[i][j];
    else delete o[k];
  }));
}

/** Fastest of `reps` runs of `fn` with the fast path on and off (`set`), interleaved, after warm-up. */
function ab(fn: () => void, reps: number, set: (on: boolean) => void = setFused): { fused: number; unfused: number } {
  const best = { fused: Infinity, unfused: Infinity };
  for (let i = 0; i < reps + 3; i++) {
    for (const on of [true, false]) {
      set(on);
      const t0 = performance.now();
      fn();
      const dt = performance.now() - t0;
      if (i >= 3) best[on ? 'fused' : 'unfused'] = Math.min(best[on ? 'fused' : 'unfused'], dt);
    }
  }
  set(true);
  return best;
}

const report = (name: string, r: { fused: number; unfused: number }) =>
  console.log(`${name} | fast paths ${r.fused.toFixed(2)} ms | defaults ${r.unfused.toFixed(2)} ms | speedup ${(r.unfused / r.fused).toFixed(2)}x`);

const a = torch.rand(1000, 1000);
const b = torch.rand(1000, 1000);
report('a.add_(b), 1000x1000', ab(() => void a.add_(b), 30));
report('a.neg_().abs_(), 1000x1000', ab(() => void a.neg_().abs_(), 30));
report('MLP 784-128-10 Adam: optimizer.step() alone', ab(mlpCase(64).update, 30));
report('MLP 784-128-10 Adam: whole train step, batch 64', ab(mlpCase(64).step, 30));
report('CIFAR CNN SGD momentum 0.9: optimizer.step() alone', ab(cnnCase(64, 0.9).update, 10));
report('CIFAR CNN SGD momentum 0.9: whole train step, batch 64', ab(cnnCase(64, 0.9).step, 5));

const simd = (name: string, fn: () => void, reps: number) => {
  const r = ab(fn, reps, setWasmKernels);
  console.log(`${name} | SIMD kernels ${r.fused.toFixed(2)} ms | plain TS ${r.unfused.toFixed(2)} ms | speedup ${(r.unfused / r.fused).toFixed(2)}x`);
};
simd('a.add(b), 1000x1000', () => void a.add(b), 30);
simd('a.sum(1) and a.sum(0), 1000x1000', () => void [a.sum(1), a.sum(0)], 30);
const pooled = torch.rand(64, 32, 32, 32);
simd('maxPool2d(2), 64x32x32x32', () => void nn.functional.maxPool2d(pooled, 2), 10);
simd('MLP 784-128-10 Adam: whole train step, batch 64', mlpCase(64).step, 30);
