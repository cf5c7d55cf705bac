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

/** `torch.utils.data.get_worker_info()`: null in the main thread. */
export function getWorkerInfo(): WorkerInfo | null {
  return current;
}

export function setWorkerInfo(info: WorkerInfo): void {
  current = info;
}
