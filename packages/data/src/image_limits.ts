import { FlambeauError, RuntimeError, ValueError } from '@flambeau/tensor';

/**
 * PIL's decompression-bomb guard: a small compressed file can claim a huge canvas (a 389 KB PNG
 * of 20000×20000 pixels decodes to 1.6 GB). The dimensions are read from the file header and
 * checked before anything is decoded, with PIL's default limit and wording.
 */

/** PIL's `Image.MAX_IMAGE_PIXELS` default: about a quarter gigabyte of RGB pixels. */
export const DEFAULT_MAX_IMAGE_PIXELS = 89478485;

let maxImagePixels: number | null = DEFAULT_MAX_IMAGE_PIXELS;

/** PIL's `DecompressionBombError`: the image has more than twice `MAX_IMAGE_PIXELS` pixels. */
export class DecompressionBombError extends FlambeauError {}

/**
 * `PIL.Image.MAX_IMAGE_PIXELS = n`: images over `n` pixels warn (`DecompressionBombWarning`),
 * over `2n` are refused; `null` turns the check off.
 *
 * @example setMaxImagePixels(400_000_000); // allow larger scans
 */
export function setMaxImagePixels(n: number | null): void {
  if (n !== null && !(Number.isFinite(n) && n > 0)) throw new ValueError(`MAX_IMAGE_PIXELS must be a positive number or null, got ${n}`);
  maxImagePixels = n;
}

/** The current `MAX_IMAGE_PIXELS` (null when the check is off). */
export function getMaxImagePixels(): number | null {
  return maxImagePixels;
}

/** Raises or warns as PIL's `Image._decompression_bomb_check` does. */
export function checkImagePixels(width: number, height: number, name: string): void {
  if (maxImagePixels === null) return;
  const pixels = width * height;
  if (pixels > 2 * maxImagePixels) {
    throw new DecompressionBombError(`${name}: Image size (${pixels} pixels) exceeds limit of ${2 * maxImagePixels} pixels, could be decompression bomb DOS attack.`);
  }
  if (pixels > maxImagePixels) {
    const msg = `${name}: Image size (${pixels} pixels) exceeds limit of ${maxImagePixels} pixels, could be decompression bomb DOS attack.`;
    const proc = (globalThis as { process?: { emitWarning?: (m: string, type: string) => void } }).process;
    if (proc?.emitWarning) proc.emitWarning(msg, 'DecompressionBombWarning');
    else console.warn(`DecompressionBombWarning: ${msg}`);
  }
}

/** Width and height from a PNG's IHDR chunk, or null when the header is not there. */
export function pngDimensions(b: Uint8Array): [number, number] | null {
  if (b.length < 24 || String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

/** Width and height from a JPEG's start-of-frame segment, or null when none is found. */
export function jpegDimensions(b: Uint8Array): [number, number] | null {
  let p = 2; // after SOI
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null;
    const m = b[p + 1];
    if (m === 0xff) { p++; continue; } // fill byte
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) { p += 2; continue; } // markers without a length
    const len = (b[p + 2] << 8) | b[p + 3];
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), carry the frame size.
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (p + 9 > b.length) return null;
      return [(b[p + 7] << 8) | b[p + 8], (b[p + 5] << 8) | b[p + 6]];
    }
    if (m === 0xda || len < 2) return null; // scan data before any frame header
    p += 2 + len;
  }
  return null;
}

/**
 * A PNG whose compressed image data could not possibly hold the pixels its header claims (deflate
 * expands at most about 1032:1) is truncated or forged; pngjs would fill the missing rows with
 * zeros, so it is refused before decoding.
 */
export function checkPngDataSize(b: Uint8Array, width: number, height: number, name: string): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bitDepth = b[24], colorType = b[25];
  const samples = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType] ?? 1;
  let idat = 0;
  for (let p = 8; p + 8 <= b.length;) {
    const len = v.getUint32(p);
    if (String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7]) === 'IDAT') idat += len;
    p += 12 + len;
  }
  const rawBytes = height * Math.ceil((width * samples * bitDepth) / 8);
  if (idat * 1032 + 1032 < rawBytes) {
    throw new RuntimeError(`could not decode image ${name}: truncated PNG: ${idat} bytes of image data cannot hold ${width}x${height} pixels`);
  }
}
