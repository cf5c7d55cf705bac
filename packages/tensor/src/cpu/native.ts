import { forcedCpuKernels } from './wasm_gemm.js';
import { nodeBuiltin } from './host.js';
import { getNumThreads } from './thread_pool.js';

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
