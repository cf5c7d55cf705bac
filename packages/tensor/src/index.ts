/**
 * `@flambeau/tensor` — PyTorch's tensor core in TypeScript: `Tensor`, dtypes and promotion, views,
 * the dispatcher (with interceptors for autograd and tracing), the backend contract and the
 * embedded CPU backend.
 *
 * @example
 * import * as torch from '@flambeau/tensor';
 * torch.manualSeed(0);
 * const x = torch.rand(2, 3);
 * console.log(String(x.matmul(x.t())));
 *
 * @module @flambeau/tensor
 */
import './cpu/index.js';
import './ops/elementwise.js';
import './ops/views.js';
import './ops/reduce.js';
import './ops/matmul.js';
import './ops/join.js';
import './ops/indexing.js';
import './ops/sort.js';
import './ops/pad.js';
import './ops/conv.js';
import './ops/pool.js';
import './ops/multinomial.js';
import './ops/random_fill.js';

export * from './errors.js';
export { className } from './class_name.js';
export * from './dtype.js';
export * from './shape.js';
export { Size } from './size.js';
export * from './backend.js';
export * from './dispatcher.js';
export * from './random.js';
export { manualSeed, initialSeed, setDefaultDtype, getDefaultDtype, promoteTypes } from './settings.js';
export { tidy, keep, memory, retainStorage, releaseStorage, storageRefs, type MemoryInfo } from './memory.js';
export * from './validation.js';
export { declare, getDeclaration, listDeclarations, parseArgs, isOptions, pyTypeName, type Args, type Declaration, type Param } from './signature.js';
export { Tensor, slice, checkScalar, installAutogradHooks, canCast, dtypeTitle } from './tensor.js';
export type {
  AutogradHooks, BackwardOptions, NewOptions, GradFn, IndexItem, NestedArray, ReduceArgs, ReduceOptions, VarArgs, Scalar, Slice, TensorOrScalar, ValuesIndices, VersionCounter,
} from './tensor.js';
export * from './ops/creation.js';
export { broadcastView, binaryForward, binaryOperands, whereOperands, opResultType, type BinaryOperand } from './ops/elementwise.js';
export { viewStrides } from './ops/views.js';
export { fromStorage, indexTensor } from './ops/util.js';
export type { PadMode } from './ops/pad.js';
export * from './functional.js';
export { cpu } from './cpu/index.js';
export { setWasmKernels } from './cpu/wasm_kernels.js';
export { getNumThreads, setNumThreads } from './num_threads.js';
export { setCpuParallelThreshold } from './cpu/thread_pool.js';
export { getCpuKernels, setCpuKernels, type CpuKernels } from './cpu/wasm_gemm.js';
export { formatTensor, setPrintOptions } from './format.js';

export { Device, device, type DeviceLike } from './device.js';
