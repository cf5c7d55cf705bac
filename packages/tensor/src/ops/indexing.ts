import { type Attrs, defineOp, dispatch1 } from '../dispatcher.js';
import { castScalar } from '../dtype.js';
import { deviceCheck, lazyDetail } from '../validation.js';
import { cat } from '../functional.js';
import { full } from './creation.js';
import { IndexError, RuntimeError } from '../errors.js';
import { broadcastShapes, fmtShape, normDim, numel } from '../shape.js';
import { type EncodedItem, Tensor } from '../tensor.js';
import { broadcastView } from './elementwise.js';
import { commonBackend, fromStorage, indexTensor } from './util.js';

function checkIndex(index: Tensor, name: string, int32 = false): void {
  if (index.dtype !== 'int64' && !(int32 && index.dtype === 'int32')) {
    throw new RuntimeError(`${name}(): Expected dtype ${int32 ? 'int32 or ' : ''}int64 for index`);
  }
}

/** An index's [min, max] as one tensor: the detail of its bounds check. */
const rangeOf = (lo: Tensor, hi: Tensor) => cat([lo.reshape([1]), hi.reshape([1])]);

/**
 * Validates index values against `size`, never reading out of bounds. Python-style indexing
 * wraps negatives and raises IndexError; the kernels' ops (gather, scatter, index_select) take
 * only [0, size) and raise RuntimeError, as PyTorch does.
 */
function checkBounds(index: Tensor, size: number, dim: number, wrap = true): Tensor {
  if (index.numel() === 0) return index;
  const lo = index.amin();
  const hi = index.amax();
  const min = wrap ? -size : 0;
  deviceCheck(lo.ge(min).logicalAnd(hi.lt(size)), ([l, h]) => {
    const bad = h >= size ? h : l;
    return new (wrap ? IndexError : RuntimeError)(`index ${bad} is out of bounds for dimension ${dim} with size ${size}`);
  }, lazyDetail(rangeOf, lo, hi));
  return wrap ? index.where(index.ge(0), index.add(size)) : index;
}

function checkSameRank(x: Tensor, index: Tensor, dim: number, name: string, src?: Tensor): void {
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new RuntimeError(`Index tensor must have the same number of dimensions as ${name === 'gather' ? 'input' : 'self'} tensor`);
  }
  for (let i = 0; i < index.ndim; i++) {
    if (i !== dim && index.shape[i] > x.shape[i]) {
      throw new RuntimeError(`Size does not match at dimension ${i} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${dim}`);
    }
    if (src && index.shape[i] > src.shape[i]) {
      throw new RuntimeError(`Expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${dim} and to be smaller size than src ${fmtShape(src.shape)}`);
    }
  }
}

defineOp('primitive', 'gather(Tensor self, Tensor index, int dim) -> Tensor', ([x, index], { dim }: Attrs) => {
  checkIndex(index, 'gather');
  const d = normDim(dim as number, Math.max(x.ndim, 1));
  commonBackend([x, index]);
  checkSameRank(x, index, d, 'gather');
  if (x.ndim === 0) return x.reshape([1]).gather(0, index.reshape([-1])).reshape(index.shape as number[]);
  const idx = checkBounds(index, x.shape[d], d, false);
  return fromStorage(x.backend.gather(x, d, idx), index.shape);
});

defineOp('primitive', 'scatter(Tensor self, Tensor index, Tensor src, int dim, str reduce="none") -> Tensor', ([x, index, src], { dim, reduce }: Attrs) => {
  checkIndex(index, 'scatter');
  const d = normDim(dim as number, Math.max(x.ndim, 1));
  checkSameRank(x, index, d, 'scatter', src);
  if (src.dtype !== x.dtype) {
    throw new RuntimeError(`scatter(): Expected self.dtype to be equal to src.dtype`);
  }
  const idx = checkBounds(index, x.ndim === 0 ? 1 : x.shape[d], d, false);
  return fromStorage(x.backend.scatter(x, d, idx, src, reduce as 'none' | 'add'), x.shape);
});

defineOp('primitive', 'indexSelect(Tensor self, Tensor index, int dim) -> Tensor', ([x, index], { dim }: Attrs) => {
  checkIndex(index, 'index_select', true);
  if (index.ndim > 1) throw new IndexError('index_select(): Index is supposed to be a vector');
  const d = x.ndim === 0 ? 0 : normDim(dim as number, x.ndim);
  const xx = x.ndim === 0 ? x.reshape([1]) : x;
  const idx = checkBounds(index.reshape([-1]), xx.shape[d], d, false);
  const shape = [...xx.shape];
  shape[d] = idx.numel();
  const r = fromStorage(x.backend.indexSelect(xx, d, idx), shape);
  return x.ndim === 0 ? r.reshape(index.shape as number[]) : r;
});

defineOp('primitive', 'indexAdd(Tensor self, Tensor index, Tensor source, int dim) -> Tensor', ([x, index, src], { dim }: Attrs) => {
  checkIndex(index, 'index_add', true);
  const d = normDim(dim as number, Math.max(x.ndim, 1));
  const idx = checkBounds(index.reshape([-1]), x.shape[d] ?? 1, d);
  const expect = [...x.shape];
  expect[d] = idx.numel();
  if (src.ndim === x.ndim) {
    // PyTorch adds slice by slice, so a mismatch reads as a broadcasting error on the slice dims.
    const sliceDims = x.shape.map((_, i) => i).filter((i) => i !== d);
    sliceDims.forEach((i, k) => {
      if (src.shape[i] !== x.shape[i]) {
        throw new RuntimeError(`The size of tensor a (${x.shape[i]}) must match the size of tensor b (${src.shape[i]}) at non-singleton dimension ${k}`);
      }
    });
  }
  if (src.shape.length !== expect.length || src.shape.some((s, i) => s !== expect[i])) {
    throw new RuntimeError(`index_add_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${fmtShape(x.shape.filter((_, i) => i !== d))} at dimension ${d} and source slice shape: ${fmtShape(src.shape.filter((_, i) => i !== d))} at dimension 0.`);
  }
  return fromStorage(x.backend.indexAdd(x, d, idx, src.to(x.dtype)), x.shape);
});

/** Coordinates of non-zero elements, [n, ndim] int64: a data-dependent shape (PyTorch syncs here too). */
defineOp('primitive', 'nonzero(Tensor self) -> Tensor', ([x]) => {
  if (x.ndim === 0) return full([x.backend.nonzero(x.reshape([1])).size, 0], 0, { dtype: 'int64', device: x.device });
  const s = x.backend.nonzero(x);
  return fromStorage(s, [s.size / x.ndim, x.ndim]);
});

interface Plan {
  view: Tensor;
  /** Index tensors and the dims of `view` they index, in order. */
  adv: { dim: number; index: Tensor }[];
}

/** Applies the basic items (ints, slices, None, ...) as views and collects the advanced ones. */
function planIndex(x: Tensor, items: EncodedItem[], tensors: Tensor[]): Plan {
  let ti = 0;
  const expanded: (EncodedItem | Tensor)[] = items.map((it) => (it === 'T' ? tensors[ti++] : it));
  // A bool mask stands for as many dims as it has.
  const consumed = (it: EncodedItem | Tensor) =>
    it === null || it === '...' ? 0 : it instanceof Tensor && (it.dtype === 'bool' || it.dtype === 'uint8') ? Math.max(it.ndim, 1) : 1;
  const used = expanded.reduce<number>((s, it) => s + consumed(it), 0);
  const ellipses = expanded.filter((it) => it === '...').length;
  if (ellipses > 1) throw new IndexError('an index can only have a single ellipsis (\'...\')');
  if (used > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);
  let view = x;
  let dim = 0;
  const adv: Plan['adv'] = [];
  for (const it of expanded) {
    if (it === '...') {
      dim += x.ndim - used;
    } else if (it === null) {
      view = view.unsqueeze(dim);
      dim++;
    } else if (typeof it === 'number') {
      const size = view.shape[dim];
      if (it < -size || it >= size) throw new IndexError(`index ${it} is out of bounds for dimension ${dim} with size ${size}`);
      view = view.select(dim, it);
    } else if (it instanceof Tensor) {
      if (it.dtype === 'bool' || it.dtype === 'uint8') {
        const mdims = Math.max(it.ndim, 1);
        for (let k = 0; k < it.ndim; k++) {
          if (it.shape[k] !== view.shape[dim + k]) {
            throw new IndexError(`The shape of the mask ${fmtShape(it.shape)} at index ${k} does not match the shape of the indexed tensor ${fmtShape(view.shape)} at index ${dim + k}`);
          }
        }
        if (it.ndim === 0) {
          view = view.unsqueeze(dim);
          adv.push({ dim, index: it.reshape([1]).nonzero().reshape([-1]) });
          dim++;
          continue;
        }
        const nz = it.nonzero();
        for (let k = 0; k < mdims; k++) adv.push({ dim: dim + k, index: nz.select(1, k) });
        dim += mdims;
      } else {
        if (it.dtype !== 'int64') throw new IndexError('tensors used as indices must be long, byte or bool tensors');
        adv.push({ dim, index: it });
        dim++;
      }
    } else if (typeof it === 'object') {
      view = dispatch1('slice', [view], { dim, start: it.start, stop: it.stop, step: it.step ?? 1 });
      dim++;
    }
  }
  return { view, adv };
}

/**
 * Advanced indexing: the indexed dims move to the front and collapse into one, the broadcast
 * index tensors become one linear index into it, and `indexSelect` does the gather.
 */
function advancedLayout(p: Plan): { moved: Tensor; linear: Tensor; bshape: number[]; front: boolean; firstDim: number } {
  const { view, adv } = p;
  const dims = adv.map((a) => a.dim);
  const bshape = broadcastShapes(...adv.map((a) => a.index.shape));
  const rest = view.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const moved = view.permute([...dims, ...rest]);
  let linear: Tensor | null = null;
  let mult = 1;
  for (let k = adv.length - 1; k >= 0; k--) {
    const size = view.shape[adv[k].dim];
    const idx = checkBounds(adv[k].index.to('int64'), size, adv[k].dim).expand(bshape);
    linear = linear === null ? idx.mul(mult) : linear.add(idx.mul(mult));
    mult *= size;
  }
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  return { moved, linear: linear!, bshape, front: !adjacent, firstDim: dims[0] };
}

defineOp('composite', 'index(Tensor self, Tensor[] indices, Any[] items) -> Tensor', ([x, ...tensors], { items }: Attrs) => {
  const plan = planIndex(x, items as EncodedItem[], tensors);
  if (plan.adv.length === 0) return plan.view === x ? dispatch1('alias', [x]) : plan.view;
  const { moved, linear, bshape, front, firstDim } = advancedLayout(plan);
  const k = plan.adv.length;
  const restShape = moved.shape.slice(k);
  const flat = moved.reshape([numel(moved.shape.slice(0, k)), ...restShape]);
  const picked = flat.indexSelect(0, linear.reshape([-1])).reshape([...bshape, ...restShape]);
  if (front || firstDim === 0) return picked;
  // Adjacent advanced indices keep their place among the other dims.
  const nb = bshape.length;
  const order = [...Array(picked.ndim).keys()];
  const b = order.slice(0, nb);
  const r = order.slice(nb);
  return picked.permute([...r.slice(0, firstDim), ...b, ...r.slice(firstDim)]);
});

defineOp('inplace', 'indexPut_(Tensor self, Tensor values, Tensor[] indices, Any[] items) -> Tensor', ([x, value, ...tensors], { items }: Attrs) => {
  const plan = planIndex(x, items as EncodedItem[], tensors);
  if (plan.adv.length === 0) {
    plan.view.copy_(value);
    return x;
  }
  const { moved, linear, bshape } = advancedLayout(plan);
  const k = plan.adv.length;
  const restShape = moved.shape.slice(k);
  const rows = numel(moved.shape.slice(0, k));
  const flat = moved.reshape([rows, ...restShape]);
  const n = numel(bshape);
  const src = value.to(x.dtype).expand([...bshape, ...restShape]).reshape([n, ...restShape]);
  const idx = linear.reshape([n, ...restShape.map(() => 1)]).expand([n, ...restShape]);
  const updated = flat.scatter(0, idx, src.contiguous());
  moved.copy_(updated.reshape(moved.shape as number[]));
  return x;
});

/** In-place write of `src` into `x` (broadcast, cast); bumps the version counter shared by views. */
defineOp('inplace', 'copy_(Tensor self, Tensor? src, Scalar? scalar=None) -> Tensor', ([x, src], { scalar }: Attrs) => {
  if (!src) {
    x.backend.fill(x, castScalar(Number(scalar), x.dtype));
    x._version.value++;
    return x;
  }
  const shape = broadcastShapes(x.shape, src.shape);
  if (shape.length !== x.ndim || shape.some((s, i) => s !== x.shape[i])) {
    throw new RuntimeError(`output with shape ${fmtShape(x.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`);
  }
  let s = src;
  if (src.backend !== x.backend) s = src.to({ device: x.device });
  x.backend.copyInto(x, broadcastView(s, x.shape));
  x._version.value++;
  return x;
});

defineOp('composite', 'tril(Tensor self, int diagonal=0, bool upper=False) -> Tensor', ([x], { diagonal, upper }: Attrs) => {
  if (x.ndim < 2) normDim(-2, x.ndim);
  const [r, c] = x.shape.slice(-2);
  const rows = indexTensor(Array.from({ length: r }, (_, i) => i), x.backend, [r, 1]);
  const cols = indexTensor(Array.from({ length: c }, (_, i) => i), x.backend, [1, c]);
  const diff = cols.sub(rows);
  const keep = upper ? diff.ge(diagonal as number) : diff.le(diagonal as number);
  return x.maskedFill(keep.logicalNot(), 0);
});

defineOp('composite', 'flip(Tensor self, int[] dims) -> Tensor', ([x], { dims }: Attrs) => {
  let out = x;
  const ds = (dims as number[]).map((d) => normDim(d, x.ndim));
  if (new Set(ds).size !== ds.length) throw new RuntimeError('dims has duplicates');
  for (const d of ds) {
    const n = x.shape[d];
    const idx = indexTensor(Array.from({ length: n }, (_, i) => n - 1 - i), x.backend);
    out = out.indexSelect(d, idx);
  }
  return out === x ? x.clone() : out;
});

defineOp('composite', 'roll(Tensor self, int[] shifts, int[]? dims=None) -> Tensor', ([x], { shifts, dims }: Attrs) => {
  const sh = shifts as number[];
  if (dims === null) {
    if (sh.length !== 1) throw new RuntimeError('shifts and dimensions must align');
    return x.reshape([-1]).roll(sh, 0).reshape(x.shape as number[]);
  }
  const ds = dims as number[];
  if (sh.length !== ds.length) throw new RuntimeError(`shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  let out = x;
  ds.forEach((dd, k) => {
    const d = normDim(dd, x.ndim);
    const n = x.shape[d];
    if (n === 0) return;
    const s = ((sh[k] % n) + n) % n;
    const idx = indexTensor(Array.from({ length: n }, (_, i) => (i - s + n) % n), x.backend);
    out = out.indexSelect(d, idx);
  });
  return out;
});

defineOp('composite', 'repeat(Tensor self, int[] sizes) -> Tensor', ([x], { sizes }: Attrs) => {
  const reps = sizes as number[];
  if (reps.length < x.ndim) {
    throw new RuntimeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  }
  const pad = reps.length - x.ndim;
  const xs = x.reshape([...Array(pad).fill(1), ...x.shape]);
  // [r0, s0, r1, s1, ...] expanded, then merged: each dim tiles its repetitions outermost.
  const expandedShape: number[] = [];
  const viewShape: number[] = [];
  xs.shape.forEach((s, i) => {
    viewShape.push(1, s);
    expandedShape.push(reps[i], s);
  });
  return xs.reshape(viewShape).expand(expandedShape).reshape(xs.shape.map((s, i) => s * reps[i]));
});

