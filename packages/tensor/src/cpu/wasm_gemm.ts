import { RuntimeError, ValueError } from '../errors.js';
import {
  WASM_GEMM_RELAXED_BASE64, WASM_GEMM_RELAXED_SHARED_BASE64, WASM_GEMM_SIMD_BASE64, WASM_GEMM_SIMD_SHARED_BASE64,
} from './wasm_gemm_binary.js';
import { envVar, nodeBuiltin } from './host.js';
import { nativeAvailable, nativeKernels } from './native.js';

/**
 * The float32 kernels the CPU runs: 'native' (the optional AVX-512/AVX2 addon,
 * `@flambeau/cpu-native-linux-x64`, with the relaxed WebAssembly kernels for what it lacks),
 * 'relaxed' (WebAssembly relaxed SIMD, fused multiply-adds), 'simd' (plain SIMD128) or
 * 'reference' (the plain-TypeScript kernels).
 */
export type CpuKernels = 'native' | 'relaxed' | 'simd' | 'reference';
const KERNELS: readonly CpuKernels[] = ['native', 'relaxed', 'simd', 'reference'];

/** The instantiated module; every pointer is a byte address in `memory`. */
export interface GemmModule {
  variant: 'relaxed' | 'simd';
  /** Compiled once; worker threads instantiate it on the same `memory`. */
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** True when `memory` is a shared memory (worker threads may run on it). */
  shared: boolean;
  /** First free byte, 64-aligned. */
  base: number;
  /** Runs chunk `c` of a command list (thread_pool.ts writes it; wasm/gemm.ts documents the records). */
  runChunk: (cmds: number, table: number, c: number, scratch: number) => void;
}

/** Bytes of packed B per column block, kept in L2 while A's 4-row strips stream past it. */
const BLOCK_BYTES = 256 * 1024;
/** Linear memory is addressed with 32-bit offsets; beyond this the plain-TS gemm takes over. */
const MAX_BYTES = 2 ** 31;
const PAGE = 65536;

// undefined: not chosen yet; null: the plain-TS kernels run.
let mod: GemmModule | null | undefined;
let f32 = new Float32Array(0);
/** What `setCpuKernels` (or FLAMBEAU_CPU_KERNELS) asked for; null: the best this engine runs. */
let forced: CpuKernels | null | undefined;

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
  nodeBuiltin<{ setFlagsFromString?: (f: string) => void }>('v8')?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

/**
 * A shared memory where worker threads exist to use it (Node's worker_threads), else a plain one:
 * browsers without cross-origin isolation have no shared memory, and run on one thread.
 */
function newMemory(): { memory: WebAssembly.Memory; shared: boolean } {
  if (typeof SharedArrayBuffer !== 'undefined' && nodeBuiltin('worker_threads') !== undefined) {
    try {
      return { memory: new WebAssembly.Memory({ initial: 16, maximum: MAX_BYTES / PAGE, shared: true }), shared: true };
    } catch { /* no shared memory in this engine: one thread */ }
  }
  return { memory: new WebAssembly.Memory({ initial: 16 }), shared: false };
}

function instantiate(kernels: CpuKernels | null): GemmModule | null {
  // Under the native kernels, WebAssembly runs what the addon does not cover, at its best.
  const want = kernels === 'native' ? null : kernels;
  if (want === 'reference' || typeof WebAssembly === 'undefined') return null;
  const { memory, shared } = newMemory();
  const pick = (relaxed: boolean) => decode(relaxed
    ? (shared ? WASM_GEMM_RELAXED_SHARED_BASE64 : WASM_GEMM_RELAXED_BASE64)
    : (shared ? WASM_GEMM_SIMD_SHARED_BASE64 : WASM_GEMM_SIMD_BASE64));
  let variant: GemmModule['variant'] = want ?? 'relaxed';
  let bytes = pick(variant === 'relaxed');
  if (variant === 'relaxed' && !WebAssembly.validate(bytes)) enableRelaxedSimdInNode();
  if (!WebAssembly.validate(bytes)) {
    if (want !== null) throw new RuntimeError(`setCpuKernels: this engine cannot run the '${want}' kernels`);
    variant = 'simd';
    bytes = pick(false);
    if (!WebAssembly.validate(bytes)) return null;
  }
  // Small module: synchronous compile at first use keeps gemm synchronous.
  const module = new WebAssembly.Module(bytes);
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as
    Pick<GemmModule, 'runChunk'> & { heapBase: () => number };
  return { variant, module, memory, shared, base: ex.heapBase(), runChunk: ex.runChunk };
}

function envKernels(): CpuKernels | null {
  const v = envVar('FLAMBEAU_CPU_KERNELS');
  if (v === undefined || v === '') return null;
  if (!(KERNELS as readonly string[]).includes(v)) {
    throw new ValueError(`FLAMBEAU_CPU_KERNELS must be one of ${KERNELS.join(', ')}, got '${v}'`);
  }
  return v as CpuKernels;
}

/** The module, or null where the plain-TS kernels run (forced, or no SIMD128 in this engine). */
export function wasmModule(): GemmModule | null {
  if (mod === undefined) mod = instantiate(forcedCpuKernels());
  return mod;
}

/** The variant `setCpuKernels` or FLAMBEAU_CPU_KERNELS forced; null: the best available. */
export function forcedCpuKernels(): CpuKernels | null {
  if (forced === undefined) forced = envKernels();
  return forced;
}

/**
 * The float32 kernels the CPU backend runs: the best this engine validates, or the ones
 * `setCpuKernels` or the environment variable `FLAMBEAU_CPU_KERNELS` chose. PyTorch's
 * analogue is `torch.backends.cpu.get_cpu_capability()` (forced with `ATEN_CPU_CAPABILITY`).
 *
 * @example
 * getCpuKernels(); // 'native' on linux-x64 with the addon installed; 'relaxed' in Chrome 114+
 */
export function getCpuKernels(): CpuKernels {
  if (nativeKernels() !== null) return 'native';
  const m = wasmModule();
  return m === null ? 'reference' : m.variant;
}

/**
 * Forces the CPU's float32 kernels (`null`: back to the best this engine runs), for testing each
 * variant and comparing them; throws a RuntimeError when the engine cannot run the one asked for.
 * Results agree within float32 rounding across variants (the relaxed build fuses multiply-adds).
 *
 * @example
 * setCpuKernels('simd'); // plain SIMD128 kernels from now on
 * setCpuKernels(null);
 */
export function setCpuKernels(kernels: CpuKernels | null): void {
  if (kernels !== null && !KERNELS.includes(kernels)) {
    throw new ValueError(`setCpuKernels: expected one of ${KERNELS.join(', ')} or null, got ${String(kernels)}`);
  }
  if (kernels === forced && mod !== undefined) return;
  if (kernels === 'native' && !nativeAvailable()) {
    throw new RuntimeError("setCpuKernels: the 'native' kernels need the @flambeau/cpu-native-linux-x64 package (linux-x64)");
  }
  const next = instantiate(kernels);
  forced = kernels;
  mod = next;
  f32 = new Float32Array(0);
}

/** Rounds a byte address up to 64, so each region starts on a cache line. */
export const align = (n: number) => Math.ceil(n / 64) * 64;

/**
 * Grows linear memory to at least `end` bytes and returns a float32 view of all of it (earlier
 * views are detached, or for a shared memory stay at the old length); null when `end` is past
 * what 32-bit addressing allows.
 */
export function wasmHeap(end: number): Float32Array | null {
  const m = mod as GemmModule;
  if (end > MAX_BYTES) return null;
  const have = m.memory.buffer.byteLength;
  if (end > have) m.memory.grow(Math.ceil((end - have) / PAGE));
  // Growth detaches a plain memory's old buffer (length 0) and leaves a shared one's at the old length.
  if (f32.byteLength !== m.memory.buffer.byteLength) f32 = new Float32Array(m.memory.buffer);
  return f32;
}

/** Column-block width for the kernel: NC columns of packed B fill BLOCK_BYTES. */
export const blockCols = (K: number) => Math.max(8, Math.floor(BLOCK_BYTES / (32 * Math.max(K, 1))) * 8);

/**
 * Bytes of `work` that the kernel needs for an M×K · K×N product: the tile scratch, A densified
 * (when its columns are strided), one packed B block, with room to align each.
 */
export function gemmWorkBytes(M: number, N: number, K: number): number {
  const kk = Math.max(K, 1);
  return 128 + 4 * M * kk + 64 + 4 * Math.min(blockCols(K), Math.ceil(N / 8) * 8) * kk;
}
