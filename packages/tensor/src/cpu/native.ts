import { forcedCpuKernels } from './wasm_gemm.js';
import { nodeBuiltin } from './host.js';
import { getNumThreads } from './thread_pool.js';
import type { TypedArray } from '../dtype.js';

/**
 * The optional native accelerator (`@flambeau/cpu-native-linux-x64`, an N-API addon with
 * AVX-512/AVX2 kernels over its own thread pool), loaded when that package is installed and the
 * kernels are not forced to a WebAssembly or reference variant. Its kernels read and write the
 * typed arrays of CPU storages in place. Each kernel file of the addon documents its functions;
 * this interface names the ones the CPU backend calls.
 */
export interface NativeKernels {
  // ---- gemm.c / conv.c: float32 only; offsets and strides in elements; every element an
  // operand touches is checked to lie inside its array (RangeError otherwise).
  /**
   * C[M, N] (row stride ldc) = A[M, K] · B[K, N], or `+=` with `accumulate`. A and B through any
   * strides (transposes, zero strides); each entry is summed in K order in fused multiply-adds.
   */
  gemm(M: number, N: number, K: number, A: Float32Array, aOff: number, aRs: number, aCs: number,
    B: Float32Array, bOff: number, bRs: number, bCs: number, C: Float32Array, cOff: number, ldc: number, accumulate: boolean): void;
  /** Bn products as `gemm`, A and B stepping aBs/bBs between them (0 broadcasts), C dense [Bn, M, N]. */
  gemmBatched(Bn: number, M: number, N: number, K: number, A: Float32Array, aOff: number, aBs: number, aRs: number, aCs: number,
    B: Float32Array, bOff: number, bBs: number, bRs: number, bCs: number, C: Float32Array, cOff: number, accumulate: boolean): void;
  /**
   * NCHW forward into `out` [N, Cout, OH, OW] (no bias). `geometry`: N, Cin, H, W, Cout, kh, kw,
   * OH, OW, strideH, strideW, padH, padW, dilationH, dilationW, groups (conv.ts's `nativeGeometry`).
   */
  conv2d(x: Float32Array, xOff: number, w: Float32Array, wOff: number, out: Float32Array, ...geometry: number[]): void;
  /** Input gradient into `dx` [N, Cin, H, W]. */
  conv2dBackwardInput(dy: Float32Array, dyOff: number, w: Float32Array, wOff: number, dx: Float32Array, ...geometry: number[]): void;
  /** Weight gradient into `dw` [Cout, Cin/groups, kh, kw]: the same bits on any thread count. */
  conv2dBackwardWeight(dy: Float32Array, dyOff: number, x: Float32Array, xOff: number, dw: Float32Array, ...geometry: number[]): void;
  /** Caps the instruction set the kernels use ('avx512' | 'avx2' | 'sse2'; null: the CPU's widest), for tests. */
  setIsa(isa: string | null): void;
  /** The widest instruction set this CPU runs, whatever `setIsa` chose. */
  cpuIsa(): string;
  // ---- end of gemm.c / conv.c
  /** The widest instruction set its kernels use here: 'avx512', 'avx2' or 'sse2'. */
  isa(): string;
  setNumThreads(n: number): void;
  getNumThreads(): number;

  // elementwise.c, reduce.c, optim.c, pool2d.c: float32/float64 typed arrays of one type each
  // call (reductions may store into the other), views described by `nativeViews` (native_views.ts).
  /** out = a op b over the views in `desc` (operands out, a, b); op: NATIVE_BINARY. */
  binary(op: number, out: TypedArray, a: TypedArray, b: TypedArray, desc: Float64Array): void;
  /** out (Uint8Array) = a op b over the views in `desc` (operands out, a, b); op: NATIVE_COMPARE. */
  compare(op: number, out: Uint8Array, a: TypedArray, b: TypedArray, desc: Float64Array): void;
  /** out = cond ? a : b over the views in `desc` (operands out, cond, a, b); cond a Uint8Array. */
  where(out: TypedArray, cond: Uint8Array, a: TypedArray, b: TypedArray, desc: Float64Array): void;
  /** out = f(x) over the views in `desc` (operands out, x); f: NATIVE_UNARY. */
  unary(op: number, out: TypedArray, x: TypedArray, desc: Float64Array): void;
  /** Elements below which a kernel stays on the calling thread (tests set 1). */
  /** Multiply-adds below which GEMMs and convolutions stay on the calling thread (default 2^18). */
  setParallelMin(n: number): void;
  setParallelGrain(n: number): void;
  getParallelGrain(): number;
  /** out[r] = reduce(x[x0 + r·len …][len]), op 0 sum, 1 max, 2 min. */
  reduceRows(op: number, out: TypedArray, x: TypedArray, x0: number, rows: number, len: number): void;
  /** out[b·len + c] = reduce over i < red of x[x0 + (b·red + i)·len + c]. */
  reduceCols(op: number, out: TypedArray, x: TypedArray, x0: number, outer: number, red: number, len: number): void;
  /** One view in `desc`, its first `kept` dims kept (out's order), the others reduced. */
  reduceStrided(op: number, out: TypedArray, x: TypedArray, desc: Float64Array, kept: number): void;
  /** In-place steps; `consts` starts with n and each array's offset (see optim.c). */
  adam(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, vmax: TypedArray | null, consts: Float64Array): void;
  sgd(p: TypedArray, g: TypedArray, buf: TypedArray | null, consts: Float64Array): void;
  rmsprop(p: TypedArray, g: TypedArray, sq: TypedArray, buf: TypedArray | null, gavg: TypedArray | null, consts: Float64Array): void;
  /** geom: planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw. */
  maxPool2d(x: TypedArray, x0: number, vals: TypedArray, idx: Float64Array, geom: Float64Array): void;
  /** False when a position lies outside its plane. dx holds zeros. */
  maxPool2dBackward(gy: TypedArray, g0: number, idx: Float64Array, i0: number, dx: TypedArray, geom: Float64Array): boolean;
  avgPool2d(x: TypedArray, x0: number, out: TypedArray, geom: Float64Array, countIncludePad: boolean, divisorOverride: number): void;
  avgPool2dBackward(gy: TypedArray, g0: number, dx: TypedArray, geom: Float64Array, countIncludePad: boolean, divisorOverride: number): void;
}

const PACKAGE = '@flambeau/cpu-native-linux-x64';

// undefined: not tried yet.
let loaded: NativeKernels | null | undefined;

function load(): NativeKernels | null {
  const mod = nodeBuiltin<{ createRequire: (url: string) => (id: string) => unknown }>('module');
  if (mod === undefined) return null;
  try {
    return mod.createRequire(import.meta.url)(PACKAGE) as NativeKernels;
  } catch {
    // Not installed (another platform, or --no-optional): the WebAssembly kernels run.
    return null;
  }
}

/** The addon, or null where it is absent or the kernels are forced to another variant. */
export function nativeKernels(): NativeKernels | null {
  const forced = forcedCpuKernels();
  if (forced !== null && forced !== 'native') return null;
  if (loaded === undefined) {
    loaded = load();
    loaded?.setNumThreads(getNumThreads());
  }
  return loaded;
}

/** Whether the addon can be loaded here, whatever variant is forced now. */
export function nativeAvailable(): boolean {
  if (loaded === undefined) {
    loaded = load();
    loaded?.setNumThreads(getNumThreads());
  }
  return loaded !== null;
}
