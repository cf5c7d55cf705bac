/**
 * The up-front report of what the `tfjs` device will do on the active tfjs backend: which tfjs
 * backend it runs on, whether it reads synchronously, and which Flambeau kernels fall back to
 * Flambeau's CPU kernels (each such call reads its inputs back and uploads its result).
 */
import type { BinaryOp, UnaryOp } from '@flambeau/tensor';
import { CORE_KERNELS, CPU_KERNELS, TFJS_KERNELS } from './backend.js';
import { BINARY_KERNELS, UNARY_KERNELS } from './elementwise.js';
import { canReadSync, hasKernel, tf } from './tfjs.js';

export interface TfjsFallback {
  /** The Flambeau kernel (`conv2dBackwardWeight`, `unary/erfc`, …). */
  kernel: string;
  reason: string;
}

export interface TfjsDescription {
  /** The tfjs backend in use (`tensorflow`, `cpu`, `webgl`, `webgpu`, `wasm`). */
  tfjsBackend: string;
  /** Whether `dataSync` works there (then CPU fallbacks are possible and printing is synchronous). */
  readSync: boolean;
  /** Kernels that run on Flambeau's CPU kernels, with a transfer each way per call. */
  fallbacks: TfjsFallback[];
  /** Kernels that cannot run at all (no tfjs kernel and no synchronous read for a fallback). */
  unavailable: TfjsFallback[];
  /** One line for people: `tfjs (cpu): 31 kernels on tfjs; CPU fallback for sort, …`. */
  summary: string;
}

/** Conditions under which a native kernel still falls back, whatever the tfjs backend. */
const CONDITIONAL: readonly TfjsFallback[] = [
  { kernel: 'conv2dBackwardInput', reason: 'dilation > 1 (tfjs Conv2DBackpropInput takes no dilation)' },
  { kernel: 'conv2dBackwardWeight', reason: 'dilation > 1 (tfjs Conv2DBackpropFilter takes no dilation)' },
];

/**
 * What the `tfjs` device does on the active tfjs backend — call it after choosing one.
 *
 * @example
 * await useTfjs('wasm');
 * describeTfjsBackend().fallbacks; // [{ kernel: 'conv2dBackwardWeight', reason: 'no Conv2DBackpropFilter kernel in tfjs wasm' }, …]
 */
export function describeTfjsBackend(): TfjsDescription {
  const name = tf.getBackend();
  const missing: TfjsFallback[] = [];
  for (const [kernel, why] of Object.entries(CPU_KERNELS)) missing.push({ kernel, reason: why });
  for (const [kernel, needs] of Object.entries(TFJS_KERNELS)) {
    const lack = needs.filter((k) => !hasKernel(k));
    if (lack.length) missing.push({ kernel, reason: `no ${lack.join(', ')} kernel in tfjs ${name}` });
  }
  for (const [op, needs] of Object.entries(UNARY_KERNELS) as [UnaryOp, string[]][]) {
    const lack = needs.filter((k) => !hasKernel(k));
    if (lack.length) missing.push({ kernel: `unary/${op}`, reason: `no ${lack.join(', ')} kernel in tfjs ${name}` });
  }
  for (const [op, needs] of Object.entries(BINARY_KERNELS) as [BinaryOp, string[]][]) {
    const lack = needs.filter((k) => !hasKernel(k));
    if (lack.length) missing.push({ kernel: `binary/${op}`, reason: `no ${lack.join(', ')} kernel in tfjs ${name}` });
  }
  const sync = canReadSync();
  const all = [...missing, ...CONDITIONAL];
  const fallbacks = sync ? all : [];
  const unavailable = sync ? [] : [...all];
  const lackCore = CORE_KERNELS.filter((k) => !hasKernel(k));
  if (lackCore.length) unavailable.unshift({ kernel: 'storage', reason: `no ${lackCore.join(', ')} kernel in tfjs ${name}: views cannot be read or written` });
  const kinds = [...new Set(all.map((f) => f.kernel))];
  const summary = `tfjs (${name}): ${sync ? 'CPU fallback (one readback and one upload per call) for' : 'cannot run (no synchronous read for a CPU fallback)'} ` +
    `${kinds.join(', ')}; everything else on tfjs kernels`;
  return { tfjsBackend: name, readSync: sync, fallbacks, unavailable, summary };
}
