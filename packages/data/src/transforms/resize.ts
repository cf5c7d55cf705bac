import { type Args, declare, parseArgs } from '@flambeau/tensor';
import { type InterpolationMode, resize } from './geometric.js';

const RESIZE = declare('transforms.Resize', 'Resize(int[] size, str interpolation="bilinear", int? maxSize=None)');
import type { ImageOrTensor } from './raster.js';
import { Transform } from './transform.js';

/**
 * `Resize(size, interpolation=BILINEAR, max_size=None, antialias=False)`: an int matches the
 * smaller edge, [h, w] sets both. Follows torchvision on tensors (PyTorch's `interpolate`).
 */
export class Resize extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'Resize';
  readonly interpolation: InterpolationMode;
  readonly maxSize: number | undefined;
  readonly size: number | readonly number[];
  constructor(size: number | readonly number[], ...rest: Args<[interpolation: InterpolationMode, maxSize: number | null], { interpolation?: InterpolationMode; maxSize?: number | null }>) {
    super(size, ...rest);
    const opts = parseArgs(RESIZE, [size, ...rest]);
    this.size = size;
    this.interpolation = opts.interpolation;
    this.maxSize = opts.maxSize ?? undefined;
  }
  forward(img: ImageOrTensor): ImageOrTensor { return resize(img, this.size, this.interpolation, this.maxSize); }
  override toString(): string { return `Resize(size=${JSON.stringify(this.size)}, interpolation=${this.interpolation}, max_size=${this.maxSize ?? 'None'})`; }
}
