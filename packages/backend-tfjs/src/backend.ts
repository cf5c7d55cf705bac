/**
 * The `tfjs` device: Flambeau's backend contract on TensorFlow.js kernels, over whichever tfjs
 * backend is active (tensorflow from tfjs-node / tfjs-node-gpu, cpu, webgl, webgpu, wasm).
 */
import type * as TF from '@tensorflow/tfjs-core';
import {
  type Backend, type DType, type Storage, type StridedView, type TypedArray, RuntimeError, arrayType, contiguousStrides, cpu, registerBackend,
} from '@flambeau/tensor';
import { flushChecks, flushChecksSync, queueCheck } from './checks.js';
import * as conv from './conv_pool.js';
import * as ew from './elementwise.js';
import { onCpu } from './fallback.js';
import * as ix from './indexing.js';
import { TfjsStorage, checkValue, fromTfArray, tfDtype, toTfArray } from './storage.js';
import { canReadSync, hasKernel, run, tf } from './tfjs.js';
import { castTo, reshape, viewTensor, writeView } from './views.js';

function ensureTfjsBackend(): void {
  if (Object.keys(tf.engine().registryFactory).length === 0) {
    throw new RuntimeError(
      "tfjs device: no TensorFlow.js backend is registered; import one (e.g. '@tensorflow/tfjs-backend-cpu') or call useTfjs('cpu' | 'tfjs-node-gpu' | …)",
    );
  }
}

/** Runs `fn` in a tfjs scope and keeps only its result, as a flat storage of `dtype`. */
function out(fn: () => TF.Tensor, dtype: DType): Storage {
  tfDtype(dtype);
  const t = tf.tidy(() => {
    const r = castTo(fn(), dtype);
    return reshape(r, [r.size]);
  });
  return new TfjsStorage(tfjs, dtype, t.size, t);
}

function upload(s: Storage): Storage {
  return tfjs.fromArray(cpu.readSync!(s), s.dtype);
}

/** Flambeau kernels that always run on the CPU, and why. */
export const CPU_KERNELS: Readonly<Record<string, string>> = {
  sort: "tfjs's TopK is not a stable sort and orders NaN differently from PyTorch",
  multinomial: "PyTorch's sampling without replacement has no tfjs kernel",
  nonzero: 'the output size depends on the data',
};

const cpuCall = (name: keyof Backend, args: unknown[]) => onCpu(name, CPU_KERNELS[name] ?? 'no tfjs kernel', args, upload);

/**
 * tfjs kernels every storage and view operation needs (reading views, writing into them): without
 * one of them the device cannot run at all.
 */
export const CORE_KERNELS: readonly string[] = ['Reshape', 'Slice', 'Transpose', 'GatherV2', 'Tile', 'Cast', 'Fill', 'Mod', 'TensorScatterUpdate'];

/** The tfjs kernels each Flambeau kernel needs beyond the core ones; without them it falls back. */
export const TFJS_KERNELS: Readonly<Record<string, readonly string[]>> = {
  where: ['Select'], clamp: ['ClipByValue'], reduce: ['Sum', 'Prod', 'Max', 'Min', 'All', 'Any', 'IsNan', 'Select'],
  argReduce: ['ArgMax', 'ArgMin', 'IsNan', 'Any', 'Select'], cumulative: ['Cumsum', 'Cumprod'], matmul: ['BatchMatMul', 'Round'], gather: ['GatherV2', 'ClipByValue'],
  scatter: ['ScatterNd', 'TensorScatterUpdate', 'ClipByValue'], indexSelect: ['GatherV2', 'ClipByValue'], indexAdd: ['ScatterNd', 'ClipByValue'],
  conv2d: ['Conv2D', 'StridedSlice', 'Concat'], conv2dBackwardInput: ['Conv2DBackpropInput', 'Concat'],
  conv2dBackwardWeight: ['Conv2DBackpropFilter', 'Concat'], maxPool2d: ['PadV2', 'GatherV2', 'Max', 'ArgMax', 'IsNan', 'Any', 'Select'],
  maxPool2dBackward: ['ScatterNd'], avgPool2d: ['AvgPool', 'PadV2'], avgPool2dBackward: ['AvgPoolGrad', 'Fill'],
};

function native(kernel: string): boolean {
  return (TFJS_KERNELS[kernel] ?? []).every(hasKernel);
}

function readSyncImpl(s: Storage): TypedArray {
  const st = s as TfjsStorage;
  flushChecksSync();
  return fromTfArray(st.tensor.dataSync() as ArrayLike<number>, st.dtype);
}

/** The `tfjs` device (`torch.device('tfjs')`). */
export const tfjs: Backend = {
  name: 'tfjs',

  alloc(dtype, size) {
    ensureTfjsBackend();
    try {
      return new TfjsStorage(tfjs, dtype, size, run('Fill', {}, { shape: [size], value: 0, dtype: tfDtype(dtype) }));
    } catch (e) {
      // tfjs-cpu's typed array (or a GPU buffer) that cannot be made: PyTorch's class, not a RangeError.
      if (!(e instanceof RangeError)) throw e;
      throw new RuntimeError(`tfjs device: can't allocate memory: you tried to allocate ${size * arrayType(dtype).BYTES_PER_ELEMENT} bytes (${e.message})`);
    }
  },
  fromArray(data, dtype) {
    ensureTfjsBackend();
    const values = toTfArray(data, dtype);
    // tfjs keeps the array it is given: copy, so later writes to the caller's array do not leak in.
    return new TfjsStorage(tfjs, dtype, data.length, tf.tensor1d(values === data ? values.slice() : values, tfDtype(dtype)));
  },
  async read(s) {
    const st = s as TfjsStorage;
    const values = fromTfArray((await st.tensor.data()) as ArrayLike<number>, st.dtype);
    await flushChecks();
    return values;
  },
  deferCheck: queueCheck,
  // A getter: whether tfjs tensors read synchronously depends on the tfjs backend active now.
  get readSync() {
    return canReadSync() ? readSyncImpl : undefined;
  },
  dispose(s) {
    (s as TfjsStorage).free();
  },
  // tfjs queues kernels on its own backend and orders reads after them: only checks to report.
  sync: () => flushChecks(),

  nonzero: (x) => cpuCall('nonzero', [x]) as Storage,
  copy: (x, dtype) => out(() => viewTensor(x), dtype),
  copyInto(dst, src) {
    tf.tidy(() => writeView(dst, castTo(viewTensor(src), dst.dtype)));
  },
  fill(dst, value) {
    checkValue(value, dst.dtype);
    tf.tidy(() => writeView(dst, castTo(tf.fill([...dst.shape], value, dst.dtype === 'bool' ? 'float32' : tfDtype(dst.dtype)), dst.dtype)));
  },
  arange(dtype, start, step, n) {
    // Computed in double on the host, as the CPU does, then uploaded once.
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = start + i * step;
    return tfjs.fromArray(values, dtype);
  },
  randomFill(dst, kind, a, b, generator) {
    // Drawn on the host from PyTorch's CPU stream (so a seed gives the CPU's values), uploaded once.
    // The host buffer is laid out as dst is (dims ordered by dst's strides): the CPU draws in memory
    // order, so a transposed dst gets the values the CPU puts at the same addresses.
    const n = dst.shape.reduce((p, q) => p * q, 1);
    const order = dst.shape.map((_, i) => i).sort((p, q) => dst.strides[q] - dst.strides[p] || p - q);
    const dense = contiguousStrides(order.map((i) => dst.shape[i]));
    const strides = dst.shape.map((_, i) => dense[order.indexOf(i)]);
    const host = cpu.alloc(dst.dtype, n);
    cpu.randomFill({ storage: host, dtype: dst.dtype, shape: dst.shape, strides, offset: 0 }, kind, a, b, generator);
    const up = tfjs.fromArray(cpu.readSync!(host), dst.dtype) as TfjsStorage;
    tf.tidy(() => writeView(dst, viewTensor({ storage: up, dtype: dst.dtype, shape: dst.shape, strides, offset: 0 })));
    up.free();
  },
  multinomial: (p, n, replacement, generator) => cpuCall('multinomial', [p, n, replacement, generator]) as Storage,
  unary: (op, x, outDtype) => (ew.unaryNative(op) ? out(() => ew.unary(op, x, outDtype), outDtype) : cpuCall('unary', [op, x, outDtype]) as Storage),
  binary(op, a, b, computeDtype, outDtype) {
    if (!ew.binaryNative(op)) return cpuCall('binary', [op, a, b, computeDtype, outDtype]) as Storage;
    const shape = typeof a === 'number' ? (b as StridedView).shape : a.shape;
    return out(() => ew.binary(op, a, b, computeDtype, shape), outDtype);
  },
  where: (cond, a, b, outDtype) => (native('where') ? out(() => ew.where(cond, a, b, outDtype), outDtype) : cpuCall('where', [cond, a, b, outDtype]) as Storage),
  clamp: (x, min, max, outDtype) => (native('clamp') ? out(() => ew.clamp(x, min, max, outDtype), outDtype) : cpuCall('clamp', [x, min, max, outDtype]) as Storage),
  reduce: (op, x, dims, outDtype) => (native('reduce') ? out(() => ew.reduce(op, x, dims, outDtype), outDtype) : cpuCall('reduce', [op, x, dims, outDtype]) as Storage),
  argReduce: (op, x, dim) => (native('argReduce') ? out(() => ew.argReduce(op, x, dim), 'int64') : cpuCall('argReduce', [op, x, dim]) as Storage),
  cumulative: (op, x, dim, outDtype) => !native('cumulative') ? cpuCall('cumulative', [op, x, dim, outDtype]) as Storage :
    out(() => run(op === 'cumsum' ? 'Cumsum' : 'Cumprod', { x: castTo(viewTensor(x), outDtype) }, { axis: dim, exclusive: false, reverse: false }), outDtype),
  matmul: (a, b, outDtype) => (native('matmul') ? out(() => ew.matmul(a, b, outDtype), outDtype) : cpuCall('matmul', [a, b, outDtype]) as Storage),
  gather: (x, dim, index) => (native('gather') ? out(() => ix.gather(x, dim, index), x.dtype) : cpuCall('gather', [x, dim, index]) as Storage),
  scatter: (x, dim, index, src, reduce) => (native('scatter') ? out(() => ix.scatter(x, dim, index, src, reduce), x.dtype) : cpuCall('scatter', [x, dim, index, src, reduce]) as Storage),
  indexSelect: (x, dim, index) => (native('indexSelect') ? out(() => ix.indexSelect(x, dim, index), x.dtype) : cpuCall('indexSelect', [x, dim, index]) as Storage),
  indexAdd: (x, dim, index, src) => (native('indexAdd') ? out(() => ix.indexAdd(x, dim, index, src), x.dtype) : cpuCall('indexAdd', [x, dim, index, src]) as Storage),
  sort: (x, dim, descending) => cpuCall('sort', [x, dim, descending]) as [Storage, Storage],

  conv2d: (x, w, a) => (native('conv2d') ? out(() => conv.conv2d(x, w, a), x.dtype) : cpuCall('conv2d', [x, w, a]) as Storage),
  conv2dBackwardInput: (g, w, shape, a) =>
    native('conv2dBackwardInput') && conv.convBackwardNative(a) ? out(() => conv.conv2dBackwardInput(g, w, shape, a), g.dtype) : cpuCall('conv2dBackwardInput', [g, w, shape, a]) as Storage,
  conv2dBackwardWeight: (g, x, shape, a) =>
    native('conv2dBackwardWeight') && conv.convBackwardNative(a) ? out(() => conv.conv2dBackwardWeight(g, x, shape, a), g.dtype) : cpuCall('conv2dBackwardWeight', [g, x, shape, a]) as Storage,
  maxPool2d(x, a) {
    if (!native('maxPool2d')) return cpuCall('maxPool2d', [x, a]) as [Storage, Storage];
    const [v, i] = tf.tidy(() => conv.maxPool2d(x, a).map((t) => reshape(t, [t.size])));
    return [new TfjsStorage(tfjs, x.dtype, v.size, v), new TfjsStorage(tfjs, 'int64', i.size, i)];
  },
  maxPool2dBackward: (g, i, shape) => (native('maxPool2dBackward') ? out(() => conv.maxPool2dBackward(g, i, shape), g.dtype) : cpuCall('maxPool2dBackward', [g, i, shape]) as Storage),
  avgPool2d: (x, a) => (native('avgPool2d') ? out(() => conv.avgPool2d(x, a), x.dtype) : cpuCall('avgPool2d', [x, a]) as Storage),
  avgPool2dBackward: (g, shape, a) =>
    native('avgPool2dBackward') ? out(() => conv.avgPool2dBackward(g, shape, a), g.dtype) : cpuCall('avgPool2dBackward', [g, shape, a]) as Storage,
};

registerBackend(tfjs);
