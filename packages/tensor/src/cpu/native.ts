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
