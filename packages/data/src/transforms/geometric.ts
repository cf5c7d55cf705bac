import { type TypedArray, ValueError } from '@flambeau/tensor';
import { type ImageOrTensor, type Raster, alloc, fromRaster, roundHalfEven, toRaster } from './raster.js';

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';
export type Fill = number | readonly number[];
export type InterpolationMode = 'nearest' | 'bilinear';

/** Maps an out-of-range coordinate back into [0, n) for a padding mode; -1 means "use the fill". */
function mapCoord(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant': return -1;
    case 'edge': return i < 0 ? 0 : n - 1;
    case 'reflect': {
      const p = 2 * (n - 1);
      if (p === 0) return 0;
      let m = ((i % p) + p) % p;
      if (m >= n) m = p - m;
      return m;
    }
    case 'symmetric': {
      const p = 2 * n;
      let m = ((i % p) + p) % p;
      if (m >= n) m = p - 1 - m;
      return m;
    }
  }
}

function fillValues(fill: Fill, channels: number): number[] {
  if (typeof fill === 'number') return new Array<number>(channels).fill(fill);
  if (fill.length === 1) return new Array<number>(channels).fill(fill[0]);
  if (fill.length !== channels) {
    throw new ValueError(`The number of elements in 'fill' does not match the number of channels of the image (${fill.length} != ${channels})`);
  }
  return [...fill];
}

/**
 * The window `[top, top+h) × [left, left+w)` of the image, with rows/columns outside it taken
 * from the padding mode. Crop, pad and pad-then-crop are all this one copy.
 */
export function window(r: Raster, top: number, left: number, h: number, w: number, mode: PaddingMode = 'constant', fill: Fill = 0): TypedArray {
  const out = alloc(r, h, w);
  const fills = fillValues(fill, r.channels);
  const xs = new Int32Array(w);
  for (let x = 0; x < w; x++) xs[x] = mapCoord(left + x, r.w, mode);
  const src = r.data;
  if (r.hwc) {
    const c = r.channels;
    for (let y = 0; y < h; y++) {
      const sy = mapCoord(top + y, r.h, mode);
      const o = y * w * c;
      if (sy < 0) { for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[o + x * c + k] = fills[k]; continue; }
      const rowBase = sy * r.w * c;
      // Fast path: a contiguous in-range run copies as one block.
      const x0 = Math.max(0, -left), x1 = Math.min(w, r.w - left);
      if (mode === 'constant' || x0 >= x1) {
        for (let x = 0; x < w; x++) {
          const sx = xs[x];
          if (sx < 0) for (let k = 0; k < c; k++) out[o + x * c + k] = fills[k];
          else if (x === x0 && x1 > x0) { out.set(src.subarray(rowBase + sx * c, rowBase + (sx + x1 - x0) * c), o + x * c); x = x1 - 1; }
          else for (let k = 0; k < c; k++) out[o + x * c + k] = src[rowBase + sx * c + k];
        }
      } else {
        for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[o + x * c + k] = src[rowBase + xs[x] * c + k];
      }
    }
  } else {
    for (let p = 0; p < r.planes; p++) {
      const fv = fills[p % r.channels];
      const sBase = p * r.h * r.w, oBase = p * h * w;
      for (let y = 0; y < h; y++) {
        const sy = mapCoord(top + y, r.h, mode);
        const o = oBase + y * w;
        if (sy < 0) { out.fill(fv, o, o + w); continue; }
        const row = sBase + sy * r.w;
        for (let x = 0; x < w; x++) out[o + x] = xs[x] < 0 ? fv : src[row + xs[x]];
      }
    }
  }
  return out;
}

/** torchvision's padding argument: int, [lr, tb] or [l, t, r, b] → [l, t, r, b]. */
export function parsePadding(padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0], padding[0], padding[0], padding[0]];
  if (padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
  if (padding.length === 4) return [padding[0], padding[1], padding[2], padding[3]];
  throw new ValueError(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`);
}

/** `F.pad(img, padding, fill=0, padding_mode='constant')`. */
export function pad(img: ImageOrTensor, padding: number | readonly number[], fill: Fill = 0, paddingMode: PaddingMode = 'constant'): ImageOrTensor {
  const r = toRaster(img);
  const [l, t, rr, b] = parsePadding(padding);
  if (paddingMode === 'reflect' && (Math.max(l, rr) >= r.w || Math.max(t, b) >= r.h)) {
    throw new ValueError(`Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${rr}) at dimension 2 of input [${r.h}, ${r.w}]`);
  }
  const h = r.h + t + b, w = r.w + l + rr;
  return fromRaster(r, window(r, -t, -l, h, w, paddingMode, fill), h, w);
}

/** `F.crop(img, top, left, height, width)`; regions outside the image are zero. */
export function crop(img: ImageOrTensor, top: number, left: number, height: number, width: number): ImageOrTensor {
  const r = toRaster(img);
  return fromRaster(r, window(r, top, left, height, width), height, width);
}

/** `F.center_crop(img, output_size)`. */
export function centerCrop(img: ImageOrTensor, size: number | readonly number[]): ImageOrTensor {
  const [ch, cw] = parseSize(size, 'output_size');
  const r = toRaster(img);
  if (cw > r.w || ch > r.h) {
    const l = cw > r.w ? (cw - r.w) >> 1 : 0, t = ch > r.h ? (ch - r.h) >> 1 : 0;
    const rr = cw > r.w ? (cw - r.w + 1) >> 1 : 0, b = ch > r.h ? (ch - r.h + 1) >> 1 : 0;
    img = pad(img, [l, t, rr, b], 0);
    const p = toRaster(img);
    if (p.w === cw && p.h === ch) return img;
    return crop(img, roundHalfEven((p.h - ch) / 2), roundHalfEven((p.w - cw) / 2), ch, cw);
  }
  return crop(img, roundHalfEven((r.h - ch) / 2), roundHalfEven((r.w - cw) / 2), ch, cw);
}

/** A size argument (int or [h, w]) as [h, w]. */
export function parseSize(size: number | readonly number[], what = 'size'): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length === 2) return [size[0], size[1]];
  throw new ValueError(`Please provide only two dimensions (h, w) for ${what}.`);
}

function flip(img: ImageOrTensor, horizontal: boolean): ImageOrTensor {
  const r = toRaster(img);
  const out = alloc(r, r.h, r.w);
  const src = r.data, h = r.h, w = r.w;
  if (r.hwc) {
    const c = r.channels, row = w * c;
    for (let y = 0; y < h; y++) {
      const sy = horizontal ? y : h - 1 - y;
      if (!horizontal) { out.set(src.subarray(sy * row, sy * row + row), y * row); continue; }
      if (c === 3) {
        // The RGB case unrolled: this runs once per training image.
        for (let x = 0, o = y * row, s = sy * row + (w - 1) * 3; x < w; x++, o += 3, s -= 3) {
          out[o] = src[s]; out[o + 1] = src[s + 1]; out[o + 2] = src[s + 2];
        }
        continue;
      }
      for (let x = 0; x < w; x++) {
        const s = sy * row + (w - 1 - x) * c, o = y * row + x * c;
        for (let k = 0; k < c; k++) out[o + k] = src[s + k];
      }
    }
  } else {
    for (let p = 0; p < r.planes; p++) {
      const base = p * h * w;
      for (let y = 0; y < h; y++) {
        const sy = horizontal ? y : h - 1 - y;
        const s = base + sy * w, o = base + y * w;
        if (horizontal) for (let x = 0; x < w; x++) out[o + x] = src[s + w - 1 - x];
        else out.set(src.subarray(s, s + w), o);
      }
    }
  }
  return fromRaster(r, out, h, w);
}
/** `F.hflip(img)`. */
export const hflip = (img: ImageOrTensor): ImageOrTensor => flip(img, true);
/** `F.vflip(img)`. */
export const vflip = (img: ImageOrTensor): ImageOrTensor => flip(img, false);

/**
 * torchvision's `_compute_resized_output_size`: an int resizes the smaller edge (keeping the
 * aspect ratio, capped by `maxSize`), a pair is [h, w].
 */
export function resizedSize(h: number, w: number, size: number | readonly number[], maxSize?: number): [number, number] {
  if (typeof size !== 'number' && size.length === 2) {
    if (maxSize !== undefined) throw new ValueError(`max_size should only be passed if size specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.`);
    return [size[0], size[1]];
  }
  const s = typeof size === 'number' ? size : size[0];
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = s, newLong = Math.trunc((s * long) / short);
  if (maxSize !== undefined) {
    if (maxSize <= s) throw new ValueError(`max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${s}`);
    if (newLong > maxSize) { newShort = Math.trunc((maxSize * newShort) / newLong); newLong = maxSize; }
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/**
 * Source indices + weights of one axis of PyTorch's `upsample_bilinear2d` (align_corners=False):
 * the scale is a float32, the source index and lambdas are computed in double (the CPU kernel's
 * accumulate type) and stored as float32 weights.
 */
function linearAxis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l0: Float32Array; l1: Float32Array } {
  const scale = Math.fround(inSize / outSize);
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), l0 = new Float32Array(outSize), l1 = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (inSize === outSize) { i0[o] = i1[o] = o; l0[o] = 1; continue; }
    const src = Math.max(scale * (o + 0.5) - 0.5, 0);
    const idx = Math.trunc(src);
    const lam = Math.min(Math.max(src - idx, 0), 1);
    i0[o] = idx;
    i1[o] = idx + (idx < inSize - 1 ? 1 : 0);
    l1[o] = lam;
    l0[o] = 1 - lam;
  }
  return { i0, i1, l0, l1 };
}

/** PyTorch's `nearest_idx` for one axis. */
function nearestAxis(inSize: number, outSize: number): Int32Array {
  const out = new Int32Array(outSize);
  const scale = Math.fround(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    out[o] = outSize === inSize ? o : outSize === 2 * inSize ? o >> 1 : Math.min(Math.floor(Math.fround(o * scale)), inSize - 1);
  }
  return out;
}

/**
 * `F.resize(img, size, interpolation, max_size, antialias=False)` with torchvision's tensor
 * semantics (PyTorch's `interpolate`, align_corners=False); uint8 results are rounded. Images
 * use the same arithmetic (PIL's antialiased filter is not reproduced).
 */
export function resize(img: ImageOrTensor, size: number | readonly number[], interpolation: InterpolationMode = 'bilinear', maxSize?: number): ImageOrTensor {
  const r = toRaster(img);
  const [oh, ow] = resizedSize(r.h, r.w, size, maxSize);
  return fromRaster(r, resizeKernel(r, oh, ow, interpolation), oh, ow);
}

export function resizeKernel(r: Raster, oh: number, ow: number, interpolation: InterpolationMode): TypedArray {
  const out = alloc(r, oh, ow);
  const src = r.data, c = r.hwc ? r.channels : 1, planes = r.hwc ? 1 : r.planes, chans = r.hwc ? r.channels : 1;
  // Offsets of element (plane p, channel k, y, x) in src/out.
  const at = (p: number, k: number, y: number, x: number, H: number, W: number) => (r.hwc ? (y * W + x) * c + k : (p * H + y) * W + x);
  const round = r.dtype === 'uint8' || r.dtype === 'int32' || r.dtype === 'int64';
  if (interpolation === 'nearest') {
    const ys = nearestAxis(r.h, oh), xs = nearestAxis(r.w, ow);
    for (let p = 0; p < planes; p++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let k = 0; k < chans; k++) {
      out[at(p, k, y, x, oh, ow)] = src[at(p, k, ys[y], xs[x], r.h, r.w)];
    }
    return out;
  }
  if (interpolation !== 'bilinear') throw new ValueError(`interpolation mode '${interpolation as string}' is not supported; use 'nearest' or 'bilinear'`);
  const f = Math.fround;
  const Y = linearAxis(r.h, oh), X = linearAxis(r.w, ow);
  for (let p = 0; p < planes; p++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let k = 0; k < chans; k++) {
    const y0 = Y.i0[y], y1 = Y.i1[y], x0 = X.i0[x], x1 = X.i1[x];
    // PyTorch's order (width taps, then the two rows), in float32 with the compiler's fused
    // multiply-add: `w0 * a + round(w1 * b)` rounded once (a float32 product is exact in a double).
    const top = f(src[at(p, k, y0, x0, r.h, r.w)] * X.l0[x] + f(src[at(p, k, y0, x1, r.h, r.w)] * X.l1[x]));
    const bot = f(src[at(p, k, y1, x0, r.h, r.w)] * X.l0[x] + f(src[at(p, k, y1, x1, r.h, r.w)] * X.l1[x]));
    let v = f(top * Y.l0[y] + f(bot * Y.l1[y]));
    if (round) v = Math.min(255, Math.max(0, roundHalfEven(v)));
    out[at(p, k, y, x, oh, ow)] = v;
  }
  return out;
}

/** `F.resized_crop(img, top, left, height, width, size, interpolation)`. */
export function resizedCrop(img: ImageOrTensor, top: number, left: number, height: number, width: number, size: number | readonly number[], interpolation: InterpolationMode = 'bilinear'): ImageOrTensor {
  return resize(crop(img, top, left, height, width), size, interpolation);
}

/**
 * `F.rotate(img, angle, interpolation, expand=False, center=None, fill)` with torchvision's tensor
 * algorithm (inverse affine matrix, `affine_grid`, `grid_sample` with align_corners=False).
 */
export function rotate(img: ImageOrTensor, angle: number, interpolation: InterpolationMode = 'nearest', expand = false, center?: readonly number[], fill: Fill = 0): ImageOrTensor {
  const r = toRaster(img);
  const w = r.w, h = r.h;
  const cx = center ? center[0] - w * 0.5 : 0, cy = center ? center[1] - h * 0.5 : 0;
  const rot = (-angle * Math.PI) / 180;
  const a = Math.cos(rot), b = -Math.sin(rot), c = Math.sin(rot), d = Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0];
  m[2] += m[0] * -cx + m[1] * -cy;
  m[5] += m[3] * -cx + m[4] * -cy;
  m[2] += cx;
  m[5] += cy;
  let ow = w, oh = h;
  if (expand) {
    // torchvision's _compute_affine_output_size (float32), corners shifted to [0, w] × [0, h] and
    // truncated to 1e-4 so that float noise does not add a pixel.
    const f = Math.fround;
    const pts = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]];
    const xs = pts.map(([x, y]) => f(f(f(x * f(m[0])) + f(y * f(m[1]))) + f(m[2])));
    const ys = pts.map(([x, y]) => f(f(f(x * f(m[3])) + f(y * f(m[4]))) + f(m[5])));
    const tol = 1e-4;
    const span = (v: number[], half: number) => {
      const hi = Math.ceil(f(Math.trunc(f(f(Math.max(...v) + half) / tol)) * tol));
      const lo = Math.floor(f(Math.trunc(f(f(Math.min(...v) + half) / tol)) * tol));
      return hi - lo;
    };
    ow = span(xs, w * 0.5);
    oh = span(ys, h * 0.5);
  }
  const double = r.dtype === 'float64';
  const f = double ? (v: number) => v : Math.fround;
  const t = [f(f(m[0]) / f(0.5 * w)), f(f(m[1]) / f(0.5 * w)), f(f(m[2]) / f(0.5 * w)), f(f(m[3]) / f(0.5 * h)), f(f(m[4]) / f(0.5 * h)), f(f(m[5]) / f(0.5 * h))];
  const fills = fillValues(fill, r.channels);
  const out = alloc(r, oh, ow);
  const planes = r.hwc ? 1 : r.planes, chans = r.hwc ? r.channels : 1, cc = r.hwc ? r.channels : 1;
  const at = (p: number, k: number, y: number, x: number, H: number, W: number) => (r.hwc ? (y * W + x) * cc + k : (p * H + y) * W + x);
  const round = !(r.dtype === 'float32' || double);
  const linX = linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow, f), linY = linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh, f);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const bx = linX[x], by = linY[y];
    const gx = f(f(f(bx * t[0]) + f(by * t[1])) + t[2]);
    const gy = f(f(f(bx * t[3]) + f(by * t[4])) + t[5]);
    const ix = f(f(f(f(gx + 1) * w) - 1) / 2), iy = f(f(f(f(gy + 1) * h) - 1) / 2);
    for (let p = 0; p < planes; p++) for (let k = 0; k < chans; k++) {
      const fv = fills[r.hwc ? k : p % r.channels];
      let v: number;
      if (interpolation === 'nearest') {
        const nx = roundHalfEven(ix), ny = roundHalfEven(iy);
        v = nx >= 0 && nx < w && ny >= 0 && ny < h ? src(r, at(p, k, ny, nx, h, w)) : fv;
      } else {
        const x0 = Math.floor(ix), y0 = Math.floor(iy), dx = f(ix - x0), dy = f(iy - y0);
        let acc = 0, mask = 0;
        for (const [yy, wy] of [[y0, f(1 - dy)], [y0 + 1, dy]] as const) for (const [xx, wx] of [[x0, f(1 - dx)], [x0 + 1, dx]] as const) {
          if (xx >= 0 && xx < w && yy >= 0 && yy < h) { acc = f(acc + f(f(wx * wy) * src(r, at(p, k, yy, xx, h, w)))); mask = f(mask + f(wx * wy)); }
        }
        // torchvision interpolates a ones channel alongside and blends: img * mask + (1 - mask) * fill.
        v = f(f(acc * mask) + f(f(1 - mask) * fv));
      }
      out[at(p, k, y, x, oh, ow)] = round ? roundHalfEven(v) : v;
    }
  }
  return fromRaster(r, out, oh, ow);
}

function src(r: Raster, i: number): number { return r.data[i]; }

/** `torch.linspace` as PyTorch fills it (two halves from each end). */
function linspace(start: number, end: number, steps: number, f: (v: number) => number): number[] {
  const step = steps > 1 ? f(f(end - start) / (steps - 1)) : 0;
  const half = Math.floor(steps / 2);
  return Array.from({ length: steps }, (_, i) => (i < half ? f(start + step * i) : f(end - step * (steps - 1 - i))));
}
