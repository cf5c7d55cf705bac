/**
 * `pnpm bench`: Flambeau (the built `dist/`, what users run), PyTorch, TensorFlow.js (CPU and
 * WebAssembly backends) and jax-js (WebAssembly) on the same shapes in one run. Engines are
 * interleaved — each round times every engine on the case in turn — and the figure is the fastest
 * time over the rounds, so a burst of load on the shared machine hits all of them alike. The ratio
 * is Flambeau's time over PyTorch's (below 1: Flambeau is faster).
 *
 * Options: `--quick` (fewer rounds and repetitions, no DataLoader cases: about 3 minutes),
 * `--threads N` (PyTorch's `set_num_threads`, and Flambeau's where it has `setNumThreads`; default 1),
 * `--json FILE` (where the results go; default bench/last-run.json), and any other argument keeps
 * only the cases whose name contains it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { torch, nn } from 'flambeau';
import { loaderThroughput, writeBenchCifar } from './loader.js';
import { type ModelName, inferCase, modelCase } from './models.js';
import { type BenchCase, type TfBackend, tfCase, useTf } from './tfjs_peer.js';
import { jaxCase, jaxInit } from './jax_peer.js';

interface Case extends BenchCase {
  /** Left out of `--quick`. */
  slow?: boolean;
}

const conv = (name: string, x: number[], w: number[]) => [
  { name: `conv2d ${name} ${x.join('x')} * ${w.join('x')} pad 2`, kind: 'conv2d', x, w, padding: 2 },
  // The first layer's input is the image: no input gradient, as in training.
  { name: `conv2d ${name} forward+backward`, kind: 'conv2d_bwd', x, w, padding: 2, inputGrad: x[1] !== 3 },
];

const CASES: Case[] = [
  { name: 'matmul 256x256x256', kind: 'matmul', m: 256, k: 256, n: 256 },
  { name: 'matmul 512x512x512', kind: 'matmul', m: 512, k: 512, n: 512 },
  { name: 'matmul 1024x1024x1024', kind: 'matmul', m: 1024, k: 1024, n: 1024 },
  { name: 'matmul 16384x800x32 (im2col-like)', kind: 'matmul', m: 16384, k: 800, n: 32 },
  { name: 'add 1M', kind: 'add', shape: [1000, 1000] },
  { name: 'sum dim 1 of 1000x1000', kind: 'sum', shape: [1000, 1000], dim: 1 },
  { name: 'sum dim 0 of 1000x1000', kind: 'sum', shape: [1000, 1000], dim: 0 },
  ...conv('layer 1', [64, 3, 32, 32], [32, 3, 5, 5]),
  ...conv('layer 2', [64, 32, 16, 16], [32, 32, 5, 5]),
  ...conv('layer 3', [64, 32, 8, 8], [64, 32, 5, 5]),
  { name: 'CIFAR CNN train step, batch 64 (API-EXAMPLE model)', kind: 'train', model: 'cnn', batch: 64 },
  { name: 'LeNet train step, batch 64', kind: 'train', model: 'lenet', batch: 64 },
  { name: 'MLP 784-128-10 Adam train step, batch 64', kind: 'train', model: 'mlp', batch: 64 },
  { name: 'CIFAR CNN inference, batch 256', kind: 'infer', model: 'cnn', batch: 256 },
  { name: 'peak RSS, CIFAR CNN training batch 64', kind: 'rss', model: 'cnn' },
  { name: 'DataLoader CIFAR augment, 0 workers', kind: 'loader', n: 10_000, workers: 0, slow: true },
  { name: 'DataLoader CIFAR augment, 2 workers', kind: 'loader', n: 10_000, workers: 2, slow: true },
];

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const quick = flag('--quick');
const threads = Number(option('--threads', '1'));
const jsonPath = option('--json', fileURLToPath(new URL('../last-run.json', import.meta.url)));
const filters = argv.filter((a, i) => !a.startsWith('--') && !['--threads', '--json'].includes(argv[i - 1]));
const selected = CASES.filter((c) => (!quick || !c.slow) && (filters.length === 0 || filters.some((f) => c.name.includes(f))));
/** Rounds of the interleaving, and repetitions per engine per round (the slow cases fewer). */
const ROUNDS = quick ? 2 : 3;
const repsFor = (c: Case) => (c.kind === 'train' && c.model === 'cnn') || c.kind === 'infer' ? (quick ? 2 : 4) : quick ? 4 : 8;
const RSS_STEPS = quick ? 5 : 20;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const TORCH_SCRIPT = here('../torch_bench.py');

const setThreads = (torch as { setNumThreads?: (n: number) => void }).setNumThreads;
if (setThreads) setThreads(threads);
else if (threads !== 1) console.error(`Flambeau has no torch.setNumThreads here: it runs on 1 thread, PyTorch on ${threads}`);

/** A step to time: synchronous (Flambeau, tfjs) or awaited (jax-js). */
type Step = () => void | Promise<void>;
/** What an engine does for one case: a step, or why it cannot run it. */
type Prepared = { step: Step } | { reason: string };

/** A step slower than this is timed once per round, and in one round only (tfjs-cpu's GEMMs take seconds). */
const SLOW_S = 1;

/**
 * Warm-up before an engine's first timed round: up to this many steps, stopping once this many
 * seconds have passed. V8 optimises a step's code only after it has run a while (the MLP step
 * runs 2–3× its steady-state time over its first 30 calls), and a training step runs thousands of
 * times, so every engine, PyTorch included, is timed warm. Later rounds warm up once.
 */
const WARM_STEPS = 50;
const WARM_S = 1;

/** Fastest of `reps` runs after up to `warm` warm-up runs (fewer after WARM_S), in seconds. */
async function timeSteps(step: Step, reps: number, warm: number): Promise<number> {
  const t0 = performance.now();
  await step();
  if ((performance.now() - t0) / 1000 > SLOW_S) reps = 1;
  for (let i = 1; i < warm && performance.now() - t0 < WARM_S * 1000; i++) await step();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await step();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

function flambeauStep(c: Case): Step {
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
    case 'conv2d_bwd': {
      const x = torch.rand(c.x as number[], { requiresGrad: c.inputGrad as boolean });
      const w = torch.rand(c.w as number[], { requiresGrad: true });
      const b = torch.rand([(c.w as number[])[0]], { requiresGrad: true });
      return () => {
        w.grad = b.grad = x.grad = null;
        const y = nn.functional.conv2d(x, w, b, { padding: c.padding as number });
        y.backward(torch.onesLike(y));
      };
    }
    case 'train':
      return modelCase(c.model as ModelName, c.batch as number).step;
    case 'infer':
      return inferCase(c.model as ModelName, c.batch as number);
    default:
      throw new Error(`unknown bench case ${c.kind}`);
  }
}

/** PyTorch in a persistent process: requests and answers are JSON lines. */
class TorchPeer {
  private readonly proc = spawn('/usr/bin/python3', [TORCH_SCRIPT, 'serve', String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] });
  private readonly lines = createInterface({ input: this.proc.stdout! })[Symbol.asyncIterator]();
  private dead: string | null = null;

  constructor() {
    this.proc.on('error', (e) => (this.dead = e.message));
  }

  async ask(req: object): Promise<Record<string, unknown>> {
    if (this.dead) return { error: this.dead };
    this.proc.stdin!.write(`${JSON.stringify(req)}\n`);
    const { value, done } = await this.lines.next();
    if (done) this.dead = 'PyTorch process exited (apt-get install python3-torch libopenblas0-openmp)';
    return done ? { error: this.dead } : JSON.parse(value as string);
  }

  close(): void {
    this.proc.stdin!.end();
  }
}

const torchPeer = new TorchPeer();
const jaxReady = await jaxInit();
type Engine = 'flambeau' | 'pytorch' | `tfjs-${TfBackend}` | 'jax-js';
const ENGINES: Engine[] = ['flambeau', 'pytorch', 'tfjs-cpu', 'tfjs-wasm', 'jax-js'];
let tfActive: TfBackend | null = null;

/** Switches tfjs's backend when the next engine needs another one (tensors stay where they were made). */
async function tfOn(backend: TfBackend): Promise<string | null> {
  if (tfActive === backend) return null;
  try {
    await useTf(backend);
    tfActive = backend;
    return null;
  } catch (e) {
    return `unavailable: ${(e as Error).message}`;
  }
}

async function prepare(engine: Engine, c: Case): Promise<Prepared> {
  if (engine === 'flambeau') return { step: flambeauStep(c) };
  if (engine === 'pytorch') {
    const r = await torchPeer.ask({ op: 'setup', case: c });
    return r.error ? { reason: String(r.error) } : { step: async () => {} };
  }
  if (engine === 'jax-js') {
    if (jaxReady) return { reason: jaxReady };
    const fn = jaxCase(c);
    return typeof fn === 'string' ? { reason: fn } : { step: fn };
  }
  const backend = engine === 'tfjs-cpu' ? 'cpu' : 'wasm';
  // Its plain-JS GEMMs and convolutions take seconds a call: only its cheap cases in --quick.
  if (quick && backend === 'cpu' && !['add', 'sum'].includes(c.kind) && !(c.kind === 'matmul' && (c.m as number) <= 256) && c.model !== 'mlp') {
    return { reason: 'not run in --quick (seconds per step)' };
  }
  const off = await tfOn(backend);
  if (off) return { reason: off };
  const fn = tfCase(c, backend);
  return typeof fn === 'string' ? { reason: fn } : { step: fn };
}

/** Seconds per step of each engine on `c` (fastest over the interleaved rounds), or its reason. */
async function timeCase(c: Case): Promise<Record<Engine, number | string>> {
  const prepared = {} as Record<Engine, Prepared>;
  for (const e of ENGINES) prepared[e] = await prepare(e, c);
  const out = {} as Record<Engine, number | string>;
  for (const e of ENGINES) {
    const p = prepared[e];
    out[e] = 'reason' in p ? p.reason : Infinity;
  }
  const reps = repsFor(c);
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of ENGINES) {
      const p = prepared[e];
      if ('reason' in p || (round > 0 && (out[e] as number) > SLOW_S)) continue;
      let t: number;
      if (e === 'pytorch') {
        const r = await torchPeer.ask({ op: 'time', name: c.name, warmup: round === 0 ? WARM_STEPS : 1, warmupSeconds: WARM_S, reps });
        if (r.error) {
          out[e] = String(r.error);
          continue;
        }
        t = r.seconds as number;
      } else {
        if (e.startsWith('tfjs-')) await tfOn(e === 'tfjs-cpu' ? 'cpu' : 'wasm');
        t = await timeSteps(p.step, reps, round === 0 ? WARM_STEPS : 1);
      }
      out[e] = Math.min(out[e] as number, t);
    }
  }
  return out;
}

/** Peak RSS of a fresh training process of each engine, in MB. */
function peakRss(c: Case): Record<string, number | string> {
  const run = (cmd: string, args: string[]): number | string => {
    try {
      return JSON.parse(execFileSync(cmd, args, { encoding: 'utf8' })).maxrss_mb;
    } catch (e) {
      return `failed: ${(e as Error).message.split('\n')[0]}`;
    }
  };
  return {
    flambeau: run(process.execPath, [here('./rss_child.js'), c.model as string, String(RSS_STEPS)]),
    pytorch: run('/usr/bin/python3', [TORCH_SCRIPT, 'rss', c.model as string, String(RSS_STEPS), String(threads)]),
  };
}

const ms = (v: number | string | undefined) => (typeof v === 'number' ? `${(v * 1e3).toFixed(2)} ms` : (v ?? '-'));
const ratio = (f: unknown, p: unknown) => (typeof f === 'number' && typeof p === 'number' ? `${(f / p).toFixed(2)}x` : '-');

console.log(`# pnpm bench${quick ? ' --quick' : ''}: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ` +
  `${threads} thread(s), ${ROUNDS} interleaved rounds, ${new Date().toISOString()}`);
console.log('case | flambeau | pytorch | ratio (flambeau time / pytorch time; below 1 is faster) | tfjs-cpu | tfjs-wasm | jax-js wasm');
const results: Record<string, Record<string, number | string>> = {};
let cifarRoot: string | null = null;
for (const c of selected) {
  if (c.kind === 'rss') {
    const r = (results[c.name] = peakRss(c));
    const mb = (v: number | string) => (typeof v === 'number' ? `${v.toFixed(0)} MB` : v);
    console.log(`${c.name} | ${mb(r.flambeau)} | ${mb(r.pytorch)} | ${ratio(r.flambeau, r.pytorch)} | - | - | -`);
    continue;
  }
  if (c.kind === 'loader') {
    cifarRoot ??= writeBenchCifar(c.n as number);
    const f = await loaderThroughput(cifarRoot, c.workers as number);
    const p = (await torchPeer.ask({ op: 'loader', n: c.n, workers: c.workers })).rate as number | undefined;
    results[c.name] = { flambeau: f, ...(p ? { pytorch: p } : {}) };
    // Throughput: higher is better, so the ratio is PyTorch's rate over Flambeau's (time-like).
    console.log(`${c.name} | ${f.toFixed(0)} img/s | ${p ? p.toFixed(0) + ' img/s' : '-'} | ${p ? (p / f).toFixed(2) + 'x' : '-'} | - | - | -`);
    continue;
  }
  const r = (results[c.name] = await timeCase(c));
  console.log(`${c.name} | ${ms(r.flambeau)} | ${ms(r.pytorch)} | ${ratio(r.flambeau, r.pytorch)} | ${ms(r['tfjs-cpu'])} | ${ms(r['tfjs-wasm'])} | ${ms(r['jax-js'])}`);
}
torchPeer.close();

/**
 * Issue 14's targets (set for 2 threads on the project's 2-core machine), each with what limits
 * it when missed, so a run says by how much and why: ratio = Flambeau's time ÷ PyTorch's.
 */
const TARGETS: { prefix: string; max: number; what: string; limit: string }[] = [
  { prefix: 'CIFAR CNN train step', max: 2, what: '>= 0.5x PyTorch images/s', limit: 'the convolutions (AVX-512 direct kernels) and the per-op overhead around them' },
  { prefix: 'MLP 784-128-10 Adam', max: 1, what: 'faster than PyTorch', limit: 'dispatch and autograd overhead (~108 dispatches a step); kernels under 2^18 elements run on one thread' },
  { prefix: 'add 1M', max: 1.5, what: 'within 1.5x', limit: 'allocating and zero-filling the fresh output (JavaScript has no uninitialised typed arrays); the in-place add_ is faster' },
  { prefix: 'sum dim', max: 1.5, what: 'within 1.5x', limit: 'AVX2 sums (no AVX-512 yet); waking the second thread costs close to the whole 0.1 ms' },
  { prefix: 'conv2d layer 1 64', max: 1.2, what: 'forward within 1.2x', limit: 'the direct AVX-512 forward' },
  { prefix: 'conv2d layer 2 64', max: 1.2, what: 'forward within 1.2x', limit: 'the direct AVX-512 forward' },
  { prefix: 'conv2d layer 3 64', max: 1.2, what: 'forward within 1.2x', limit: 'rows of 8 output pixels take the masked-load path of the direct forward' },
  { prefix: 'peak RSS', max: 1.5, what: '<= 1.5x PyTorch', limit: 'memory kept by the allocator' },
];
console.log(`\ntargets of issue 14 (set for 2 threads; this run: ${threads})`);
for (const t of TARGETS) {
  for (const [name, r] of Object.entries(results)) {
    if (!name.startsWith(t.prefix) || typeof r.flambeau !== 'number' || typeof r.pytorch !== 'number') continue;
    const x = r.flambeau / r.pytorch;
    console.log(`${name}: ${t.what}: ${x <= t.max ? 'met' : `missed by ${((x / t.max - 1) * 100).toFixed(0)}% (${x.toFixed(2)}x; limited by ${t.limit})`}`);
  }
}
for (const [name, r] of Object.entries(results)) {
  const peers = Object.entries(r).filter(([e, v]) => e !== 'flambeau' && e !== 'pytorch' && typeof v === 'number');
  if (!/train step/.test(name) || typeof r.flambeau !== 'number' || peers.length === 0) continue;
  const behind = peers.filter(([, v]) => (v as number) <= (r.flambeau as number)).map(([e]) => e);
  console.log(`${name}: ahead of ${peers.map(([e]) => e).join(', ')}: ${behind.length === 0 ? 'met' : `missed (behind ${behind.join(', ')})`}`);
}
writeFileSync(jsonPath, `${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, threads, quick, unit: 'seconds (loader: images/s, rss: MB)', results }, null, 2)}\n`);
console.log(`results: ${jsonPath}`);
