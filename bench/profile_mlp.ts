/**
 * The MLP 784-128-10 Adam training step (batch 64) alone, for `node --cpu-prof`: warms up, then
 * runs `steps` steps at `threads` threads and prints the fastest and median step. Run against the
 * built packages: `node --cpu-prof bench/dist/profile_mlp.js [steps] [threads]`.
 */
import { torch } from 'flambeau';
import { mlpCase } from './models.js';

const steps = Number(process.argv[2] ?? 2000);
const threads = Number(process.argv[3] ?? 1);
torch.setNumThreads(threads);
const { step } = mlpCase(64);
for (let i = 0; i < 200; i++) step();
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`MLP Adam step, ${threads} thread(s): fastest ${times[0].toFixed(3)} ms, median ${times[times.length >> 1].toFixed(3)} ms`);
