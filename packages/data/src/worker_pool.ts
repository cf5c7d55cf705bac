import type * as Fs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as Path from 'node:path';
import type * as Url from 'node:url';
import type * as WorkerThreads from 'node:worker_threads';
import { RuntimeError } from '@flambeau/tensor';
import { decodeData } from './worker_spec.js';

/** `workerData` of a worker thread. */
export interface WorkerInit {
  dataset: unknown;
  seed: bigint;
  id: number;
  numWorkers: number;
  /** Collate with `defaultCollate` in the worker (false: a custom collateFn runs in the main thread). */
  collate: boolean;
  /** For streams: drop a final short batch. */
  dropLast: boolean;
  /** `worker_init_fn`, its arguments encoded. */
  initFn: { module: string; name: string; args: unknown } | null;
}
/** Either indices of a map-style dataset, or `count` next items of a stream. */
export interface TaskRequest {
  task: number;
  indices?: number[];
  count?: number;
  /** Streams: the epoch this request belongs to (a new epoch restarts the worker's stream). */
  epoch?: number;
}
export type TaskReply =
  | { task: number; ok: true; data?: unknown; done?: true }
  | { task: number; ok: false; error: { name: string; message: string; stack: string; index: number } };

/** What `submit` resolves with when a worker's stream is exhausted. */
export const STREAM_END = Symbol('STREAM_END');

interface Pending {
  worker: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * Node's modules, looked up when a pool starts rather than imported, so that the DataLoader (and
 * its main-thread loading) also loads in browsers.
 */
function nodeModules() {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc?.getBuiltinModule) {
    throw new RuntimeError('DataLoader: numWorkers > 0 needs Node.js worker threads (Node >= 20.16); here use numWorkers: 0');
  }
  const get = <T>(id: string) => proc.getBuiltinModule!(id) as T;
  return { fs: get<typeof Fs>('node:fs'), module: get<typeof NodeModule>('node:module'), path: get<typeof Path>('node:path'), url: get<typeof Url>('node:url'), threads: get<typeof WorkerThreads>('node:worker_threads') };
}

/**
 * The entry file and the Node flags a worker needs. Built packages run `worker_entry.js` as is;
 * from sources (tests, `tsx`) the worker loads TypeScript through tsx and resolves workspace
 * packages to their sources.
 */
function workerEntry({ fs, module, path, url }: ReturnType<typeof nodeModules>): { url: URL; execArgv: string[] } {
  const js = new URL('./worker_entry.js', import.meta.url);
  if (fs.existsSync(url.fileURLToPath(js))) return { url: js, execArgv: [] };
  // Loader flags in a worker's execArgv are not honoured by Node 20, so a data: URL bootstrap
  // registers tsx in the worker thread before importing the TypeScript entry.
  const tsxDir = path.dirname(module.createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = url.pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./worker_entry.ts', import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(entry)});`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(boot)}`), execArgv: ['--conditions=@flambeau/source'] };
}

/**
 * N worker threads, each holding a copy of the dataset. Batches go to workers round-robin and
 * come back as structured clones with their buffers transferred. A worker that throws, or a
 * thread that dies, rejects every pending batch instead of leaving the iteration waiting.
 */
export class WorkerPool {
  private readonly workers: WorkerThreads.Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextTask = 0;
  private failure: Error | null = null;
  private closed = false;
  private held = false;

  constructor(readonly numWorkers: number, dataset: unknown, baseSeed: bigint, collate: boolean, dropLast = false, initFn: WorkerInit['initFn'] = null) {
    const node = nodeModules();
    const { url, execArgv } = workerEntry(node);
    for (let id = 0; id < numWorkers; id++) {
      const init: WorkerInit = { dataset, seed: baseSeed + BigInt(id), id, numWorkers, collate, dropLast, initFn };
      const w = new node.threads.Worker(url, { workerData: init, execArgv, stdout: false, stderr: false });
      w.on('message', (m: TaskReply) => this.onReply(id, m));
      w.on('error', (e) => this.fail(new RuntimeError(`DataLoader worker ${id} failed: ${e.name}: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new RuntimeError(`DataLoader worker ${id} exited unexpectedly with exit code ${code}`));
      });
      // Idle workers never keep the process alive: they are ref'd only while a batch is awaited.
      w.unref();
      this.workers.push(w);
    }
  }

  /**
   * Workers hold the event loop only while batches are outstanding, so a script that stops
   * iterating (PyTorch's `next(iter(loader))` idiom) still exits once the prefetched batches land.
   */
  private holdWhilePending(): void {
    const busy = this.pending.size > 0 && !this.closed;
    if (busy === this.held) return;
    this.held = busy;
    for (const w of this.workers) {
      if (busy) w.ref();
      else w.unref();
    }
  }

  /**
   * Sends one batch request to a worker (by default `task % numWorkers`, PyTorch's round robin);
   * resolves with the decoded batch, or `STREAM_END` when a stream worker has no more items.
   */
  submit(request: { indices: number[] } | { count: number; epoch: number }, worker?: number): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new RuntimeError('DataLoader worker pool is shut down'));
    const task = this.nextTask++;
    worker ??= task % this.numWorkers;
    const p = new Promise<unknown>((resolve, reject) => this.pending.set(task, { worker, resolve, reject }));
    // The caller awaits batches in order; a later batch may fail first, so never leave it unhandled.
    p.catch(() => {});
    this.holdWhilePending();
    this.workers[worker].postMessage({ task, ...request } satisfies TaskRequest);
    return p;
  }

  private onReply(id: number, m: TaskReply): void {
    const p = this.pending.get(m.task);
    if (!p) return;
    this.pending.delete(m.task);
    this.holdWhilePending();
    if (m.ok) {
      try {
        p.resolve(m.done ? STREAM_END : decodeData(m.data));
      } catch (e) {
        p.reject(e as Error);
        this.fail(e as Error);
      }
    } else {
      const { name, message, stack, index } = m.error;
      const where = index >= 0 ? `while loading sample ${index}` : index === -1 ? 'while collating a batch' : 'while initialising';
      const err = new RuntimeError(`Caught ${name} in DataLoader worker ${id} ${where}: ${message}\nOriginal traceback in the worker:\n${stack}`);
      p.reject(err);
      this.fail(err);
    }
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.holdWhilePending();
    void this.shutdown();
  }

  /** Ends every worker thread; safe to call twice. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new RuntimeError('DataLoader worker pool is shut down'));
    this.pending.clear();
    this.holdWhilePending();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  get broken(): boolean { return this.failure !== null || this.closed; }
}
