import { type InterpolationMode, resize } from './geometric.js';
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
  constructor(readonly size: number | readonly number[], opts: { interpolation?: InterpolationMode; maxSize?: number } = {}) {
    super(size, opts);
    this.interpolation = opts.interpolation ?? 'bilinear';
    this.maxSize = opts.maxSize;
  }
  forward(img: ImageOrTensor): ImageOrTensor { return resize(img, this.size, this.interpolation, this.maxSize); }
  override toString(): string { return `Resize(size=${JSON.stringify(this.size)}, interpolation=${this.interpolation}, max_size=${this.maxSize ?? 'None'})`; }
}
