/** torchvision.transforms: callable transform objects with torchvision's arguments in camelCase. */
export { Transform } from './transform.js';
export { Compose } from './compose.js';
export { Lambda } from './lambda.js';
export { ToTensor, PILToTensor, Normalize } from './conversion.js';
export { CenterCrop, RandomCrop, RandomResizedCrop, type RandomCropOptions, type RandomResizedCropOptions } from './crop.js';
export { Resize } from './resize.js';
export { RandomHorizontalFlip, RandomVerticalFlip } from './flip.js';
export { RandomRotation, type RandomRotationOptions } from './rotation.js';
export { ColorJitter } from './color_jitter.js';
export { Pad } from './pad.js';
export { Grayscale } from './grayscale.js';
export type { Fill, InterpolationMode, PaddingMode } from './geometric.js';
export type { ImageOrTensor } from './raster.js';
export * as functional from './functional.js';
