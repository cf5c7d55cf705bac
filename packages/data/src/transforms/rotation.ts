import { ValueError } from '@flambeau/tensor';
import { type Fill, type InterpolationMode, rotate } from './geometric.js';
import { type ImageOrTensor, uniformItem } from './raster.js';
import { Transform } from './transform.js';

export interface RandomRotationOptions {
  interpolation?: InterpolationMode;
  expand?: boolean;
  center?: readonly number[];
  fill?: Fill;
}

/**
 * `RandomRotation(degrees, interpolation=NEAREST, expand=False, center=None, fill=0)`: the angle is
 * `torch.empty(1).uniform_(d0, d1)` from the default generator; rotation uses torchvision's tensor
 * algorithm for Images too.
 */
export class RandomRotation extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'RandomRotation';
  readonly degrees: [number, number];
  constructor(degrees: number | readonly [number, number], readonly opts: RandomRotationOptions = {}) {
    super(degrees, opts);
    if (typeof degrees === 'number') {
      if (degrees < 0) throw new ValueError('If degrees is a single number, it must be positive.');
      this.degrees = [-degrees, degrees];
    } else {
      if (degrees.length !== 2) throw new ValueError('If degrees is a sequence, it must be of len 2.');
      this.degrees = [degrees[0], degrees[1]];
    }
  }
  static getParams(degrees: readonly number[]): number { return uniformItem(degrees[0], degrees[1]); }
  forward(img: ImageOrTensor): ImageOrTensor {
    const angle = RandomRotation.getParams(this.degrees);
    return rotate(img, angle, this.opts.interpolation ?? 'nearest', this.opts.expand ?? false, this.opts.center, this.opts.fill ?? 0);
  }
  override toString(): string { return `RandomRotation(degrees=[${this.degrees.join(', ')}], interpolation=${this.opts.interpolation ?? 'nearest'}, expand=${this.opts.expand ? 'True' : 'False'}, fill=${this.opts.fill ?? 0})`; }
}
