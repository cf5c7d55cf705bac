/**
 * @flambeau/backend-tfjs — Flambeau on TensorFlow.js kernels. Importing it registers the `tfjs`
 * device; `useTfjs(...)` picks the tfjs backend under it (tfjs-node-gpu for CUDA, tfjs-node, cpu,
 * webgl, webgpu, wasm) and `describeTfjsBackend()` says which kernels fall back to the CPU.
 *
 * @example
 * import { torch } from 'flambeau';
 * import { useTfjs } from '@flambeau/backend-tfjs';
 * await useTfjs('cpu');
 * const x = torch.randn(2, 3, { device: 'tfjs' });
 * await x.relu().dataAsync();
 */
export { tfjs } from './backend.js';
export { describeTfjsBackend, type TfjsDescription, type TfjsFallback } from './describe.js';
export { useTfjs, type TfjsChoice } from './use.js';
