import { RuntimeError, ValueError, check } from '../errors.js';
import { envVar, nodeBuiltin } from './host.js';
import { type GemmModule, align, blockCols, wasmHeap } from './wasm_gemm.js';
import { nativeKernels } from './native.js';

// The CPU's worker threads. Kernels describe their work as a `Plan`: a list of wasm calls cut
// into chunks whose results do not depend on which thread runs them or in which order (each
// chunk writes its own outputs; its temporaries live in the running thread's scratch). The
// calling thread and persistent workers, each with the GEMM module instantiated on the same
// shared WebAssembly.Memory, claim chunks one at a time from a shared counter, so a thread the
// host has descheduled holds up one chunk, not a fixed share. Where there are no workers
// (browsers, small problems, one thread) the calling thread runs every chunk in order: the same
// calls, hence the same bits, whatever the thread count.

/** The wasm calls a plan can hold (`runChunk` in wasm/gemm.ts dispatches on these). */
export const GEMM = 0, IM2COL = 1, COL2IM = 2, ACCUMULATE64 = 3, ADD64 = 4;
/** Int32 words per command record (wasm/gemm.ts `RECORD`): function, scratch mask, 18 arguments. */
const RECORD = 20;

/**
 * Below this many multiply-adds a plan runs on the calling thread. Handing a split product to a
 * worker cost 3–5 µs on the project's 2-core host (bench/threads.ts `small`: 32³–80³ split on 2
 * threads took 0.80–0.84× the time of 1 thread, under a load of 17); 2^19 (80³, ≈ 50 µs on one
 * thread) is where that hand-off falls under a tenth of the work.
 */
const MIN_PARALLEL_MACS = 1 << 19;
let minParallelMacs = MIN_PARALLEL_MACS;

// The control block shared with the workers: Int32 words, then two 64-bit tickets at byte 64.
const SEQ = 0, DONE = 1, ERR = 2, CMDS = 3, TABLE = 4, CHUNKS = 5, THREADS = 6, SCRATCH = 7, STRIDE = 8, BY_WORKERS = 9;

let numThreads: number | undefined;

/** Threads the machine offers: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` elsewhere. */
function machineThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('os');
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/** The CPU backend's thread count (`torch.getNumThreads` in num_threads.ts documents it): set, else `OMP_NUM_THREADS`, else the machine's. */
export function getNumThreads(): number {
  if (numThreads === undefined) {
    const env = Number(envVar('OMP_NUM_THREADS'));
    numThreads = Number.isInteger(env) && env > 0 ? env : Math.max(1, machineThreads());
  }
  return numThreads;
}

/** Sets the thread count, already validated (`setNumThreads` in num_threads.ts checks it as PyTorch does). */
export function useThreads(n: number): void {
  numThreads = n;
}

/**
 * Sets the smallest GEMM or convolution, in multiply-adds, that the CPU backend splits over its
 * threads (`null`: the default, 2^19, about where handing work to a worker stops costing more
 * than it saves; the native kernels take it too); 0 splits every one, which tests use to run small
 * cases on several threads.
 * No PyTorch equivalent (ATen's `at::internal::GRAIN_SIZE` is a compile-time constant).
 *
 * @example
 * setCpuParallelThreshold(0); // every product on all threads
 * setCpuParallelThreshold(null);
 */
export function setCpuParallelThreshold(macs: number | null): void {
  check(macs === null || (Number.isInteger(macs) && macs >= 0), () => `setCpuParallelThreshold expects a non-negative integer or null, got ${String(macs)}`, ValueError);
  minParallelMacs = macs ?? MIN_PARALLEL_MACS;
  // The native kernels follow: 0 threads every GEMM, convolution and elementwise kernel there too.
  const nat = nativeKernels();
  if (nat === null) return;
  nativeDefaults ??= { grain: nat.getParallelGrain() };
  nat.setParallelMin(macs ?? NATIVE_PARALLEL_MIN);
  nat.setParallelGrain(macs === 0 ? 1 : nativeDefaults.grain);
}

/** The native addon's own default for GEMMs and convolutions (its pool.c). */
const NATIVE_PARALLEL_MIN = 2 ** 18;
let nativeDefaults: { grain: number } | undefined;

/**
 * The threads a plan of `macs` multiply-adds should use: 1 below the size where handing work to
 * a worker pays, or where the memory is not shared; else `getNumThreads()`.
 */
export function planThreads(m: GemmModule, macs: number): number {
  return m.shared && macs >= minParallelMacs ? getNumThreads() : 1;
}

/** A list of wasm calls cut into chunks: build it, `place` it, `run` it. */
export class Plan {
  private readonly cmds: number[] = [];
  private readonly table: number[] = [0];
  private placed: { threads: number; scratch: number; stride: number; cmds: number; table: number } | null = null;

  constructor(private readonly m: GemmModule) {}

  /** Chunks so far. */
  get chunks(): number { return this.table.length - 1; }

  /**
   * Adds a call to the open chunk; the arguments at the indices in `inScratch` are byte offsets
   * into the running thread's scratch rather than addresses.
   */
  call(fn: number, args: readonly number[], inScratch: readonly number[] = []): void {
    let mask = 0;
    for (const i of inScratch) mask |= 1 << i;
    this.cmds.push(fn, mask, ...args);
    for (let i = args.length; i < RECORD - 2; i++) this.cmds.push(0);
  }

  /**
   * Adds C[M, N] (`ldc` elements between rows) = A · B to the open chunk, its work area at
   * `work` in the running thread's scratch (see `gemmWorkBytes`); `inScratch` as for `call`.
   */
  gemm(M: number, N: number, K: number, a: number, aRs: number, aCs: number, b: number, bRs: number, bCs: number,
    c: number, ldc: number, work: number, inScratch: readonly number[] = []): void {
    this.call(GEMM, [M, N, K, a, aRs, aCs, b, bRs, bCs, c, ldc, work, blockCols(K)], [...inScratch, 11]);
  }

  /** Closes the open chunk. */
  endChunk(): void {
    this.table.push(this.cmds.length / RECORD);
  }

  /**
   * Lays the plan out in linear memory from byte `dataEnd` on — `scratchBytes` of scratch for
   * each of `threads` threads (see `planThreads`), then the commands — growing memory to fit.
   * Returns the heap view to stage operands through (growing memory may have replaced earlier
   * views), or null when it does not fit in 32-bit memory.
   */
  place(dataEnd: number, scratchBytes: number, threads: number): Float32Array | null {
    threads = Math.max(1, Math.min(threads, this.chunks));
    const stride = align(scratchBytes);
    const scratch = align(dataEnd);
    const cmds = scratch + threads * stride;
    const table = align(cmds + 4 * this.cmds.length);
    const heap = wasmHeap(table + 4 * this.table.length);
    if (heap === null) return null;
    const words = new Int32Array(heap.buffer);
    words.set(this.cmds, cmds / 4);
    words.set(this.table, table / 4);
    this.placed = { threads, scratch, stride, cmds, table };
    return heap;
  }

  /** Runs every chunk (after `place`), on the worker threads too when the plan is large enough. */
  run(): void {
    const p = this.placed as NonNullable<Plan['placed']>;
    const n = this.chunks;
    if (p.threads === 1 || !startPool(this.m, p.threads)) {
      for (let c = 0; c < n; c++) this.m.runChunk(p.cmds, p.table, c, p.scratch);
      return;
    }
    const { ctl, tickets } = pool as Pool;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, ERR, 0);
    // Seqlock: odd while the job is written, even once it is whole; tickets[1] is its first ticket.
    Atomics.add(ctl, SEQ, 1);
    Atomics.store(ctl, CMDS, p.cmds);
    Atomics.store(ctl, TABLE, p.table);
    Atomics.store(ctl, CHUNKS, n);
    Atomics.store(ctl, THREADS, p.threads);
    Atomics.store(ctl, SCRATCH, p.scratch);
    Atomics.store(ctl, STRIDE, p.stride);
    Atomics.store(tickets, 1, Atomics.load(tickets, 0));
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    claimChunks(ctl, tickets, Atomics.load(tickets, 1), n, p.cmds, p.table, p.scratch, this.m.runChunk);
    for (let done = Atomics.load(ctl, DONE), spins = 0; done < n; done = Atomics.load(ctl, DONE)) {
      if (++spins > 2000) Atomics.wait(ctl, DONE, done, 10);
    }
    if (Atomics.load(ctl, ERR) !== 0) throw new RuntimeError('a CPU worker thread failed while running a kernel');
  }
}

/**
 * Claims and runs chunks of the job whose tickets start at `base` until none is left, and says
 * how many it ran; shared by the calling thread and the workers (its source is sent to them, so
 * it refers to nothing outside itself). Tickets only grow, so a thread that read an older job
 * can never claim a chunk of a newer one.
 */
function claimChunks(ctl: Int32Array, tickets: BigInt64Array, base: bigint, n: number, cmds: number, table: number,
  scratch: number, runChunk: (cmds: number, table: number, c: number, scratch: number) => void): number {
  const end = base + BigInt(n);
  let ran = 0;
  for (;;) {
    const t = Atomics.load(tickets, 0);
    if (t < base || t >= end) return ran;
    if (Atomics.compareExchange(tickets, 0, t, t + 1n) !== t) continue;
    ran++;
    try {
      runChunk(cmds, table, Number(t - base), scratch);
    } catch {
      Atomics.store(ctl, 2, 1);
    }
    if (Atomics.add(ctl, 1, 1) + 1 === n) Atomics.notify(ctl, 1);
  }
}

/**
 * A worker's loop: wait for a new job (spinning briefly first, as jobs come in bursts), read it
 * whole under the seqlock, claim chunks. Self-contained for the same reason as `claimChunks`.
 */
function serve(control: SharedArrayBuffer, id: number, runChunk: (cmds: number, table: number, c: number, scratch: number) => void,
  claim: typeof claimChunks): void {
  const ctl = new Int32Array(control, 0, 16), tickets = new BigInt64Array(control, 64, 2);
  let seen = Atomics.load(ctl, 0);
  for (;;) {
    let s = Atomics.load(ctl, 0);
    for (const until = performance.now() + 1; (s === seen || (s & 1) === 1) && performance.now() < until;) s = Atomics.load(ctl, 0);
    if (s === seen || (s & 1) === 1) {
      Atomics.wait(ctl, 0, s, 1000);
      continue;
    }
    const cmds = Atomics.load(ctl, 3), table = Atomics.load(ctl, 4), n = Atomics.load(ctl, 5);
    const threads = Atomics.load(ctl, 6), scratch = Atomics.load(ctl, 7) + id * Atomics.load(ctl, 8);
    const base = Atomics.load(tickets, 1);
    if (Atomics.load(ctl, 0) !== s) continue;
    seen = s;
    if (id < threads) Atomics.add(ctl, 9, claim(ctl, tickets, base, n, cmds, table, scratch, runChunk));
  }
}

/** Worker source: instantiate the module on the shared memory, then serve jobs. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, id } = workerData;
const { runChunk } = new WebAssembly.Instance(module, { env: { memory } }).exports;
(${serve.toString()})(control, id, runChunk, ${claimChunks.toString()});
`;

interface Pool {
  module: WebAssembly.Module;
  ctl: Int32Array;
  tickets: BigInt64Array;
  workers: { terminate(): unknown }[];
}
let pool: Pool | null = null;
/** Chunks run by the workers of pools since retired. */
let retiredChunks = 0;

type WorkerCtor = new (src: string, o: object) => { unref(): void; terminate(): unknown; on(e: string, f: () => void): void };

/**
 * Makes sure `threads - 1` workers run this module (a new module — `setCpuKernels` — retires
 * the old ones). They start in the background, tens of milliseconds, without blocking: until one
 * is up the other threads claim its chunks. False where there are no worker threads.
 */
function startPool(m: GemmModule, threads: number): boolean {
  const Worker = nodeBuiltin<{ Worker: WorkerCtor }>('worker_threads')?.Worker;
  if (Worker === undefined) return false;
  if (pool !== null && pool.module !== m.module) {
    retiredChunks += Atomics.load(pool.ctl, BY_WORKERS);
    for (const w of pool.workers) void w.terminate();
    pool = null;
  }
  if (pool === null) {
    const control = new SharedArrayBuffer(64 + 16);
    pool = { module: m.module, ctl: new Int32Array(control, 0, 16), tickets: new BigInt64Array(control, 64, 2), workers: [] };
  }
  const control = pool.ctl.buffer as SharedArrayBuffer;
  while (pool.workers.length < threads - 1) {
    const id = pool.workers.length + 1;
    // eval: one source for TypeScript, dist and bundles alike. unref: idle workers never keep
    // the process alive; Node ends them at exit.
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: m.module, memory: m.memory, control, id } });
    w.unref();
    // A worker that fails leaves its chunks to the other threads rather than crashing the caller.
    w.on('error', () => {});
    pool.workers.push(w);
  }
  return true;
}

/** Chunks the worker threads have run so far (tests check that they take part). */
export function chunksRunByWorkers(): number {
  return retiredChunks + (pool === null ? 0 : Atomics.load(pool.ctl, BY_WORKERS));
}
