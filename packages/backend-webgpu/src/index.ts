/// <reference types="@webgpu/types" />
/**
 * @flambeau/backend-webgpu — the WebGPU device (PyTorch's `cuda`/`mps` role): WGSL kernels on Dawn
 * in Node (npm `webgpu`) and on `navigator.gpu` in browsers.
 *
 * @example
 * import * as torch from '@flambeau/tensor';
 * import { initWebGPU } from '@flambeau/backend-webgpu';
 * await initWebGPU();                 // registers the 'webgpu' device
 * const x = torch.randn(64, 64).to('webgpu');
 * console.log(await x.matmul(x).sum().item());
 */
import { registerBackend } from '@flambeau/tensor';
import { WebGPUBackend, openedBackends } from './backend.js';
import { openDevice } from './device.js';

export { WebGPUBackend } from './backend.js';
export { isAvailable, unavailableReason } from './device.js';
export type { AllocatorStats } from './allocator.js';

const opened = new Map<number, Promise<WebGPUBackend>>();

/**
 * Opens the WebGPU device `device` (`'webgpu'` = `'webgpu:0'`, `'webgpu:1'` = the second adapter)
 * and returns its backend; the first one opened is registered as the `webgpu` device.
 * Throws a RuntimeError saying what to install when no adapter exists.
 *
 * @example
 * const gpu = await initWebGPU('webgpu:0');
 * gpu.stats.bytesInUse;
 */
export function initWebGPU(device = 'webgpu'): Promise<WebGPUBackend> {
  const m = /^webgpu(?::(\d+))?$/.exec(device);
  if (!m) throw new TypeError(`initWebGPU: expected 'webgpu' or 'webgpu:N', got '${device}'`);
  const index = m[1] === undefined ? 0 : Number(m[1]);
  let p = opened.get(index);
  if (!p) {
    p = openDevice(index).then((h) => {
      const b = new WebGPUBackend(h);
      openedBackends.set(index, b);
      if (index === 0 || opened.size === 1) registerBackend(b);
      return b;
    });
    p.catch(() => opened.delete(index));
    opened.set(index, p);
  }
  return p;
}

/** `torch.backends.webgpu`: `isAvailable()` mirrors `torch.backends.mps.is_available()`. */
export { isAvailable as is_available } from './device.js';
