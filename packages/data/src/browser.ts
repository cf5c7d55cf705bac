/**
 * `@flambeau/data` without Node.js: PyTorch's `torch.utils.data` (Dataset, DataLoader in the calling
 * thread, samplers, collation), torchvision's transforms, in-memory images and `makeGrid`. Browsers
 * and bundlers get this entry; Node.js gets `index.ts`, which adds the file datasets (MNIST,
 * CIFAR, ImageFolder), downloads, PNG/JPEG files and worker-thread loading.
 *
 * @example
 * import { DataLoader, TensorDataset } from '@flambeau/data';
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true });
 * for await (const [xb, yb] of loader) { ... }
 */
export * from './dataset.js';
export * from './sampler.js';
export { defaultCollate } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { getWorkerInfo, type WorkerInfo } from './worker_info.js';
export { type WorkerFunctionSpec, type WorkerSpec, type WorkerSpecifiable } from './worker_spec.js';
export * as transforms from './transforms/index.js';
export { type Image, makeImage, imageToTensor, convertImage } from './image_buffer.js';
/** torchvision.datasets without files: the `VisionDataset` base for your own datasets. */
export * as datasets from './datasets/vision.js';
/** torchvision.utils without files: `makeGrid`. */
export * as utils from './utils/make_grid.js';
