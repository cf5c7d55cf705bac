/**
 * The one place that holds TensorFlow.js: the tfjs-core module (an optional peer dependency,
 * loaded when this package is imported), the tfjs backend in use, and `run`, every kernel call.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { RuntimeError } from '@flambeau/tensor';

async function loadCore(): Promise<typeof TF> {
  try {
    return await import('@tensorflow/tfjs-core');
  } catch (e) {
    throw new RuntimeError(
      `@flambeau/backend-tfjs needs @tensorflow/tfjs-core 4.22.0 and a tfjs backend (e.g. @tensorflow/tfjs-backend-cpu, ` +
        `@tensorflow/tfjs-node-gpu): install them next to it (${(e as Error).message})`,
    );
  }
}

/** The tfjs-core module (a peer dependency: the same instance the tfjs backends register into). */
export const tf: typeof TF = await loadCore();

/** Runs one tfjs kernel on the active tfjs backend; the result is a new tfjs tensor. */
export function run(kernel: string, inputs: Record<string, TF.Tensor>, attrs: object = {}): TF.Tensor {
  return tf.engine().runKernel(kernel, inputs as unknown as TF.NamedTensorMap, attrs as unknown as TF.NamedAttrMap) as TF.Tensor;
}

/** Like `run`, for kernels with several outputs. */
export function runMulti(kernel: string, inputs: Record<string, TF.Tensor>, attrs: object = {}): TF.Tensor[] {
  return tf.engine().runKernel(kernel, inputs as unknown as TF.NamedTensorMap, attrs as unknown as TF.NamedAttrMap) as unknown as TF.Tensor[];
}

/** Whether the active tfjs backend implements `kernel`. */
export function hasKernel(kernel: string): boolean {
  return tf.getKernel(kernel, tf.getBackend()) !== undefined;
}

/**
 * Whether tensors of the active tfjs backend can be read synchronously (`dataSync`). WebGPU's
 * cannot (its readback is `mapAsync`); cpu, tensorflow (tfjs-node), wasm and webgl can.
 */
export function canReadSync(): boolean {
  return tf.getBackend() !== 'webgpu';
}
