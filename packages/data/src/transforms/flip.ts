import { type Args, declare, parseArgs } from '@flambeau/tensor';
import { hflip, vflip } from './geometric.js';
import { type ImageOrTensor, randItem } from './raster.js';
import { Transform } from './transform.js';

const HFLIP = declare('transforms.RandomHorizontalFlip', 'RandomHorizontalFlip(float p=0.5)');
const VFLIP = declare('transforms.RandomVerticalFlip', 'RandomVerticalFlip(float p=0.5)');

/** `RandomHorizontalFlip(p=0.5)`: flips when `torch.rand(1) < p` (default generator). */
export class RandomHorizontalFlip extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'RandomHorizontalFlip';
  readonly p: number;
  constructor(...args: Args<[p: number], { p?: number }>) {
    super(...args);
    ({ p: this.p } = parseArgs(HFLIP, args));
  }
  forward(img: ImageOrTensor): ImageOrTensor { return randItem() < this.p ? hflip(img) : img; }
  override toString(): string { return `RandomHorizontalFlip(p=${this.p})`; }
}

/** `RandomVerticalFlip(p=0.5)`. */
export class RandomVerticalFlip extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'RandomVerticalFlip';
  readonly p: number;
  constructor(...args: Args<[p: number], { p?: number }>) {
    super(...args);
    ({ p: this.p } = parseArgs(VFLIP, args));
  }
  forward(img: ImageOrTensor): ImageOrTensor { return randItem() < this.p ? vflip(img) : img; }
  override toString(): string { return `RandomVerticalFlip(p=${this.p})`; }
}
