import { type Args, declare, parseArgs } from '@flambeau/tensor';
import { type Fill, type PaddingMode, pad, parsePadding } from './geometric.js';

// `Fill`: a number or one per channel, checked where the image is padded.
const PAD = declare('transforms.Pad', 'Pad(int[] padding, Fill fill=0, str paddingMode="constant")');
import type { ImageOrTensor } from './raster.js';
import { Transform } from './transform.js';

/** `Pad(padding, fill=0, padding_mode='constant')`; padding is an int, [lr, tb] or [l, t, r, b]. */
export class Pad extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'Pad';
  readonly fill: Fill;
  readonly paddingMode: PaddingMode;
  readonly padding: number | readonly number[];
  constructor(padding: number | readonly number[], ...rest: Args<[fill: Fill, paddingMode: PaddingMode], { fill?: Fill; paddingMode?: PaddingMode }>) {
    super(padding, ...rest);
    const opts = parseArgs(PAD, [padding, ...rest]);
    parsePadding(padding);
    this.padding = padding;
    this.fill = opts.fill;
    this.paddingMode = opts.paddingMode;
  }
  forward(img: ImageOrTensor): ImageOrTensor { return pad(img, this.padding, this.fill, this.paddingMode); }
  override toString(): string { return `Pad(padding=${JSON.stringify(this.padding)}, fill=${JSON.stringify(this.fill)}, padding_mode=${this.paddingMode})`; }
}
