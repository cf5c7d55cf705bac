import type { TypedArray } from '../dtype.js';
import { WASM_KERNELS_SIMD_BASE64 } from './wasm_kernels_binary.js';

/**
 * Float32 elementwise, reduction and optimizer kernels in WebAssembly SIMD128 (wasm/kernels.ts).
 *
 * Operands stay in JS typed arrays; each call stages them through linear memory in chunks of
 * {@link CHUNK} elements, small enough that the copies in and out hit the cache: copying with
 * `TypedArray.set` runs at memcpy speed, where a plain-TS loop spends 2–5 ns per element (measured
 * in PERF-NOTES), so the staged SIMD path wins from a few dozen elements on. Results are
 * bit-identical to the plain-TS kernels (see wasm/kernels.ts), which remain the reference and the
 * path for engines without SIMD128.
 */

/** Elements per staged chunk: 16 KiB per operand, five operands (Adam) well inside L2. */
const CHUNK = 4096;
/** Below this many elements the plain-TS loop is as fast as a call into WebAssembly. */
export const WASM_MIN = 64;

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  binary(op: number, a: number, b: number, o: number, n: number): void;
  binaryScalar(op: number, a: number, s: number, rev: number, o: number, n: number): void;
  unary(op: number, x: number, o: number, n: number): void;
  sumInto(x: number, n: number, acc: number): void;
  sumRows(x: number, rows: number, len: number, out: number): void;
  combine(acc: number): number;
  accumulate(x: number, acc: number, n: number): void;
  accumulateRows(x: number, rows: number, len: number, acc: number): void;
  adam(p: number, g: number, m: number, v: number, vmax: number, n: number, shrink: number, wd: number, b1: number, k1: number,
    b2: number, k2: number, bc2: number, eps: number, step: number, maximize: number, decoupled: number, decay: number, amsgrad: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  maxPool2x2(x: number, planes: number, H: number, W: number, OH: number, OW: number, base: number, vals: number, idx: number): void;
  sgd(p: number, g: number, b: number, n: number, wd: number, mom: number, keep: number, step: number,
    maximize: number, decay: number, hasBuf: number, first: number, nesterov: number): void;
}

/** The instance and views of its memory: five float32 staging regions, then a float64 one. */
interface Module {
  ex: Exports;
  f32: Float32Array;
  f64: Float64Array;
  /** Element index (in `f32`) of each float32 region. */
  r: number[];
  /** Element index (in `f64`) of the float64 region (CHUNK values). */
  d: number;
  /** Byte address of the free memory after the regions (whole matrices for `wasmTranspose`). */
  free: number;
}

/** The largest matrix `wasmTranspose` stages whole (two copies in linear memory: 32 MiB). */
const MAX_TRANSPOSE = 4 * 1024 * 1024;

// undefined: not tried yet; null: no WebAssembly SIMD128 here (the plain-TS kernels run).
let mod: Module | null | undefined;
let disabled = false;

function instantiate(): Module | null {
  if (typeof WebAssembly === 'undefined') return null;
  const bin = atob(WASM_KERNELS_SIMD_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (!WebAssembly.validate(bytes)) return null;
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  const base = ex.heapBase();
  const need = base + 5 * CHUNK * 4 + CHUNK * 8;
  const have = ex.memory.buffer.byteLength;
  // Grown once, here: the views below stay valid for the instance's life.
  if (need > have) ex.memory.grow(Math.ceil((need - have) / 65536));
  const r = [0, 1, 2, 3, 4].map((k) => base / 4 + k * CHUNK);
  return { ex, f32: new Float32Array(ex.memory.buffer), f64: new Float64Array(ex.memory.buffer), r, d: (base + 5 * CHUNK * 4) / 8, free: need };
}

/** Grows linear memory to at least `bytes` and renews the views (growing detaches the old buffer). */
function reserve(m: Module, bytes: number): void {
  const have = m.ex.memory.buffer.byteLength;
  if (bytes <= have) return;
  m.ex.memory.grow(Math.ceil((bytes - have) / 65536));
  m.f32 = new Float32Array(m.ex.memory.buffer);
  m.f64 = new Float64Array(m.ex.memory.buffer);
}

/** The module, or null where the engine lacks SIMD128 or `setWasmKernels(false)` turned it off. */
export function wasmKernels(): Module | null {
  if (disabled) return null;
  if (mod === undefined) mod = instantiate();
  return mod;
}

/** Turns the staged SIMD kernels off (the plain-TS reference runs) or back on: for tests and A/B benchmarks. */
export function setWasmKernels(on: boolean): void {
  disabled = !on;
}

/** The opcode of a binary op the module has (+ − × ÷), or -1. */
export function wasmBinaryCode(op: string): number {
  switch (op) {
    case 'add': return 0;
    case 'sub': return 1;
    case 'mul': return 2;
    case 'div': return 3;
    default: return -1;
  }
}

/** The opcode of a unary op the module has, or -1. */
export function wasmUnaryCode(op: string): number {
  switch (op) {
    case 'neg': return 0;
    case 'abs': return 1;
    case 'relu': return 2;
    case 'sqrt': return 3;
    case 'square': return 4;
    default: return -1;
  }
}

/** out[i] = A[a0 + i] op B[b0 + i], float32, i < out.length; out may be A's own elements. */
export function wasmBinary(m: Module, op: number, A: TypedArray, a0: number, B: TypedArray, b0: number, out: TypedArray): void {
  const { ex, f32, r } = m;
  const n = out.length;
  for (let s = 0; s < n; s += CHUNK) {
    const k = Math.min(CHUNK, n - s);
    f32.set(A.subarray(a0 + s, a0 + s + k), r[0]);
    f32.set(B.subarray(b0 + s, b0 + s + k), r[1]);
    ex.binary(op, r[0] * 4, r[1] * 4, r[0] * 4, k);
    out.set(f32.subarray(r[0], r[0] + k), s);
  }
}

/** Stages X[x0 …] chunk by chunk into region 0, runs `kernel(address, count)` there in place, copies it to `out`. */
function inPlace(m: Module, X: TypedArray, x0: number, out: TypedArray, kernel: (at: number, k: number) => void): void {
  const { f32, r } = m;
  const n = out.length;
  for (let c = 0; c < n; c += CHUNK) {
    const k = Math.min(CHUNK, n - c);
    f32.set(X.subarray(x0 + c, x0 + c + k), r[0]);
    kernel(r[0] * 4, k);
    out.set(f32.subarray(r[0], r[0] + k), c);
  }
}

/** out[i] = A[a0 + i] op s (or s op A[a0 + i] when `rev`), float32. */
export function wasmBinaryScalar(m: Module, op: number, A: TypedArray, a0: number, s: number, rev: boolean, out: TypedArray): void {
  inPlace(m, A, a0, out, (at, k) => m.ex.binaryScalar(op, at, s, rev ? 1 : 0, at, k));
}

/** out[i] = f(X[x0 + i]), float32. */
export function wasmUnary(m: Module, op: number, X: TypedArray, x0: number, out: TypedArray): void {
  inPlace(m, X, x0, out, (at, k) => m.ex.unary(op, at, at, k));
}

/**
 * out[o] = the sum of X[x0 + o·len …][len], float32 in, float64 accumulation in the plain-TS
 * kernel's order (four running sums), stored into `out` (its own dtype rounds).
 */
export function wasmSumRows(m: Module, X: TypedArray, x0: number, len: number, out: TypedArray): void {
  const { ex, f32, f64, r, d } = m;
  const rows = out.length;
  if (len <= CHUNK) {
    // Whole rows per chunk.
    const per = Math.max(1, Math.min(Math.floor(CHUNK / len), CHUNK));
    for (let o = 0; o < rows; o += per) {
      const k = Math.min(per, rows - o);
      f32.set(X.subarray(x0 + o * len, x0 + (o + k) * len), r[0]);
      ex.sumRows(r[0] * 4, k, len, d * 8);
      for (let j = 0; j < k; j++) out[o + j] = f64[d + j];
    }
    return;
  }
  // Long rows: running sums carried across chunks (CHUNK is a multiple of 4, so the order holds).
  for (let o = 0; o < rows; o++) {
    f64.fill(0, d, d + 4);
    for (let c = 0; c < len; c += CHUNK) {
      const k = Math.min(CHUNK, len - c);
      f32.set(X.subarray(x0 + o * len + c, x0 + o * len + c + k), r[0]);
      ex.sumInto(r[0] * 4, k, d * 8);
    }
    out[o] = ex.combine(d * 8);
  }
}

/**
 * For each of `outer` blocks of `red` rows of `len` float32 values from X[x0]:
 * out[b·len + j] = Σ_i X[x0 + (b·red + i)·len + j], float64 accumulation in row order (the plain-TS
 * kernel's), a column block at a time so the sums stay in cache.
 */
export function wasmSumCols(m: Module, X: TypedArray, x0: number, outer: number, red: number, len: number, out: TypedArray): void {
  const { ex, f32, f64, r, d } = m;
  if (len <= CHUNK / 2) {
    // Short rows: several consecutive rows per staged copy.
    const per = Math.floor(CHUNK / len);
    for (let b = 0; b < outer; b++) {
      f64.fill(0, d, d + len);
      for (let i = 0, at = x0 + b * red * len; i < red; i += per) {
        const k = Math.min(per, red - i);
        f32.set(X.subarray(at + i * len, at + (i + k) * len), r[0]);
        ex.accumulateRows(r[0] * 4, k, len, d * 8);
      }
      for (let j = 0; j < len; j++) out[b * len + j] = f64[d + j];
    }
    return;
  }
  for (let b = 0; b < outer; b++) {
    for (let c = 0; c < len; c += CHUNK) {
      const k = Math.min(CHUNK, len - c);
      f64.fill(0, d, d + k);
      for (let i = 0, at = x0 + b * red * len + c; i < red; i++, at += len) {
        f32.set(X.subarray(at, at + k), r[0]);
        ex.accumulate(r[0] * 4, d * 8, k);
      }
      for (let j = 0; j < k; j++) out[b * len + c + j] = f64[d + j];
    }
  }
}

/** Adam's float32 constants, as the plain-TS kernel computes them. */
export interface AdamConsts {
  shrink: number; wd: number; b1: number; k1: number; b2: number; k2: number; bc2: number; eps: number; step: number;
  maximize: boolean; decoupled: boolean; decay: boolean;
}

/** One Adam step in place over float32 arrays P, G, M, V (and X, the amsgrad maximum), n elements from the offsets. */
export function wasmAdam(m: Module, arrays: TypedArray[], offs: number[], n: number, c: AdamConsts): void {
  const { ex, f32, r } = m;
  const amsgrad = arrays.length > 4;
  const count = arrays.length;
  const written = [0, 2, 3, 4];
  for (let s = 0; s < n; s += CHUNK) {
    const k = Math.min(CHUNK, n - s);
    for (let t = 0; t < count; t++) f32.set(arrays[t].subarray(offs[t] + s, offs[t] + s + k), r[t]);
    ex.adam(r[0] * 4, r[1] * 4, r[2] * 4, r[3] * 4, r[4] * 4, k, c.shrink, c.wd, c.b1, c.k1, c.b2, c.k2, c.bc2, c.eps, c.step,
      +c.maximize, +c.decoupled, +c.decay, +amsgrad);
    for (const t of written) if (t < count) arrays[t].set(f32.subarray(r[t], r[t] + k), offs[t] + s);
  }
}

/** SGD's float32 constants, as the plain-TS kernel computes them. */
export interface SgdConsts {
  wd: number; mom: number; keep: number; step: number; maximize: boolean; decay: boolean; first: boolean; nesterov: boolean;
}

/** One SGD step in place over float32 arrays P, G (and B, the momentum buffer). */
export function wasmSgd(m: Module, arrays: TypedArray[], offs: number[], n: number, c: SgdConsts): void {
  const { ex, f32, r } = m;
  const hasBuf = arrays.length > 2;
  for (let s = 0; s < n; s += CHUNK) {
    const k = Math.min(CHUNK, n - s);
    f32.set(arrays[0].subarray(offs[0] + s, offs[0] + s + k), r[0]);
    f32.set(arrays[1].subarray(offs[1] + s, offs[1] + s + k), r[1]);
    if (hasBuf && !c.first) f32.set(arrays[2].subarray(offs[2] + s, offs[2] + s + k), r[2]);
    ex.sgd(r[0] * 4, r[1] * 4, r[2] * 4, k, c.wd, c.mom, c.keep, c.step, +c.maximize, +c.decay, +hasBuf, +c.first, +c.nesterov);
    arrays[0].set(f32.subarray(r[0], r[0] + k), offs[0] + s);
    if (hasBuf) arrays[2].set(f32.subarray(r[2], r[2] + k), offs[2] + s);
  }
}

/**
 * Max pool 2×2, stride 2, no padding over `planes` dense float32 H×W planes from X[off]: whole
 * planes per staged copy where they fit, else blocks of output rows (their two input rows each).
 * False when a row pair exceeds the staging region (the caller's plain-TS loop runs).
 */
export function wasmMaxPool2x2(m: Module, X: TypedArray, off: number, planes: number, H: number, W: number, OH: number, OW: number,
  vals: TypedArray, idx: Float64Array): boolean {
  const { ex, f32, f64, r, d } = m;
  const plane = H * W;
  if (plane <= CHUNK) {
    const per = Math.floor(CHUNK / plane);
    for (let p = 0; p < planes; p += per) {
      const k = Math.min(per, planes - p);
      f32.set(X.subarray(off + p * plane, off + (p + k) * plane), r[0]);
      ex.maxPool2x2(r[0] * 4, k, H, W, OH, OW, 0, r[1] * 4, d * 8);
      vals.set(f32.subarray(r[1], r[1] + k * OH * OW), p * OH * OW);
      idx.set(f64.subarray(d, d + k * OH * OW), p * OH * OW);
    }
    return true;
  }
  const rowsPer = Math.floor(CHUNK / (2 * W));
  if (rowsPer === 0) return false;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh += rowsPer) {
      const k = Math.min(rowsPer, OH - oh);
      const at = off + p * plane + 2 * oh * W;
      f32.set(X.subarray(at, at + 2 * k * W), r[0]);
      ex.maxPool2x2(r[0] * 4, 1, 2 * k, W, k, OW, 2 * oh * W, r[1] * 4, d * 8);
      const o = (p * OH + oh) * OW;
      vals.set(f32.subarray(r[1], r[1] + k * OW), o);
      idx.set(f64.subarray(d, d + k * OW), o);
    }
  }
  return true;
}

/**
 * out (rows×cols, dense) = Sᵀ where S is the dense cols×rows float32 matrix at X[off]: the whole
 * matrix staged at once, transposed in 4×4 register blocks. False when it is too large to stage.
 */
export function wasmTranspose(m: Module, X: TypedArray, off: number, rows: number, cols: number, out: TypedArray): boolean {
  const n = rows * cols;
  if (n > MAX_TRANSPOSE) return false;
  const src = (m.free + 63) & ~63;
  const dst = src + ((n * 4 + 63) & ~63);
  reserve(m, dst + n * 4);
  const { ex, f32 } = m;
  f32.set(X.subarray(off, off + n), src / 4);
  ex.transpose(src, cols, rows, dst);
  out.set(f32.subarray(dst / 4, dst / 4 + n));
  return true;
}
