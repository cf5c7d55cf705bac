import { type Args, ValueError, declare, parseArgs, randperm } from '@flambeau/tensor';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './color.js';
import { type ImageOrTensor, uniformItem } from './raster.js';
import { Transform } from './transform.js';

type Range = number | readonly [number, number];

const COLOR_JITTER = declare('transforms.ColorJitter', 'ColorJitter(float[] brightness=0, float[] contrast=0, float[] saturation=0, float[] hue=0)');

function checkInput(value: Range | undefined, name: string, center = 1, bound: [number, number] = [0, Infinity], clipFirstOnZero = true): [number, number] | null {
  if (value === undefined) return null;
  let v: [number, number];
  if (typeof value === 'number') {
    if (value < 0) throw new ValueError(`If ${name} is a single number, it must be non negative.`);
    v = [center - value, center + value];
    if (clipFirstOnZero) v[0] = Math.max(v[0], 0);
  } else {
    if (!(bound[0] <= value[0] && value[0] <= value[1] && value[1] <= bound[1])) throw new ValueError(`${name} values should be between [${bound.join(', ')}]`);
    v = [value[0], value[1]];
  }
  return v[0] === v[1] && v[0] === center ? null : v;
}

/**
 * `ColorJitter(brightness=0, contrast=0, saturation=0, hue=0)`: the order (`torch.randperm(4)`)
 * and factors (`uniform_`) are drawn from the default generator as torchvision draws them;
 * adjustments use torchvision's tensor formulas.
 */
export class ColorJitter extends Transform<ImageOrTensor, ImageOrTensor> {
  static override readonly __name__: string = 'ColorJitter';
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  readonly hue: [number, number] | null;
  constructor(...args: Args<[brightness: Range, contrast: Range, saturation: Range, hue: Range], { brightness?: Range; contrast?: Range; saturation?: Range; hue?: Range }>) {
    super(...args);
    const opts = parseArgs(COLOR_JITTER, args);
    this.brightness = checkInput(opts.brightness, 'brightness');
    this.contrast = checkInput(opts.contrast, 'contrast');
    this.saturation = checkInput(opts.saturation, 'saturation');
    this.hue = checkInput(opts.hue, 'hue', 0, [-0.5, 0.5], false);
  }
  /** `ColorJitter.get_params`: [order, b, c, s, h]. */
  static getParams(b: [number, number] | null, c: [number, number] | null, s: [number, number] | null, h: [number, number] | null): [number[], ...(number | null)[]] {
    const order = Array.from(randperm(4, { device: 'cpu' }).dataSync());
    const draw = (r: [number, number] | null) => (r === null ? null : uniformItem(r[0], r[1]));
    const bf = draw(b), cf = draw(c), sf = draw(s), hf = draw(h);
    return [order, bf, cf, sf, hf];
  }
  forward(img: ImageOrTensor): ImageOrTensor {
    const [order, b, c, s, h] = ColorJitter.getParams(this.brightness, this.contrast, this.saturation, this.hue);
    for (const fn of order) {
      if (fn === 0 && b !== null) img = adjustBrightness(img, b);
      else if (fn === 1 && c !== null) img = adjustContrast(img, c);
      else if (fn === 2 && s !== null) img = adjustSaturation(img, s);
      else if (fn === 3 && h !== null) img = adjustHue(img, h);
    }
    return img;
  }
  override toString(): string {
    const r = (v: [number, number] | null) => (v ? `(${v.join(', ')})` : 'None');
    return `ColorJitter(brightness=${r(this.brightness)}, contrast=${r(this.contrast)}, saturation=${r(this.saturation)}, hue=${r(this.hue)})`;
  }
}
