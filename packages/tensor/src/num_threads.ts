import { check } from './errors.js';
import { getNumThreads, useThreads } from './cpu/thread_pool.js';
import { nativeKernels } from './cpu/native.js';
import { pyTypeName } from './signature.js';

export { getNumThreads };

/**
 * Sets the number of threads for the CPU backend's intra-op parallelism (large GEMMs and
 * convolutions). PyTorch: `torch.set_num_threads(n)`, with its RuntimeError for a count below 1
 * or not an int. Results are bit-identical whatever the count: work is cut the same way and
 * every output summed in the same order.
 *
 * @example
 * torch.setNumThreads(1); // steadier timings on a shared machine; results do not change
 */
export function setNumThreads(n: number): void {
  check(typeof n === 'number' && Number.isInteger(n), () => `set_num_threads expects an int, but got ${pyTypeName(n)}`);
  check(n > 0, 'set_num_threads expects a positive integer');
  useThreads(n);
  nativeKernels()?.setNumThreads(n);
}
