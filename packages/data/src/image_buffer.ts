import { type Tensor, ValueError, fromArray } from '@flambeau/tensor';

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

/** HWC bytes → uint8 CHW tensor (PILToTensor). */
export function imageToTensor(img: Image): Tensor {
  const { width: w, height: h, channels: c, data } = img;
  const n = w * h;
  const out = new Uint8Array(n * c);
  for (let k = 0; k < c; k++) for (let p = 0; p < n; p++) out[k * n + p] = data[p * c + k];
  return fromArray(out, [c, h, w], { dtype: 'uint8', device: 'cpu' });
}
