/**
 * The conformance suite on the tfjs device over @tensorflow/tfjs-backend-webgpu, in Node through
 * `webgpu@0.6.2` (Dawn; lavapipe on machines without a GPU). Skipped, with the reason, when no
 * adapter is found. WebGPU reads only asynchronously, so the kernels that would fall back to the
 * CPU cannot run here: they are reported up front and skipped below.
 */
import { describe, expect, it } from 'vitest';
import { runBackendConformance } from '@flambeau/backend-tests';
import '@flambeau/nn';
import { lenetLosses, sameLosses } from './lenet_losses.js';

async function adapter(): Promise<string | null> {
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const gpu = create([]);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    return (await gpu.requestAdapter()) ? null : 'no WebGPU adapter (install mesa-vulkan-drivers for lavapipe)';
  } catch (e) {
    return `webgpu@0.6.2 cannot load here: ${(e as Error).message.split('\n')[0]}`;
  }
}

const noAdapter = await adapter();
const { tfjs, useTfjs, describeTfjsBackend } = await import('../src/index.js');
if (!noAdapter) await useTfjs('webgpu');

const NO_FLOAT64 = 'TensorFlow.js has no float64 tensors';
const INT64_AS_INT32 = 'TensorFlow.js has no 64-bit integers: int64 lives in int32';
const NO_FALLBACK = 'runs on the CPU kernels, which webgpu cannot reach (no synchronous read); reported by describeTfjsBackend().unavailable';

if (noAdapter) {
  describe.skip(`tfjs over webgpu (skipped: ${noAdapter})`, () => it('conformance', () => {}));
} else {
  describe('tfjs over webgpu: the up-front report', () => {
    it('says webgpu reads asynchronously and lists what cannot run', () => {
      const d = describeTfjsBackend();
      expect(d.tfjsBackend).toBe('webgpu');
      expect(d.readSync).toBe(false);
      expect(tfjs.readSync).toBeUndefined();
      expect(d.unavailable.map((f) => f.kernel)).toEqual(expect.arrayContaining(['sort', 'multinomial', 'nonzero', 'binary/bitwiseAnd']));
      expect(d.summary).toMatch(/^tfjs \(webgpu\): cannot run/);
    });
  });
  describe('tfjs over webgpu: LeNet', () => {
    it("three SGD steps give the CPU backend's losses (asynchronous reads, device-side checks deferred)", async () => {
      const cpu = await lenetLosses('cpu', 3);
      expect(sameLosses(await lenetLosses('tfjs', 3), cpu)).toEqual([]);
    });
  });
  runBackendConformance(tfjs, { describe, it, expect }, {
    'storage/fromArray-read/float64': NO_FLOAT64, 'copy/cast/float64-int64': NO_FLOAT64, 'copy/cast/bool-float64': NO_FLOAT64,
    'copy/cast/int32-float64': NO_FLOAT64, 'copyInto/offset-window': NO_FLOAT64, 'matmul/float64': NO_FLOAT64,
    'storage/fromArray-read/int64': INT64_AS_INT32, 'fill/int64': INT64_AS_INT32, 'binary/int64-exact': INT64_AS_INT32,
    'reduce/int64-exact': INT64_AS_INT32, 'sort/int64': INT64_AS_INT32, 'cumulative/int32-to-int64': INT64_AS_INT32,
    'sort/stable-nan': NO_FALLBACK, 'sort/dim0-transposed': NO_FALLBACK,
    'multinomial/zero-weight-never-drawn': NO_FALLBACK, 'nonzero/strided': NO_FALLBACK,
    'unary/erfc': NO_FALLBACK, 'binary/int32/bitwiseOr': NO_FALLBACK, 'binary/int32/bitwiseXor': NO_FALLBACK,
    'binary/int32/bitwiseAnd': `tfjs-backend-webgpu has no BitwiseAnd kernel; ${NO_FALLBACK}`,
    'unary/asin': "tfjs-backend-webgpu's asin on lavapipe is off by up to 2e-4 (the suite's float32 tolerance is 1e-5)",
    'unary/acos': "tfjs-backend-webgpu's acos on lavapipe is off by up to 2e-4 (the suite's float32 tolerance is 1e-5)",
    'binary/float32/pow': "tfjs-backend-webgpu's Pow gives 0 for 0 ** -1.5 (PyTorch: inf)",
    'conv2d/backward-input': `dilated: ${NO_FALLBACK}`, 'conv2d/backward-weight': `dilated: ${NO_FALLBACK}`,
  });
}
