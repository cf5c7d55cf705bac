/**
 * Run by memory.test.ts in a child `node --expose-gc`: 10 000 forward+backward+SGD steps on a
 * small graph, printing the heap (after a full GC) at step 1 000 and at the end, as JSON.
 */
import * as torch from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

torch.manualSeed(0);
const x = torch.randn(4, 8);
const target = torch.randn(4, 2);
const w1 = torch.randn(8, 8).mul(0.1).requiresGrad_();
const w2 = torch.randn(8, 2).mul(0.1).requiresGrad_();
const params = [w1, w2];

const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let early = 0;
const steps = Number(process.argv[2] ?? 10_000);
for (let step = 1; step <= steps; step++) {
  for (const p of params) p.grad = null;
  const h = x.matmul(w1).tanh();
  const loss = h.matmul(w2).sub(target).square().mean();
  loss.backward();
  noGrad(() => { for (const p of params) p.sub_(p.grad!.mul(0.01)); });
  if (step === steps / 10) early = heap();
}
console.log(JSON.stringify({ early, late: heap(), steps }));
