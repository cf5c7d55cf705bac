import { hflip, vflip } from './geometric.js';
import { type ImageOrTensor, randItem } from './raster.js';
import { Transform } from './transform.js';

/** `RandomHorizontalFlip(p=0.5)`: flips when `torch.rand(1) < p` (default generator). */
export class RandomHorizontalFlip extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'RandomHorizontalFlip';
  constructor(readonly p = 0.5) { super(p); }
  forward(img: ImageOrTensor): ImageOrTensor { return randItem() < this.p ? hflip(img) : img; }
  override toString(): string { return `RandomHorizontalFlip(p=${this.p})`; }
}

/** `RandomVerticalFlip(p=0.5)`. */
export class RandomVerticalFlip extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'RandomVerticalFlip';
  constructor(readonly p = 0.5) { super(p); }
  forward(img: ImageOrTensor): ImageOrTensor { return randItem() < this.p ? vflip(img) : img; }
  override toString(): string { return `RandomVerticalFlip(p=${this.p})`; }
}
