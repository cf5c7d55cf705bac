import type { StridedView } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { wasmKernels, wasmTranspose } from './wasm_kernels.js';
import { isContiguous, numel } from '../shape.js';

/** The layout of one operand walked by {@link Rows}. */
export interface Layout {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Walks several views of one shape row by row in row-major order: `at[k]` is the storage offset
 * of operand k's current row, whose elements lie `step[k]` apart. Dims of size 1 are dropped and
 * neighbouring dims merged where every operand allows it, so a dense view is one long row and a
 * broadcast one (conv bias strides [0, s, 0, 0]) runs rows of H·W with step 0, with no offset
 * array per element.
 */
export class Rows {
  /** Elements per row. */
  readonly inner: number;
  /** Number of rows. */
  readonly count: number;
  readonly step: number[];
  readonly at: number[];
  private readonly outer: number[];
  /** Outer strides, operand-major within each dim: `strides[d * m + k]`. */
  private readonly strides: number[];
  private readonly idx: number[];

  constructor(shape: readonly number[], views: readonly Layout[]) {
    const m = views.length;
    const sizes: number[] = [];
    const st: number[][] = views.map(() => []);
    for (let d = 0; d < shape.length; d++) {
      const s = shape[d];
      if (s === 1) continue;
      const last = sizes.length - 1;
      if (last >= 0 && views.every((v, k) => st[k][last] === v.strides[d] * s)) {
        sizes[last] *= s;
        for (let k = 0; k < m; k++) st[k][last] = views[k].strides[d];
      } else {
        sizes.push(s);
        for (let k = 0; k < m; k++) st[k].push(views[k].strides[d]);
      }
    }
    const nd = sizes.length;
    this.inner = nd === 0 ? 1 : sizes[nd - 1];
    this.count = numel(shape) === 0 ? 0 : numel(sizes) / this.inner;
    this.step = st.map((s) => (nd === 0 ? 0 : s[nd - 1]));
    this.at = views.map((v) => v.offset);
    this.outer = sizes.slice(0, Math.max(nd - 1, 0));
    this.strides = [];
    for (let d = 0; d < this.outer.length; d++) for (let k = 0; k < m; k++) this.strides.push(st[k][d]);
    this.idx = this.outer.map(() => 0);
  }

  /** Moves every operand to the start of the next row. */
  next(): void {
    const m = this.at.length;
    for (let d = this.outer.length - 1; d >= 0; d--) {
      const s = this.outer[d];
      if (++this.idx[d] < s) {
        for (let k = 0; k < m; k++) this.at[k] += this.strides[d * m + k];
        return;
      }
      this.idx[d] = 0;
      for (let k = 0; k < m; k++) this.at[k] -= this.strides[d * m + k] * (s - 1);
    }
  }
}

/**
 * Element offsets of a strided view in row-major order, or null for "dense from `offset`"
 * (the caller can index `offset + i` directly). For kernels that need random access.
 */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array | null {
  if (isContiguous(shape, strides)) return null;
  const out = new Int32Array(numel(shape));
  const it = new Rows(shape, [{ strides, offset }]);
  const inner = it.inner;
  const step = it.step[0];
  let p = 0;
  for (let r = 0; r < it.count; r++, it.next()) {
    for (let j = 0, o = it.at[0]; j < inner; j++, o += step) out[p++] = o;
  }
  return out;
}

/** Offsets for `v`, or the dense run starting at `v.offset`; always materialised. */
export function allOffsets(v: StridedView): Int32Array {
  const o = stridedOffsets(v.shape, v.strides, v.offset);
  if (o) return o;
  const n = numel(v.shape);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = v.offset + i;
  return out;
}

/** Side of the square tiles {@link copyTransposed} moves: 32 float32 rows fit in L1 twice over. */
const TILE = 32;

/**
 * Dense copy of a view that walks memory against the grain (a transposed weight gradient, `x.t()`):
 * `rows × cols` elements with the source's row stride `rs` and column stride `cs`, in square tiles,
 * so each tile's reads and writes both stay in cache. Values are only moved, in no particular
 * order: the result equals the row-major walk's.
 */
export function copyTransposed(X: TypedArray, x0: number, rs: number, cs: number, rows: number, cols: number, out: TypedArray): void {
  // A whole transposed float32 matrix (a Linear weight's gradient): in WebAssembly SIMD.
  const m = rs === 1 && cs === rows && X instanceof Float32Array && out instanceof Float32Array ? wasmKernels() : null;
  if (m && wasmTranspose(m, X, x0, rows, cols, out)) return;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        const src = x0 + r * rs;
        const dst = r * cols;
        for (let c = c0; c < c1; c++) out[dst + c] = X[src + c * cs];
      }
    }
  }
}

/** The view as a 2-D [rows, cols] walk whose column stride is not 1 (a transpose), or null. */
export function transposedLayout(shape: readonly number[], strides: readonly number[]): { rows: number; cols: number; rs: number; cs: number } | null {
  const dims: number[] = [];
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) dims.push(d);
  if (dims.length !== 2) return null;
  const [r, c] = dims;
  if (strides[c] === 1 || strides[r] !== 1 || shape[r] < TILE || shape[c] < TILE) return null;
  return { rows: shape[r], cols: shape[c], rs: strides[r], cs: strides[c] };
}
