import type { TypedArray } from '../dtype.js';
import { WASM_GEMM_RELAXED_BASE64, WASM_GEMM_SIMD_BASE64 } from './wasm_gemm_binary.js';

/** Which build runs: 'relaxed' (fused multiply-add), 'simd' (plain SIMD128), or none. */
export type WasmGemmVariant = 'relaxed' | 'simd' | null;

/** The module's exports; every pointer is a byte address in `memory`, every stride in elements. */
export interface GemmModule {
  variant: 'relaxed' | 'simd';
  memory: WebAssembly.Memory;
  /** First free byte, 64-aligned. */
  base: number;
  gemm: (M: number, N: number, K: number, a: number, aRs: number, aCs: number,
    b: number, bRs: number, bCs: number, c: number, work: number, NC: number) => void;
  im2col: (x: number, C: number, H: number, W: number, kh: number, kw: number, OH: number, OW: number,
    sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, cols: number, rs: number, cs: number) => void;
  col2im: (cols: number, C: number, H: number, W: number, kh: number, kw: number, OH: number, OW: number,
    sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, dx: number) => void;
  accumulate64: (src: number, acc: number, n: number) => void;
}

/** Bytes of packed B per column block, kept in L2 while A's 4-row strips stream past it. */
const BLOCK_BYTES = 256 * 1024;
/** Linear memory is addressed with 32-bit offsets; beyond this the plain-TS gemm takes over. */
const MAX_BYTES = 2 ** 31;
const PAGE = 65536;

// undefined: not tried yet; null: this engine has no WebAssembly SIMD128.
let mod: GemmModule | null | undefined;
let f32 = new Float32Array(0);

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * Node 20 ships relaxed SIMD behind a V8 flag (on by default from Node 22 and in Chrome 114+);
 * the flag is honoured when set before the module is compiled. Elsewhere this does nothing.
 */
function enableRelaxedSimdInNode(): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('v8') as { setFlagsFromString?: (f: string) => void } | undefined;
  v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

function instantiate(): GemmModule | null {
  if (typeof WebAssembly === 'undefined') return null;
  const relaxed = decode(WASM_GEMM_RELAXED_BASE64);
  if (!WebAssembly.validate(relaxed)) enableRelaxedSimdInNode();
  let variant: GemmModule['variant'] = 'relaxed';
  let bytes = relaxed;
  if (!WebAssembly.validate(relaxed)) {
    variant = 'simd';
    bytes = decode(WASM_GEMM_SIMD_BASE64);
    if (!WebAssembly.validate(bytes)) return null;
  }
  // Small module: synchronous compile at first use keeps gemm synchronous.
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as
    Omit<GemmModule, 'variant' | 'base'> & { heapBase: () => number };
  return {
    variant, memory: ex.memory, base: ex.heapBase(),
    gemm: ex.gemm, im2col: ex.im2col, col2im: ex.col2im, accumulate64: ex.accumulate64,
  };
}

/** The build this engine runs (null: float32 gemm uses the plain-TS path). */
export function wasmGemmVariant(): WasmGemmVariant {
  if (mod === undefined) mod = instantiate();
  return mod === null ? null : mod.variant;
}

/** The module, or null where the engine lacks SIMD128 (callers then take their plain-TS path). */
export function wasmModule(): GemmModule | null {
  wasmGemmVariant();
  return mod as GemmModule | null;
}

/** Rounds a byte address up to 64, so each region starts on a cache line. */
export const align = (n: number) => Math.ceil(n / 64) * 64;

/**
 * Grows linear memory to at least `end` bytes and returns a float32 view of all of it (growing
 * detaches earlier views); null when `end` is past what 32-bit addressing allows.
 */
export function wasmHeap(end: number): Float32Array | null {
  const m = mod as GemmModule;
  if (end > MAX_BYTES) return null;
  const have = m.memory.buffer.byteLength;
  if (end > have) m.memory.grow(Math.ceil((end - have) / PAGE));
  if (f32.buffer !== m.memory.buffer) f32 = new Float32Array(m.memory.buffer);
  return f32;
}

/** Column-block width for the kernel: NC columns of packed B fill BLOCK_BYTES. */
const blockCols = (K: number) => Math.max(8, Math.floor(BLOCK_BYTES / (32 * Math.max(K, 1))) * 8);

/** Bytes of `work` that the kernel needs for an M×K · K×N product (A densified, one B block). */
export function gemmWorkBytes(M: number, N: number, K: number): number {
  const kk = Math.max(K, 1);
  return 4 * M * kk + 64 + 4 * Math.min(blockCols(K), Math.ceil(N / 8) * 8) * kk;
}

/**
 * The kernel on operands already in linear memory (byte addresses, element strides; C dense
 * row-major), `work` pointing at `gemmWorkBytes(M, N, K)` free bytes.
 */
export function gemmResident(M: number, N: number, K: number, a: number, aRs: number, aCs: number,
  b: number, bRs: number, bCs: number, c: number, work: number): void {
  (mod as GemmModule).gemm(M, N, K, a, aRs, aCs, b, bRs, bCs, c, work, blockCols(K));
}

/** Elements one past the last one a [rows, cols] view with these (non-negative) strides reads. */
const span = (rows: number, cols: number, rs: number, cs: number) => (rows - 1) * rs + (cols - 1) * cs + 1;

/**
 * Copies an operand into linear memory at byte `at`: its whole span in one block copy when the
 * view is compact (any transposition included; the kernel follows the strides), else gathered
 * dense row-major. Returns the strides the kernel should use.
 */
function stage(rows: number, cols: number, X: Float32Array, off: number, rs: number, cs: number, at: number): [number, number] {
  const n = span(rows, cols, rs, cs);
  if (n <= 2 * rows * cols) {
    f32.set(X.subarray(off, off + n), at / 4);
    return [rs, cs];
  }
  let p = at / 4;
  for (let i = 0; i < rows; i++) {
    for (let j = 0, o = off + i * rs; j < cols; j++, o += cs) f32[p++] = X[o];
  }
  return [cols, 1];
}

/**
 * C[M, N] = A[M, K] · B[K, N] (or `+=` with `accumulate`) in WebAssembly SIMD, summed along K
 * in float32 as PyTorch's BLAS does (with fused multiply-adds where relaxed SIMD is available). A and B are float32 with non-negative
 * strides, C is dense row-major (float32, or float64 for callers that sum several products).
 * Returns false, having done nothing, when the engine lacks SIMD128 or the operands do not fit
 * in 32-bit linear memory: the caller then uses the plain-TS gemm.
 */
export function wasmGemm(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, aRs: number, aCs: number,
  B: Float32Array, bOff: number, bRs: number, bCs: number,
  C: TypedArray, cOff: number, accumulate: boolean,
): boolean {
  if (wasmGemmVariant() === null || aRs < 0 || aCs < 0 || bRs < 0 || bCs < 0) return false;
  const kk = Math.max(K, 1);
  // Layout: A span | B span | C | work (dense A when A's columns are strided, then a B block).
  const aAt = align((mod as GemmModule).base);
  const bAt = align(aAt + 4 * Math.max(span(M, kk, aRs, aCs), M * kk));
  const cAt = align(bAt + 4 * Math.max(span(kk, N, bRs, bCs), kk * N));
  const wAt = align(cAt + 4 * M * N);
  if (wasmHeap(wAt + gemmWorkBytes(M, N, K)) === null) return false;
  const [ars, acs] = K > 0 ? stage(M, K, A, aOff, aRs, aCs, aAt) : [0, 1];
  const [brs, bcs] = K > 0 ? stage(K, N, B, bOff, bRs, bCs, bAt) : [0, 1];
  gemmResident(M, N, K, aAt, ars, acs, bAt, brs, bcs, cAt, wAt);
  const c0 = cAt / 4;
  if (!accumulate && C instanceof Float32Array) {
    C.set(f32.subarray(c0, c0 + M * N), cOff);
  } else if (accumulate) {
    for (let i = 0; i < M * N; i++) C[cOff + i] += f32[c0 + i];
  } else {
    for (let i = 0; i < M * N; i++) C[cOff + i] = f32[c0 + i];
  }
  return true;
}
