import { readFileSync, writeFileSync } from 'node:fs';
import { RuntimeError, type Tensor, ValueError, fromArray } from '@flambeau/tensor';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { checkImagePixels, checkPngDataSize, jpegDimensions, pngDimensions } from './image_limits.js';

/**
 * A decoded 8-bit image, the counterpart of a PIL image: `height × width × channels` bytes in
 * row-major HWC order. `channels` is 1 (PIL mode L), 2 (LA), 3 (RGB) or 4 (RGBA).
 * Transforms accept it as they accept a PIL image; `ToTensor` turns it into a CHW tensor.
 */
export interface Image {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Builds an `Image`, checking that the buffer holds exactly `height × width × channels` bytes. */
export function makeImage(width: number, height: number, channels: number, data: Uint8Array): Image {
  if (data.length !== width * height * channels) {
    throw new ValueError(`image buffer of ${data.length} bytes does not hold ${height}x${width}x${channels} pixels`);
  }
  return { width, height, channels, data };
}

export function isImage(x: unknown): x is Image {
  return typeof x === 'object' && x !== null && (x as Image).data instanceof Uint8Array && typeof (x as Image).width === 'number' && typeof (x as Image).channels === 'number';
}

/** PIL's `img.convert('RGB')` / `convert('L')` for our channel layouts (L uses ITU-R 601-2 luma, as PIL). */
export function convertImage(img: Image, mode: 'RGB' | 'L'): Image {
  const want = mode === 'RGB' ? 3 : 1;
  if (img.channels === want) return img;
  const n = img.width * img.height, c = img.channels, src = img.data;
  const out = new Uint8Array(n * want);
  for (let p = 0; p < n; p++) {
    const s = p * c;
    if (mode === 'RGB') {
      if (c <= 2) out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = src[s];
      else { out[3 * p] = src[s]; out[3 * p + 1] = src[s + 1]; out[3 * p + 2] = src[s + 2]; }
    } else {
      // PIL: L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16
      out[p] = c <= 2 ? src[s] : (src[s] * 19595 + src[s + 1] * 38470 + src[s + 2] * 7471 + 0x8000) >>> 16;
    }
  }
  return makeImage(img.width, img.height, want, out);
}

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

/** HWC bytes → uint8 CHW tensor (PILToTensor). */
export function imageToTensor(img: Image): Tensor {
  const { width: w, height: h, channels: c, data } = img;
  const n = w * h;
  const out = new Uint8Array(n * c);
  for (let k = 0; k < c; k++) for (let p = 0; p < n; p++) out[k * n + p] = data[p * c + k];
  return fromArray(out, [c, h, w], { dtype: 'uint8' });
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
