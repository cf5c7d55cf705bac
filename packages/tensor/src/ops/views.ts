import { getBackend } from '../backend.js';
import { type Attrs, defineOp } from '../dispatcher.js';
import { IndexError, RuntimeError } from '../errors.js';
import { contiguousStrides, fmtShape, inferShape, normDim, numel } from '../shape.js';
import { fromStorage, viewOf } from './util.js';

/**
 * View ops: new geometry over the same storage. They never copy (except `reshape` when the
 * strides make a view impossible, and `contiguous`/`clone`).
 */

/** Strides for viewing `t` as `shape` without copying, or null when impossible (PyTorch's computeStride). */
export function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], shape: readonly number[]): number[] | null {
  const n = numel(oldShape);
  if (n === 0) return contiguousStrides(shape);
  const newStrides = new Array<number>(shape.length).fill(0);
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let td = oldShape.length - 1; td >= 0; td--) {
    tensorNumel *= oldShape[td];
    if (td === 0 || (oldShape[td - 1] !== 1 && oldStrides[td - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (td > 0) {
        chunkBase = oldStrides[td - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

defineOp('view', 'view(Tensor self, int[] shape) -> Tensor', ([x], { shape }: Attrs) => {
  const s = inferShape(shape as number[], x.numel());
  const st = viewStrides(x.shape, x.strides, s);
  if (!st) {
    throw new RuntimeError(
      'view size is not compatible with input tensor\'s size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.',
    );
  }
  return viewOf(x, s, st, x.offset);
});

defineOp('view', 'reshape(Tensor self, int[] shape) -> Tensor', ([x], { shape }: Attrs) => {
  const s = inferShape(shape as number[], x.numel());
  const st = viewStrides(x.shape, x.strides, s);
  if (st) return viewOf(x, s, st, x.offset);
  return fromStorage(x.backend.copy(x, x.dtype), s);
});

defineOp('view', 'permute(Tensor self, int[] dims) -> Tensor', ([x], { dims }: Attrs) => {
  const d = dims as number[];
  if (d.length !== x.ndim) {
    throw new RuntimeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${d.length}`);
  }
  const nd = d.map((v) => normDim(v, x.ndim));
  if (new Set(nd).size !== nd.length) throw new RuntimeError('permute(): duplicate dims are not allowed.');
  return viewOf(x, nd.map((i) => x.shape[i]), nd.map((i) => x.strides[i]), x.offset);
});

defineOp('view', 'transpose(Tensor self, int dim0, int dim1) -> Tensor', ([x], { dim0, dim1 }: Attrs) => {
  if (x.ndim === 0) return viewOf(x, [], [], x.offset);
  const a = normDim(dim0 as number, x.ndim);
  const b = normDim(dim1 as number, x.ndim);
  const shape = [...x.shape];
  const strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return viewOf(x, shape, strides, x.offset);
});

defineOp('view', 'expand(Tensor self, int[] shape) -> Tensor', ([x], { shape }: Attrs) => {
  const s = shape as number[];
  if (s.length < x.ndim) {
    throw new RuntimeError(`expand(torch.${x.dtype}{${fmtShape(x.shape)}}, size=${fmtShape(s)}): the number of sizes provided (${s.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  }
  const out: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const j = i - (s.length - x.ndim);
    const size = j >= 0 ? x.shape[j] : 1;
    let target = s[i];
    if (target === -1) {
      if (j < 0) throw new RuntimeError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      target = size;
    }
    if (j >= 0 && size !== 1 && size !== target) {
      throw new RuntimeError(`The expanded size of the tensor (${target}) must match the existing size (${size}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(s)}.  Tensor sizes: ${fmtShape(x.shape)}`);
    }
    out.push(target);
    strides.push(j >= 0 && size === target ? x.strides[j] : 0);
  }
  return viewOf(x, out, strides, x.offset);
});

defineOp('view', 'squeeze(Tensor self, int[]? dim=None) -> Tensor', ([x], { dim }: Attrs) => {
  let keep: number[];
  if (dim === null) keep = x.shape.map((_, i) => i).filter((i) => x.shape[i] !== 1);
  else {
    const ds = (typeof dim === 'number' ? [dim] : (dim as number[])).map((d) => normDim(d, x.ndim));
    keep = x.shape.map((_, i) => i).filter((i) => !(ds.includes(i) && x.shape[i] === 1));
  }
  return viewOf(x, keep.map((i) => x.shape[i]), keep.map((i) => x.strides[i]), x.offset);
});

defineOp('view', 'unsqueeze(Tensor self, int dim) -> Tensor', ([x], { dim }: Attrs) => {
  const d = normDim(dim as number, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  const st = d < x.ndim ? x.strides[d] * x.shape[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  return viewOf(x, shape, strides, x.offset);
});

defineOp('view', 'flatten(Tensor self, int startDim=0, int endDim=-1) -> Tensor', ([x], { startDim, endDim }: Attrs) => {
  if (x.ndim === 0) return x.reshape([1]);
  const s = normDim(startDim as number, x.ndim);
  const e = normDim(endDim as number, x.ndim);
  if (s > e) throw new RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim');
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return x.reshape(shape);
});

defineOp('view', 'unflatten(Tensor self, int dim, int[] sizes) -> Tensor', ([x], { dim, sizes }: Attrs) => {
  const d = normDim(dim as number, x.ndim);
  const inner = inferShape(sizes as number[], x.shape[d]);
  return x.view([...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
});

/** Python slice semantics along one dim (`start:stop:step`, clamped, negative from the end). */
export function sliceBounds(size: number, start: number | null, stop: number | null, step: number): { start: number; len: number } {
  if (step <= 0) throw new RuntimeError('slice step must be positive');
  let s = start ?? 0;
  let e = stop ?? size;
  if (s < 0) s += size;
  if (e < 0) e += size;
  s = Math.min(Math.max(s, 0), size);
  e = Math.min(Math.max(e, s), size);
  return { start: s, len: Math.ceil((e - s) / step) };
}

defineOp('view', 'slice(Tensor self, int dim, int? start, int? stop, int step=1, bool narrow=False) -> Tensor', ([x], { dim, start, stop, step, narrow }: Attrs) => {
  if (x.ndim === 0) throw new IndexError('slice() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim as number, x.ndim);
  const size = x.shape[d];
  if (narrow) {
    const st = start as number;
    const len = (stop as number) - st;
    const s0 = st < 0 ? st + size : st;
    if (s0 < 0 || s0 > size) throw new IndexError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${st})`);
    if (len < 0 || s0 + len > size) throw new RuntimeError(`start (${s0}) + length (${len}) exceeds dimension size (${size}).`);
    const shape = [...x.shape];
    shape[d] = len;
    return viewOf(x, shape, x.strides, x.offset + s0 * x.strides[d]);
  }
  const b = sliceBounds(size, start as number | null, stop as number | null, step as number);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = b.len;
  strides[d] = x.strides[d] * (step as number);
  return viewOf(x, shape, strides, x.offset + b.start * x.strides[d]);
});

defineOp('view', 'select(Tensor self, int dim, int index) -> Tensor', ([x], { dim, index }: Attrs) => {
  if (x.ndim === 0) throw new IndexError('select() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim as number, x.ndim);
  const size = x.shape[d];
  const i = index as number;
  if (!Number.isInteger(i) || i < -size || i >= size) {
    throw new IndexError(`select(): index ${i} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${d}`);
  }
  const ii = i < 0 ? i + size : i;
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 1);
  strides.splice(d, 1);
  return viewOf(x, shape, strides, x.offset + ii * x.strides[d]);
});

defineOp('view', 'unfold(Tensor self, int dim, int size, int step) -> Tensor', ([x], { dim, size, step }: Attrs) => {
  const d = x.ndim === 0 ? 0 : normDim(dim as number, x.ndim);
  const len = x.ndim === 0 ? 1 : x.shape[d];
  const sz = size as number;
  const st = step as number;
  if (sz > len) throw new RuntimeError(`maximum size for tensor at dimension ${d} is ${len} but size is ${sz}`);
  if (st <= 0) throw new RuntimeError(`step is ${st} but must be > 0`);
  if (x.ndim === 0) return viewOf(x, [sz], [1], x.offset);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = Math.floor((len - sz) / st) + 1;
  strides[d] = x.strides[d] * st;
  shape.push(sz);
  strides.push(x.strides[d]);
  return viewOf(x, shape, strides, x.offset);
});

defineOp('view', 'asStrided(Tensor self, int[] size, int[] stride, int storageOffset) -> Tensor', ([x], { size, stride, storageOffset }: Attrs) => {
  const sz = size as number[];
  const st = stride as number[];
  if (sz.length !== st.length) throw new RuntimeError(`mismatch in length of strides and shape`);
  let maxOff = storageOffset as number;
  for (let i = 0; i < sz.length; i++) if (sz[i] > 0) maxOff += (sz[i] - 1) * st[i];
  if (numel(sz) > 0 && maxOff >= x.storage.size) {
    throw new RuntimeError(`setStorage: sizes ${fmtShape(sz)}, strides ${fmtShape(st)}, storage offset ${storageOffset as number} requiring a storage size of ${maxOff + 1} are out of bounds for storage of size ${x.storage.size}`);
  }
  return viewOf(x, sz, st, storageOffset as number);
});

defineOp('view', 'diagonal(Tensor self, int offset=0, int dim1=0, int dim2=1) -> Tensor', ([x], { offset, dim1, dim2 }: Attrs) => {
  const a = normDim(dim1 as number, x.ndim);
  const b = normDim(dim2 as number, x.ndim);
  if (a === b) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1 as number}, ${dim2 as number}`);
  const off = offset as number;
  const len = Math.max(0, off >= 0 ? Math.min(x.shape[a], x.shape[b] - off) : Math.min(x.shape[a] + off, x.shape[b]));
  const start = x.offset + (len > 0 ? (off >= 0 ? off * x.strides[b] : -off * x.strides[a]) : 0);
  const keep = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
  return viewOf(x, [...keep.map((i) => x.shape[i]), len], [...keep.map((i) => x.strides[i]), x.strides[a] + x.strides[b]], start);
});

/** Shares storage and version counter, but not history: autograd never records it. */
defineOp('view', 'detach(Tensor self) -> Tensor', ([x]) => viewOf(x, x.shape, x.strides, x.offset));
defineOp('view', 'alias(Tensor self) -> Tensor', ([x]) => viewOf(x, x.shape, x.strides, x.offset));

defineOp('primitive', 'contiguous(Tensor self) -> Tensor', ([x]) => fromStorage(x.backend.copy(x, x.dtype), x.shape));
defineOp('primitive', 'clone(Tensor self) -> Tensor', ([x]) => fromStorage(x.backend.copy(x, x.dtype), x.shape));

/** Moves data to another device (`t.to('webgpu')`), reading back on the source backend. */
defineOp('primitive', 'toDevice(Tensor self, Device device) -> Tensor', ([x], { device }: Attrs) => {
  const from = x.backend;
  if (!from.readSync) throw new RuntimeError(`moving a tensor off ${from.name} needs an asynchronous read: use 'await t.dataAsync()' first`);
  const data = from.readSync(from.copy(x, x.dtype));
  return fromStorage(getBackend(device as string).fromArray(data, x.dtype), x.shape);
});
