import { IndexError, RuntimeError } from './errors.js';

export type Shape = readonly number[];

/** The number of elements of a shape (`math.prod(shape)`; 1 for a scalar). */
export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= Math.max(shape[i], 1);
  }
  return st;
}

/** Whether `strides` are the row-major strides of `shape` (`is_contiguous()`; size-1 dims ignored). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== acc) return false;
    acc *= shape[i];
  }
  return true;
}

/** Wraps a possibly negative dim into [0, ndim), with PyTorch's IndexError otherwise. */
export function normDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a dim list for reductions; `undefined` or `[]` means every dim. Duplicates are rejected. */
export function normDims(dims: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (dims === undefined || dims === null) return [...Array(ndim).keys()];
  const list = typeof dims === 'number' ? [dims] : [...dims];
  if (list.length === 0) return [...Array(ndim).keys()];
  const out = list.map((d) => (ndim === 0 ? (normDim(d, 0), 0) : normDim(d, ndim)));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new RuntimeError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return ndim === 0 ? [] : out.sort((a, b) => a - b);
}

/** PyTorch's broadcasting rule (pairwise, last dim first), with its error message. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  let out: number[] = shapes.length > 0 ? [...shapes[0]] : [];
  for (let k = 1; k < shapes.length; k++) out = broadcastPair(out, shapes[k]);
  return out;
}

function broadcastPair(a: Shape, b: Shape): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let i = nd - 1; i >= 0; i--) {
    const sa = a[a.length - nd + i] ?? 1;
    const sb = b[b.length - nd + i] ?? 1;
    if (sa !== sb && sa !== 1 && sb !== 1) {
      throw new RuntimeError(`The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i}`);
    }
    out[i] = sa === 1 ? sb : sa;
  }
  return out;
}

/** Whether two shapes are equal. */
export function shapeEq(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** `[2, 3]` the way PyTorch prints sizes in messages. */
export function fmtShape(s: Shape): string {
  return `[${s.join(', ')}]`;
}

/** Validates a user-given shape: non-negative integers, at most one -1 resolved against `total`. */
export function inferShape(shape: readonly number[], total: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (infer >= 0) throw new RuntimeError('only one dimension can be inferred');
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new RuntimeError(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 && total === 0) {
      throw new RuntimeError(`cannot reshape tensor of 0 elements into shape ${fmtShape(shape)} because the unspecified dimension size -1 can be any value and is ambiguous`);
    }
    if (known === 0 || total % known !== 0) throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${total}`);
    out[infer] = total / known;
  } else if (known !== total) {
    throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${total}`);
  }
  return out;
}

/** Validates sizes given to creation functions (`zeros(2, 3)` or `zeros([2, 3])`). */
export function checkSizes(shape: readonly number[]): number[] {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new RuntimeError(`Trying to create tensor with negative dimension ${s}: ${fmtShape(shape)}`);
    }
  }
  return [...shape];
}
