import { type Args, ValueError, declare, parseArgs } from '@flambeau/tensor';
import { type Fill, type InterpolationMode, rotate } from './geometric.js';
import { type ImageOrTensor, uniformItem } from './raster.js';
import { Transform } from './transform.js';

const ROTATION = declare('transforms.RandomRotation', 'RandomRotation(float[] degrees, str interpolation="nearest", bool expand=False, float[]? center=None, Fill fill=0)');

export interface RandomRotationOptions {
  interpolation?: InterpolationMode;
  expand?: boolean;
  center?: readonly number[] | null;
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
  readonly opts: Required<RandomRotationOptions>;
  constructor(
    degrees: number | readonly [number, number],
    ...rest: Args<[interpolation: InterpolationMode, expand: boolean, center: readonly number[] | null, fill: Fill], RandomRotationOptions>
  ) {
    super(degrees, ...rest);
    this.opts = parseArgs(ROTATION, [degrees, ...rest]) as Required<RandomRotationOptions>;
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
    return rotate(img, angle, this.opts.interpolation ?? 'nearest', this.opts.expand, this.opts.center ?? undefined, this.opts.fill);
  }
  override toString(): string { return `RandomRotation(degrees=[${this.degrees.join(', ')}], interpolation=${this.opts.interpolation ?? 'nearest'}, expand=${this.opts.expand ? 'True' : 'False'}, fill=${this.opts.fill ?? 0})`; }
}
