/**
 * Peak resident set of a training run in a fresh process (`node bench/dist/rss_child.js MODEL
 * STEPS`): bench/run.ts runs it next to `torch_bench.py rss`, so neither engine's figure includes
 * the other's, nor the peers'.
 */
import { type ModelName, modelCase } from './models.js';

const [model, steps] = [process.argv[2] as ModelName, Number(process.argv[3])];
const { step } = modelCase(model, 64);
for (let i = 0; i < steps; i++) step();
// resourceUsage reports kilobytes.
console.log(JSON.stringify({ maxrss_mb: process.resourceUsage().maxRSS / 1024 }));
