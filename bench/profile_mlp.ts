/**
 * The MLP 784-128-10 Adam training step (batch 64) alone, for `node --cpu-prof` and for A/B runs
 * of two builds: warms up, then runs `steps` steps at `threads` threads and prints the fastest
 * time of each phase (zeroGrad, forward, loss, backward, optimizer step) and of the whole step.
 * Run against the built packages: `node --cpu-prof bench/dist/profile_mlp.js [steps] [threads]`.
 */
import { torch, nn, optim } from 'flambeau';

const steps = Number(process.argv[2] ?? 1000);
const threads = Number(process.argv[3] ?? 1);
torch.setNumThreads(threads);
torch.manualSeed(0);
const net = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
const x = torch.rand(64, 784);
const y = torch.randint(0, 10, [64]);
const lossFn = new nn.CrossEntropyLoss();

const phases = ['zeroGrad', 'forward', 'loss', 'backward', 'step', 'total'] as const;
const best = Object.fromEntries(phases.map((p) => [p, Infinity])) as Record<(typeof phases)[number], number>;
// The first 200 steps warm V8 up (PERF-NOTES: the first calls run several times slower).
for (let i = 0; i < 200 + steps; i++) {
  const t = [performance.now()];
  opt.zeroGrad();
  t.push(performance.now());
  const out = net(x);
  t.push(performance.now());
  const loss = lossFn(out, y);
  t.push(performance.now());
  loss.backward();
  t.push(performance.now());
  opt.step();
  t.push(performance.now());
  if (i < 200) continue;
  for (let p = 0; p < 5; p++) best[phases[p]] = Math.min(best[phases[p]], t[p + 1] - t[p]);
  best.total = Math.min(best.total, t[5] - t[0]);
}
console.log(`MLP Adam step, ${threads} thread(s), fastest of ${steps}: ${phases.map((p) => `${p} ${(best[p] * 1000).toFixed(0)} µs`).join(', ')}`);
