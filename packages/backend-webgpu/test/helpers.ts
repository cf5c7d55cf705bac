import { type WebGPUBackend, initWebGPU, unavailableReason } from '../src/index.js';

/** Why webgpu tests skip here (no adapter), or null when a device opens. */
export const skipReason: string | null = await unavailableReason();
if (skipReason) console.warn(`webgpu tests skipped: ${skipReason}`);

export const gpu: WebGPUBackend | null = skipReason ? null : await initWebGPU();
