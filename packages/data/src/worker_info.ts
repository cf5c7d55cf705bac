import { declare, parseArgs } from '@flambeau/tensor';
/** What `getWorkerInfo()` returns inside a DataLoader worker thread (PyTorch's `WorkerInfo`). */
export interface WorkerInfo {
  /** 0 … numWorkers-1. */
  id: number;
  numWorkers: number;
  /** `base_seed + id`: the default generator of this worker was seeded with it (low 32 bits). */
  seed: bigint;
  /** The dataset copy living in this worker. */
  dataset: unknown;
}

let current: WorkerInfo | null = null;

const GET_WORKER_INFO = declare('data.getWorkerInfo', 'get_worker_info()');

/** `torch.utils.data.get_worker_info()`: null in the main thread. */
export function getWorkerInfo(...args: []): WorkerInfo | null {
  parseArgs(GET_WORKER_INFO, args);
  return current;
}

export function setWorkerInfo(info: WorkerInfo): void {
  current = info;
}
