import { type Fill, type PaddingMode, pad, parsePadding } from './geometric.js';
import type { ImageOrTensor } from './raster.js';
import { Transform } from './transform.js';

/** `Pad(padding, fill=0, padding_mode='constant')`; padding is an int, [lr, tb] or [l, t, r, b]. */
export class Pad extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'Pad';
  readonly fill: Fill;
  readonly paddingMode: PaddingMode;
  constructor(readonly padding: number | readonly number[], opts: { fill?: Fill; paddingMode?: PaddingMode } = {}) {
    super(padding, opts);
    parsePadding(padding);
    this.fill = opts.fill ?? 0;
    this.paddingMode = opts.paddingMode ?? 'constant';
  }
  forward(img: ImageOrTensor): ImageOrTensor { return pad(img, this.padding, this.fill, this.paddingMode); }
  override toString(): string { return `Pad(padding=${JSON.stringify(this.padding)}, fill=${JSON.stringify(this.fill)}, padding_mode=${this.paddingMode})`; }
}
