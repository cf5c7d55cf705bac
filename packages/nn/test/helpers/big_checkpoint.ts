// Child process of big_checkpoint.test.ts: `save PATH GB` builds a state dict of GB gigabytes
// (float32 tensors of 250 MB, each filled with its index) and saves it; `load PATH GB` loads it
// and checks every tensor. Prints one JSON line: seconds, peak RSS and the tensors' bytes.
import * as nn from '@flambeau/nn';
import { full } from '@flambeau/tensor';

const [mode, path, gb] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const per = 250_000_000;
const count = Math.round((gb * 1e9) / per);
const t0 = performance.now();
if (mode === 'save') {
  const sd: Record<string, ReturnType<typeof full>> = {};
  for (let i = 0; i < count; i++) sd[`layer${i}.weight`] = full([per / 4 / 1000, 1000], i, { dtype: 'float32' });
  const t1 = performance.now();
  nn.save(sd, path);
  report((performance.now() - t1) / 1000);
} else {
  const sd = nn.load(path);
  const secs = (performance.now() - t0) / 1000;
  for (let i = 0; i < count; i++) {
    const d = sd[`layer${i}.weight`].dataSync();
    if (d.length !== per / 4 || d[0] !== i || d[d.length - 1] !== i || d[d.length >> 1] !== i) throw new Error(`layer${i} is wrong`);
  }
  if (Object.keys(sd).length !== count) throw new Error('wrong tensor count');
  report(secs);
}
function report(seconds: number): void {
  process.stdout.write(`${JSON.stringify({ seconds, peakRss: process.resourceUsage().maxRSS * 1024, tensorBytes: count * per })}\n`);
}
