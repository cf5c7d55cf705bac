/** Choosing the tfjs backend the `tfjs` device runs on, loading its package on demand. */
import { RuntimeError } from '@flambeau/tensor';
import { type TfjsDescription, describeTfjsBackend } from './describe.js';
import { tf } from './tfjs.js';

/** What `useTfjs` accepts: a tfjs package's short name, or a tfjs backend name. */
export type TfjsChoice = 'tfjs-node-gpu' | 'tfjs-node' | 'tensorflow' | 'cpu' | 'webgl' | 'webgpu' | 'wasm';

const PACKAGES: Record<TfjsChoice, { pkg: string; backend: string; needs: string }> = {
  'tfjs-node-gpu': {
    pkg: '@tensorflow/tfjs-node-gpu',
    backend: 'tensorflow',
    needs: 'Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1; its install script downloads libtensorflow 2.9.1 (GPU) ' +
      'from storage.googleapis.com, so install it with scripts allowed (pnpm: list it in onlyBuiltDependencies) on a machine that can reach that host',
  },
  'tfjs-node': {
    pkg: '@tensorflow/tfjs-node',
    backend: 'tensorflow',
    needs: 'its install script downloads libtensorflow 2.9.1 (CPU) from storage.googleapis.com, so install it with scripts allowed',
  },
  tensorflow: { pkg: '@tensorflow/tfjs-node', backend: 'tensorflow', needs: 'see tfjs-node' },
  cpu: { pkg: '@tensorflow/tfjs-backend-cpu', backend: 'cpu', needs: 'nothing beyond the package' },
  webgl: { pkg: '@tensorflow/tfjs-backend-webgl', backend: 'webgl', needs: 'a WebGL 2 context (a browser)' },
  webgpu: { pkg: '@tensorflow/tfjs-backend-webgpu', backend: 'webgpu', needs: 'navigator.gpu (a browser, or the webgpu npm package in Node)' },
  wasm: { pkg: '@tensorflow/tfjs-backend-wasm', backend: 'wasm', needs: 'its .wasm files reachable (setWasmPaths)' },
};

/**
 * Loads a tfjs backend package (unless its backend is registered already), makes it tfjs's
 * active backend, and returns what the `tfjs` device will do there (`describeTfjsBackend()`).
 * PyTorch has no equivalent: it is the choice of the machine under `torch.device('tfjs')`.
 *
 * @example
 * import { useTfjs } from '@flambeau/backend-tfjs';
 * const info = await useTfjs('tfjs-node-gpu'); // CUDA through libtensorflow
 * console.log(info.summary);
 * const model = new Net().to('tfjs');
 */
export async function useTfjs(choice: TfjsChoice): Promise<TfjsDescription> {
  const entry = PACKAGES[choice];
  if (!entry) throw new RuntimeError(`useTfjs: unknown tfjs backend '${String(choice)}'; expected one of ${Object.keys(PACKAGES).join(', ')}`);
  if (!(entry.backend in tf.engine().registryFactory) || choice === 'tfjs-node-gpu') {
    try {
      await import(/* @vite-ignore */ entry.pkg);
    } catch (e) {
      throw new RuntimeError(`useTfjs('${choice}'): ${entry.pkg} could not be loaded (${(e as Error).message.split('\n')[0]}). It needs ${entry.needs}.`);
    }
  }
  if (!(await tf.setBackend(entry.backend))) {
    throw new RuntimeError(`useTfjs('${choice}'): the tfjs '${entry.backend}' backend failed to initialize. It needs ${entry.needs}.`);
  }
  await tf.ready();
  return describeTfjsBackend();
}
