/** torchvision.transforms.functional: the stateless image operations behind the transforms. */
export { pad, crop, centerCrop, hflip, vflip, resize, resizedCrop, rotate } from './geometric.js';
export { adjustBrightness, adjustContrast, adjustSaturation, adjustHue, rgbToGrayscale } from './color.js';
