import type { Backend, Storage, StridedView } from '../backend.js';
import { registerBackend } from '../backend.js';
import { type DType, type TypedArray, allocArray, arrayType, roundHalfArray } from '../dtype.js';
import { conv2dBackwardInputKernel, conv2dBackwardWeightKernel, conv2dKernel } from './conv.js';
import { binaryIntoKernel, binaryKernel, clampKernel, unaryIntoKernel, unaryKernel, whereKernel } from './elementwise.js';
import { copyIntoKernel, denseCopy, fillKernel, gatherKernel, indexAddKernel, indexSelectKernel, nonzeroKernel, scatterKernel, sortKernel } from './indexing.js';
import { matmulKernel } from './matmul.js';
import { avgPool2dBackwardKernel, avgPool2dKernel, maxPool2dBackwardKernel, maxPool2dKernel } from './pool.js';
import { argReduceKernel, cumulativeKernel, reduceKernel } from './reduce.js';
import { multinomialKernel } from './multinomial.js';
import { adamStep, rmspropStep, sgdStep } from './optim.js';
import { randomFillKernel } from './random_fill.js';
import { CpuStorage } from './storage.js';

/** Every CPU storage is made here: float16 results (computed in float) are rounded to half once. */
function make(dtype: DType, data: TypedArray): Storage {
  if (dtype === 'float16') roundHalfArray(data as Float32Array);
  return new CpuStorage(cpu, dtype, data);
}

/** Kernels writing into a float16 view round their destination's storage (already-half values are kept). */
function roundingInto<A extends unknown[]>(dstAt: number, kernel: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    kernel(...args);
    const dst = args[dstAt] as StridedView;
    if (dst.dtype === 'float16') roundHalfArray((dst.storage as CpuStorage).data as Float32Array);
  };
}

/** A scalar operand as a one-element view broadcast to `like`'s shape (the kernels' scalar fast path). */
function operand(x: StridedView | number, like: StridedView | number, dtype: DType): StridedView {
  if (typeof x !== 'number') return x;
  const shape = typeof like === 'number' ? [] : like.shape;
  return { storage: make(dtype, allocArray(dtype, 1).fill(x)), dtype, shape, strides: shape.map(() => 0), offset: 0 };
}

/**
 * The CPU backend, Flambeau's embedded default: plain TypeScript kernels over typed arrays.
 * Fast WASM kernels slot in by replacing entries of this object behind the same contract.
 */
export const cpu: Backend = {
  name: 'cpu',
  alloc: (dtype, size) => make(dtype, allocArray(dtype, size)),
  // float16 data is copied, since make rounds it in place.
  fromArray: (data, dtype) => make(dtype, data instanceof arrayType(dtype) && dtype !== 'float16' ? data : new (arrayType(dtype))(data)),
  read: async (s) => (s as CpuStorage).data,
  readSync: (s) => (s as CpuStorage).data,
  dispose: () => {},
  sync: async () => {},
  // Fused optimizer steps (ops defined by @flambeau/optim).
  kernels: { sgdStep_: sgdStep, adamStep_: adamStep, rmspropStep_: rmspropStep },

  copy: (x, dtype) => make(dtype, denseCopy(x, dtype)),
  copyInto: roundingInto(0, copyIntoKernel),
  fill: roundingInto(0, fillKernel),
  unary: (op, x, outDtype) => unaryKernel(op, x, outDtype, make),
  binary: (op, a, b, computeDtype, outDtype) => binaryKernel(op, operand(a, b, computeDtype), operand(b, a, computeDtype), computeDtype, outDtype, make),
  unaryInto: roundingInto(2, unaryIntoKernel),
  binaryInto: roundingInto(4, (op, a, b, computeDtype, dst) => binaryIntoKernel(op, a, operand(b, a, computeDtype), computeDtype, dst)),
  where: (c, a, b, outDtype) => whereKernel(c, operand(a, c, outDtype), operand(b, c, outDtype), outDtype, make),
  arange: (dtype, start, step, n) => {
    const out = allocArray(dtype, n);
    for (let i = 0; i < n; i++) out[i] = start + i * step;
    return make(dtype, out);
  },
  randomFill: roundingInto(0, randomFillKernel),
  multinomial: (p, n, replacement, gen) => multinomialKernel(p, n, replacement, gen, make),
  clamp: (x, min, max, outDtype) => clampKernel(x, min, max, outDtype, make),
  reduce: (op, x, dims, outDtype) => reduceKernel(op, x, dims, outDtype, make),
  argReduce: (op, x, dim) => argReduceKernel(op, x, dim, make),
  cumulative: (op, x, dim, outDtype) => cumulativeKernel(op, x, dim, outDtype, make),
  matmul: (a, b, outDtype) => matmulKernel(a, b, outDtype, make),
  gather: (x, dim, index) => gatherKernel(x, dim, index, make),
  scatter: (x, dim, index, src, reduce) => scatterKernel(x, dim, index, src, reduce, make),
  indexSelect: (x, dim, index) => indexSelectKernel(x, dim, index, make),
  indexAdd: (x, dim, index, src) => indexAddKernel(x, dim, index, src, make),
  sort: (x, dim, descending) => sortKernel(x, dim, descending, make),
  nonzero: (x) => nonzeroKernel(x, make),

  conv2d: (x, w, a) => conv2dKernel(x, w, a, make),
  conv2dBackwardInput: (g, w, s, a) => conv2dBackwardInputKernel(g, w, s, a, make),
  conv2dBackwardWeight: (g, x, s, a) => conv2dBackwardWeightKernel(g, x, s, a, make),
  maxPool2d: (x, a) => maxPool2dKernel(x, a, make),
  maxPool2dBackward: (g, i, s) => maxPool2dBackwardKernel(g, i, s, make),
  avgPool2d: (x, a) => avgPool2dKernel(x, a, make),
  avgPool2dBackward: (g, s, a) => avgPool2dBackwardKernel(g, s, a, make),
};

registerBackend(cpu);
