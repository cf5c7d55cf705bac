import { type Args, ValueError, declare, parseArgs } from '@flambeau/tensor';
import { type Fill, type InterpolationMode, type PaddingMode, centerCrop, parsePadding, parseSize, resizeKernel, window } from './geometric.js';
import { type ImageOrTensor, dims, fromRaster, randintItem, roundHalfEven, toRaster, uniformItem } from './raster.js';
import { Transform } from './transform.js';

const CENTER_CROP = declare('transforms.CenterCrop', 'CenterCrop(int[] size)');
const RANDOM_CROP = declare('transforms.RandomCrop', 'RandomCrop(int[] size, int[]? padding=None, bool padIfNeeded=False, Fill fill=0, str paddingMode="constant")');
const RANDOM_RESIZED_CROP = declare('transforms.RandomResizedCrop', 'RandomResizedCrop(int[] size, float[] scale=(0.08, 1.0), float[] ratio=(0.75, 1.3333333333333333), str interpolation="bilinear")');

/** `CenterCrop(size)`: the central `size` window, zero-padded when the image is smaller. */
export class CenterCrop extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'CenterCrop';
  readonly size: [number, number];
  constructor(...args: [size: number | readonly number[]] | [{ size: number | readonly number[] }]) {
    super(...args);
    this.size = parseSize(parseArgs(CENTER_CROP, args).size);
  }
  forward(img: ImageOrTensor): ImageOrTensor { return centerCrop(img, this.size); }
  override toString(): string { return `CenterCrop(size=(${this.size.join(', ')}))`; }
}

export interface RandomCropOptions {
  padding?: number | readonly number[] | null;
  padIfNeeded?: boolean;
  fill?: Fill;
  paddingMode?: PaddingMode;
}

/**
 * `RandomCrop(size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant')`. The crop
 * corner is drawn with `torch.randint` from the default generator, as torchvision does; padding
 * and cropping are fused into one copy.
 *
 * @example new RandomCrop(32, { padding: 4 })
 */
export class RandomCrop extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'RandomCrop';
  readonly size: [number, number];
  readonly padding: [number, number, number, number] | null;
  readonly padIfNeeded: boolean;
  readonly fill: Fill;
  readonly paddingMode: PaddingMode;
  constructor(size: number | readonly number[], ...rest: Args<[padding: number | readonly number[] | null, padIfNeeded: boolean, fill: Fill, paddingMode: PaddingMode], RandomCropOptions>) {
    super(size, ...rest);
    const opts = parseArgs(RANDOM_CROP, [size, ...rest]);
    this.size = parseSize(size);
    this.padding = opts.padding === null ? null : parsePadding(opts.padding);
    this.padIfNeeded = opts.padIfNeeded;
    this.fill = opts.fill;
    this.paddingMode = opts.paddingMode;
  }

  /** `RandomCrop.get_params(img, output_size)`: [top, left, h, w]. */
  static getParams(h: number, w: number, [th, tw]: readonly number[]): [number, number, number, number] {
    if (h < th || w < tw) throw new ValueError(`Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
    if (w === tw && h === th) return [0, 0, h, w];
    const i = randintItem(0, h - th + 1);
    const j = randintItem(0, w - tw + 1);
    return [i, j, th, tw];
  }

  forward(img: ImageOrTensor): ImageOrTensor {
    const r = toRaster(img);
    // Padding is virtual: the crop window is expressed in padded coordinates.
    let [l, t, rr, b] = this.padding ?? [0, 0, 0, 0];
    if (this.paddingMode === 'reflect' && (Math.max(l, rr) >= r.w || Math.max(t, b) >= r.h)) {
      throw new ValueError(`Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${rr}) at dimension 2 of input [${r.h}, ${r.w}]`);
    }
    let h = r.h + t + b, w = r.w + l + rr;
    const [th, tw] = this.size;
    if (this.padIfNeeded && w < tw) { const d = tw - w; l += d; rr += d; w += 2 * d; }
    if (this.padIfNeeded && h < th) { const d = th - h; t += d; b += d; h += 2 * d; }
    const [i, j] = RandomCrop.getParams(h, w, this.size);
    return fromRaster(r, window(r, i - t, j - l, th, tw, this.paddingMode, this.fill), th, tw);
  }
  override toString(): string { return `RandomCrop(size=(${this.size.join(', ')}), padding=${this.padding ? `(${this.padding.join(', ')})` : 'None'})`; }
}

export interface RandomResizedCropOptions {
  scale?: readonly [number, number];
  ratio?: readonly [number, number];
  interpolation?: InterpolationMode;
}

/**
 * `RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3), interpolation=BILINEAR)`, with
 * torchvision's 10-try sampling drawn from the default generator and tensor resize semantics.
 */
export class RandomResizedCrop extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'RandomResizedCrop';
  readonly size: [number, number];
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly interpolation: InterpolationMode;
  constructor(size: number | readonly number[], ...rest: Args<[scale: readonly [number, number], ratio: readonly [number, number], interpolation: InterpolationMode], RandomResizedCropOptions>) {
    super(size, ...rest);
    const opts = parseArgs(RANDOM_RESIZED_CROP, [size, ...rest]);
    this.size = parseSize(size);
    this.scale = opts.scale;
    this.ratio = opts.ratio;
    this.interpolation = opts.interpolation;
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1]) throw new ValueError('Scale and ratio should be of kind (min, max)');
  }

  /** `RandomResizedCrop.get_params(img, scale, ratio)`: [top, left, h, w]. */
  static getParams(height: number, width: number, scale: readonly number[], ratio: readonly number[]): [number, number, number, number] {
    const f = Math.fround;
    const area = height * width;
    const logRatio = [f(Math.log(f(ratio[0]))), f(Math.log(f(ratio[1])))];
    for (let k = 0; k < 10; k++) {
      const targetArea = area * uniformItem(scale[0], scale[1]);
      const aspect = f(Math.exp(uniformItem(logRatio[0], logRatio[1])));
      const w = roundHalfEven(Math.sqrt(targetArea * aspect));
      const h = roundHalfEven(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const i = randintItem(0, height - h + 1);
        const j = randintItem(0, width - w + 1);
        return [i, j, h, w];
      }
    }
    const inRatio = width / height;
    let w: number, h: number;
    if (inRatio < Math.min(...ratio)) { w = width; h = roundHalfEven(w / Math.min(...ratio)); }
    else if (inRatio > Math.max(...ratio)) { h = height; w = roundHalfEven(h * Math.max(...ratio)); }
    else { w = width; h = height; }
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }

  forward(img: ImageOrTensor): ImageOrTensor {
    const { h, w } = dims(img);
    const [i, j, ch, cw] = RandomResizedCrop.getParams(h, w, this.scale, this.ratio);
    const r = toRaster(img);
    const cropped = { ...r, data: window(r, i, j, ch, cw), h: ch, w: cw };
    const [oh, ow] = this.size;
    return fromRaster(r, resizeKernel(cropped, oh, ow, this.interpolation), oh, ow);
  }
  override toString(): string { return `RandomResizedCrop(size=(${this.size.join(', ')}), scale=(${this.scale.join(', ')}), ratio=(${this.ratio.join(', ')}), interpolation=${this.interpolation})`; }
}
