import { check } from './errors.js';
import { getNumThreads as currentThreads, useThreads } from './cpu/thread_pool.js';
import { nativeKernels } from './cpu/native.js';
import { declare, isOptions, parseArgs, pyTypeName } from './signature.js';

const SET_NUM_THREADS = declare('torch.setNumThreads', 'set_num_threads(int num)');
const GET_NUM_THREADS = declare('torch.getNumThreads', 'get_num_threads()');

/**
 * Sets the number of threads for the CPU backend's intra-op parallelism (large GEMMs and
 * convolutions). PyTorch: `torch.set_num_threads(num)`, with its RuntimeError for a count below 1
 * or not an int. Results are bit-identical whatever the count: work is cut the same way and
 * every output summed in the same order.
 *
 * @example
 * torch.setNumThreads(1); // steadier timings on a shared machine; results do not change
 */
export function setNumThreads(...args: [num: number] | [{ num: number }]): void {
  // Given positionally, PyTorch's own check and wording (a float or str is not parsed as an int).
  const n = args.length === 1 && !isOptions(args[0]) ? args[0] : (parseArgs(SET_NUM_THREADS, args).num as number);
  check(typeof n === 'number' && Number.isInteger(n), () => `set_num_threads expects an int, but got ${pyTypeName(n)}`);
  check(n > 0, 'set_num_threads expects a positive integer');
  useThreads(n);
  nativeKernels()?.setNumThreads(n);
}

/**
 * The number of threads the CPU backend uses for large GEMMs and convolutions: what
 * `setNumThreads` set, else `OMP_NUM_THREADS` as PyTorch reads it, else the machine's
 * (`os.availableParallelism()`). PyTorch: `torch.get_num_threads()`. Engines without shared
 * memory (browsers without cross-origin isolation) run on one thread whatever this says.
 *
 * @example
 * torch.getNumThreads(); // 2 on a 2-core machine
 */
export function getNumThreads(...args: [] | [Record<string, never>]): number {
  if (args.length > 0) parseArgs(GET_NUM_THREADS, args);
  return currentThreads();
}
