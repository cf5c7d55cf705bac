import { type TypedArray, ValueError } from '@flambeau/tensor';
import { convertImage, isImage } from '../image_buffer.js';
import { type ImageOrTensor, type Raster, fromRaster, toRaster } from './raster.js';

const f = Math.fround;

/** Reads/writes pixel (plane-group g, channel k, pixel i) for both layouts. */
function accessor(r: Raster): (g: number, k: number, i: number) => number {
  const n = r.h * r.w;
  return r.hwc ? (_g, k, i) => i * r.channels + k : (g, k, i) => (g * r.channels + k) * n + i;
}

function isFloat(r: Raster): boolean { return r.dtype === 'float32' || r.dtype === 'float64'; }

/** Stores a float32 result the way `.to(dtype)` does after torchvision's clamp (truncation for ints). */
function store(r: Raster, v: number): number {
  return isFloat(r) ? v : Math.trunc(v);
}

/**
 * `_blend(img1, img2, ratio)`: `(ratio * img1 + (1 - ratio) * img2).clamp(0, bound).to(dtype)`,
 * in float32 as PyTorch computes it. `other(g, k, i)` gives img2's value.
 */
function blend(r: Raster, ratio: number, other: (g: number, k: number, i: number) => number): ImageOrTensor {
  const bound = isFloat(r) ? 1 : 255;
  const fr = f(ratio), fr1 = f(1 - ratio);
  const out = r.data.slice() as TypedArray;
  const at = accessor(r), groups = r.planes / r.channels, n = r.h * r.w;
  for (let g = 0; g < groups; g++) for (let k = 0; k < r.channels; k++) for (let i = 0; i < n; i++) {
    const j = at(g, k, i);
    const v = f(f(fr * r.data[j]) + f(fr1 * other(g, k, i)));
    out[j] = store(r, Math.min(bound, Math.max(0, v)));
  }
  return fromRaster(r, out, r.h, r.w);
}

/** Per-pixel luma of `rgb_to_grayscale` (0.2989 R + 0.587 G + 0.114 B), cast to the input dtype. */
function luma(r: Raster): Float64Array {
  if (r.channels !== 3) throw new ValueError(`Input image tensor permitted channel values are [1, 3], but found ${r.channels}`);
  const at = accessor(r), groups = r.planes / 3, n = r.h * r.w;
  const out = new Float64Array(groups * n);
  for (let g = 0; g < groups; g++) for (let i = 0; i < n; i++) {
    const v = f(f(f(f(0.2989) * r.data[at(g, 0, i)]) + f(f(0.587) * r.data[at(g, 1, i)])) + f(f(0.114) * r.data[at(g, 2, i)]));
    out[g * n + i] = store(r, v);
  }
  return out;
}

/**
 * `F.rgb_to_grayscale(img, num_output_channels)`: Images convert like PIL's `convert('L')`,
 * tensors with torchvision's `0.2989 R + 0.587 G + 0.114 B`.
 */
export function rgbToGrayscale(img: ImageOrTensor, numOutputChannels = 1): ImageOrTensor {
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new ValueError('num_output_channels should be either 1 or 3');
  if (isImage(img)) {
    const l = convertImage(img, 'L');
    return numOutputChannels === 3 ? convertImage(l, 'RGB') : l;
  }
  const r = toRaster(img);
  if (r.channels === 1 && numOutputChannels === 1) return img;
  const l = luma(r);
  const groups = r.planes / 3, n = r.h * r.w, c = numOutputChannels;
  const out = r.data.constructor === Uint8Array ? new Uint8Array(groups * c * n) : (new (r.data.constructor as new (n: number) => TypedArray)(groups * c * n));
  for (let g = 0; g < groups; g++) for (let k = 0; k < c; k++) for (let i = 0; i < n; i++) {
    out[r.hwc ? i * c + k : (g * c + k) * n + i] = l[g * n + i];
  }
  return fromRaster(r, out, r.h, r.w, c);
}

/** `F.adjust_brightness(img, factor)`: blend with black. */
export function adjustBrightness(img: ImageOrTensor, factor: number): ImageOrTensor {
  if (factor < 0) throw new ValueError(`brightness_factor (${factor}) is not non-negative.`);
  return blend(toRaster(img), factor, () => 0);
}

/** `F.adjust_contrast(img, factor)`: blend with the mean grey level. */
export function adjustContrast(img: ImageOrTensor, factor: number): ImageOrTensor {
  if (factor < 0) throw new ValueError(`contrast_factor (${factor}) is not non-negative.`);
  const r = toRaster(img);
  const groups = r.planes / r.channels, n = r.h * r.w;
  const means = new Float64Array(groups);
  if (r.channels === 3) {
    const l = luma(r);
    for (let g = 0; g < groups; g++) { let s = 0; for (let i = 0; i < n; i++) s += l[g * n + i]; means[g] = f(s / n); }
  } else {
    const at = accessor(r);
    for (let g = 0; g < groups; g++) { let s = 0; for (let k = 0; k < r.channels; k++) for (let i = 0; i < n; i++) s += r.data[at(g, k, i)]; means[g] = f(s / (n * r.channels)); }
  }
  return blend(r, factor, (g) => means[g]);
}

/** `F.adjust_saturation(img, factor)`: blend with the grayscale image. */
export function adjustSaturation(img: ImageOrTensor, factor: number): ImageOrTensor {
  if (factor < 0) throw new ValueError(`saturation_factor (${factor}) is not non-negative.`);
  const r = toRaster(img);
  if (r.channels === 1) return img;
  const l = luma(r), n = r.h * r.w;
  return blend(r, factor, (g, _k, i) => l[g * n + i]);
}

/** `F.adjust_hue(img, factor)`: shift the hue in HSV space (torchvision's `_rgb2hsv` / `_hsv2rgb`). */
export function adjustHue(img: ImageOrTensor, hueFactor: number): ImageOrTensor {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new ValueError(`hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  const r = toRaster(img);
  if (r.channels === 1) return img;
  const u8 = !isFloat(r);
  const at = accessor(r), groups = r.planes / 3, n = r.h * r.w;
  const out = r.data.slice() as TypedArray;
  const hf = f(hueFactor);
  for (let g = 0; g < groups; g++) for (let i = 0; i < n; i++) {
    const j0 = at(g, 0, i), j1 = at(g, 1, i), j2 = at(g, 2, i);
    const R = u8 ? f(r.data[j0] / 255) : r.data[j0], G = u8 ? f(r.data[j1] / 255) : r.data[j1], B = u8 ? f(r.data[j2] / 255) : r.data[j2];
    const maxc = Math.max(R, G, B), minc = Math.min(R, G, B);
    const eq = maxc === minc, cr = f(maxc - minc);
    const s = f(cr / (eq ? 1 : maxc));
    const div = eq ? 1 : cr;
    const rc = f(f(maxc - R) / div), gc = f(f(maxc - G) / div), bc = f(f(maxc - B) / div);
    const hr = maxc === R ? f(bc - gc) : 0;
    const hg = maxc === G && maxc !== R ? f(f(2 + rc) - bc) : 0;
    const hb = maxc !== G && maxc !== R ? f(f(4 + gc) - rc) : 0;
    let h = f(f(hr + hg) + hb);
    h = fmod(f(f(h / 6) + 1), 1);
    h = f(h + hf);
    h = f(h - Math.floor(h)); // Python's % 1.0
    const v = maxc;
    const h6 = f(h * 6), fi = Math.floor(h6), fr = f(h6 - fi);
    const p = clamp01(f(v * f(1 - s))), q = clamp01(f(v * f(1 - f(s * fr)))), t = clamp01(f(v * f(1 - f(s * f(1 - fr)))));
    const sector = ((fi % 6) + 6) % 6;
    const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][sector];
    for (let k = 0; k < 3; k++) out[at(g, k, i)] = u8 ? Math.trunc(f(rgb[k] * 255)) : rgb[k];
  }
  return fromRaster(r, out, r.h, r.w);
}

function clamp01(v: number): number { return Math.min(1, Math.max(0, v)); }
function fmod(a: number, b: number): number { return f(a % b); }
