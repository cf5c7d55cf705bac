import { readFileSync, writeFileSync } from 'node:fs';
import { RuntimeError, type Tensor } from '@flambeau/tensor';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { checkImagePixels, checkPngDataSize, jpegDimensions, pngDimensions } from './image_limits.js';
import { type Image, convertImage, imageToTensor, makeImage } from './image_buffer.js';

// The in-memory image helpers stay importable from here, next to the codecs.
export { type Image, convertImage, imageToTensor, isImage, makeImage } from './image_buffer.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/**
 * Decodes PNG or JPEG bytes (by signature) into an `Image` with the file's own channel count.
 * The header's dimensions are checked against `MAX_IMAGE_PIXELS` first (see `setMaxImagePixels`).
 */
export function decodeImage(bytes: Uint8Array, name = '<buffer>'): Image {
  const png = PNG_MAGIC.every((b, i) => bytes[i] === b);
  const jpg = !png && bytes[0] === 0xff && bytes[1] === 0xd8;
  const dims = png ? pngDimensions(bytes) : jpg ? jpegDimensions(bytes) : null;
  if (dims) checkImagePixels(dims[0], dims[1], name);
  if (dims && png) checkPngDataSize(bytes, dims[0], dims[1], name);
  try {
    if (png) {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const rgba = png.data;
      // pngjs always expands to RGBA; keep the channels the file had (palette images as RGB).
      const channels = ({ 0: 1, 4: 2, 2: 3, 3: 3, 6: 4 } as Record<number, number>)[png.colorType] ?? 4;
      const pick = channels === 1 ? [0] : channels === 2 ? [0, 3] : channels === 3 ? [0, 1, 2] : [0, 1, 2, 3];
      const n = png.width * png.height;
      const out = new Uint8Array(n * channels);
      for (let p = 0; p < n; p++) for (let k = 0; k < channels; k++) out[p * channels + k] = rgba[p * 4 + pick[k]];
      return makeImage(png.width, png.height, channels, out);
    }
    if (jpg) {
      const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
      return makeImage(j.width, j.height, j.data.length / (j.width * j.height), j.data);
    }
  } catch (e) {
    throw new RuntimeError(`could not decode image ${name}: ${(e as Error).message}`);
  }
  throw new RuntimeError(`${name}: unsupported image format (expected PNG or JPEG signature)`);
}

/** Opens an image file like `PIL.Image.open(path)` (PNG or JPEG). */
export function loadImage(path: string): Image {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    // PIL's OSError text (a dangling symlink reads as a missing file there too).
    const err = e as NodeJS.ErrnoException;
    throw new RuntimeError(`[Errno ${-(err.errno ?? 0)}] ${err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'ELOOP' ? 'Too many levels of symbolic links' : err.message}: '${path}'`);
  }
  return decodeImage(bytes, path);
}

/**
 * `torchvision.io.read_image(path, mode)`: a uint8 CHW tensor. `mode` is torchvision's
 * `ImageReadMode` (`'UNCHANGED'`, `'GRAY'`, `'RGB'`).
 *
 * @example const img = readImage('cat.png'); // uint8 [3, H, W]
 */
export function readImage(path: string, mode: 'UNCHANGED' | 'GRAY' | 'RGB' = 'UNCHANGED'): Tensor {
  let img = loadImage(path);
  if (mode !== 'UNCHANGED') img = convertImage(img, mode === 'RGB' ? 'RGB' : 'L');
  return imageToTensor(img);
}

/** PNG bytes of an `Image` (1, 3 or 4 channels). */
export function encodePng(img: Image): Buffer {
  const { width, height, channels, data } = img;
  const n = width * height;
  const rgba = Buffer.alloc(n * 4);
  for (let p = 0; p < n; p++) {
    const s = p * channels;
    const g = channels <= 2;
    rgba[4 * p] = data[s];
    rgba[4 * p + 1] = g ? data[s] : data[s + 1];
    rgba[4 * p + 2] = g ? data[s] : data[s + 2];
    rgba[4 * p + 3] = channels === 4 ? data[s + 3] : channels === 2 ? data[s + 1] : 255;
  }
  const png = new pngjs.PNG({ width, height });
  png.data = rgba;
  const colorType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as Record<number, 0 | 2 | 4 | 6>)[channels];
  return pngjs.PNG.sync.write(png, { colorType });
}

/** Writes an `Image` as PNG (`img.save(path)`). */
export function saveImagePng(img: Image, path: string): void {
  writeFileSync(path, encodePng(img));
}
