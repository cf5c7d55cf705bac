/**
 * Entry point of a DataLoader worker thread: rebuilds the dataset from its worker spec, seeds the
 * default generator with `base_seed + id` and calls `worker_init_fn(id)` (as PyTorch's
 * `_worker_loop`), then answers batch requests in the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { manualSeed } from '@flambeau/tensor';
import { defaultCollate } from './collate.js';
import type { Dataset, IterableDataset } from './dataset.js';
import { decode, encode, importFunction } from './worker_spec.js';
import { setWorkerInfo } from './worker_info.js';
import type { TaskReply, TaskRequest, WorkerInit } from './worker_pool.js';

const init = workerData as WorkerInit;
const port = parentPort!;
manualSeed(Number(BigInt.asUintN(32, init.seed)));
const ready = decode(init.dataset).then(async (ds) => {
  setWorkerInfo({ id: init.id, numWorkers: init.numWorkers, seed: init.seed, dataset: ds });
  if (init.initFn) {
    const fn = await importFunction(init.initFn, 'worker_init_fn');
    await fn(...((await decode(init.initFn.args)) as unknown[]), init.id);
  }
  return ds as Dataset | IterableDataset;
});

let stream: AsyncIterator<unknown> | Iterator<unknown> | null = null;
let streamEpoch = -1;

/** Items for one task: the requested indices of a map-style dataset, or the next `count` of a stream. */
async function load(dataset: Dataset | IterableDataset, task: TaskRequest, items: unknown[], at: { index: number }): Promise<boolean> {
  if (task.indices) {
    for (at.index of task.indices) items.push(await (dataset as Dataset).getItem(at.index));
    return true;
  }
  const src = dataset as unknown as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  // Each epoch reads the stream afresh (persistent workers outlive an epoch).
  if (task.epoch !== streamEpoch) { stream = null; streamEpoch = task.epoch ?? 0; }
  stream ??= src[Symbol.asyncIterator]?.() ?? src[Symbol.iterator]!();
  while (items.length < task.count!) {
    const r = await stream.next();
    if (r.done) return items.length > 0 && !(init.dropLast && items.length < task.count!);
    items.push(r.value);
  }
  return true;
}

async function run(task: TaskRequest): Promise<void> {
  const items: unknown[] = [];
  // -2: still initialising (rebuilding the dataset, worker_init_fn); -1: collating.
  const at = { index: -2 };
  try {
    const dataset = await ready;
    at.index = -1;
    if (!(await load(dataset, task, items, at))) {
      port.postMessage({ task: task.task, ok: true, done: true } satisfies TaskReply);
      return;
    }
    at.index = -1;
    // A collated batch is fresh and can be moved; raw items may share memory with the dataset.
    const transfer: ArrayBuffer[] = [];
    const out = init.collate ? encode(defaultCollate(items), 'batch', transfer) : encode(items, 'batch');
    port.postMessage({ task: task.task, ok: true, data: out } satisfies TaskReply, transfer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({
      task: task.task, ok: false,
      error: { name: err.name, message: err.message, stack: err.stack ?? '', index: at.index },
    } satisfies TaskReply);
  }
}

// An initialisation failure is reported by the first task, like any other worker error.
ready.catch(() => {});
let chain: Promise<void> = Promise.resolve();
port.on('message', (task: TaskRequest) => {
  chain = chain.then(() => run(task));
});
