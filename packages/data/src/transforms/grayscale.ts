import { type Args, declare, parseArgs } from '@flambeau/tensor';
import { rgbToGrayscale } from './color.js';

const GRAYSCALE = declare('transforms.Grayscale', 'Grayscale(int numOutputChannels=1)');
import type { ImageOrTensor } from './raster.js';
import { Transform } from './transform.js';

/**
 * `Grayscale(num_output_channels=1)`: Images convert like PIL's `convert('L')`, tensors use
 * torchvision's `0.2989 R + 0.587 G + 0.114 B`.
 */
export class Grayscale extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'Grayscale';
  readonly numOutputChannels: number;
  constructor(...args: Args<[numOutputChannels: number], { numOutputChannels?: number }>) {
    super(...args);
    ({ numOutputChannels: this.numOutputChannels } = parseArgs(GRAYSCALE, args));
  }
  forward(img: ImageOrTensor): ImageOrTensor { return rgbToGrayscale(img, this.numOutputChannels); }
  override toString(): string { return `Grayscale(num_output_channels=${this.numOutputChannels})`; }
}
