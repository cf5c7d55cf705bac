/**
 * The browser page's script: trains LeNet on MNIST on the page's WebGPU device and shows the
 * losses. Build: `node --import tsx examples/webgpu-lenet/build.ts` (bundles this file and MNIST samples next to index.html).
 */
import { initWebGPU, unavailableReason } from '@flambeau/backend-webgpu';
import { mnistBatches, trainLeNet } from './lenet.js';

type Result = { losses?: number[]; adapter?: unknown; error?: string };
const out = document.getElementById('out')!;
const steps = Number(new URLSearchParams(location.search).get('steps') ?? 20);

async function run(): Promise<Result> {
  const why = await unavailableReason();
  if (why) return { error: `no WebGPU: ${why}` };
  const gpu = await initWebGPU();
  const [images, labels] = await Promise.all(['mnist-images.bin', 'mnist-labels.bin'].map(async (f) => new Uint8Array(await (await fetch(f)).arrayBuffer())));
  out.textContent = `training LeNet on ${gpu.info.description || gpu.info.vendor}…`;
  const losses = await trainLeNet('webgpu', steps, 'oneHot', mnistBatches(images, labels));
  out.textContent = losses.map((l, i) => `step ${i} loss ${l.toFixed(4)}`).join('\n');
  return { losses, adapter: gpu.info };
}

run().then(
  (r) => { (window as { lenetResult?: Result }).lenetResult = r; },
  (e: unknown) => { (window as { lenetResult?: Result }).lenetResult = { error: String((e as Error)?.stack ?? e) }; out.textContent = String(e); },
);
