import { type Args, type Tensor, declare, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';
import { type InterpolateMode, type InterpolateTail, interpolate } from '../functional/interpolate.js';
import { pyFloat } from '../repr.js';
import { pyRepr } from './conv.js';

const UPSAMPLE = declare('nn.Upsample', 'Upsample(int[]? size=None, float[]? scaleFactor=None, str mode="nearest", bool? alignCorners=None, bool? recomputeScaleFactor=None)');

export interface UpsampleOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  /** Default `'nearest'`. */
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

/**
 * `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None)`.
 *
 * @example
 * String(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' })); // 'Upsample(scale_factor=2.0, mode=bilinear)'
 */
export class Upsample extends Module {
  static override readonly __name__: string = 'Upsample';
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;
  constructor(...args: Args<InterpolateTail extends [...infer P, unknown] ? P : never, UpsampleOptions>) {
    super();
    ({ size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor } = parseArgs(UPSAMPLE, args));
  }
  override extraRepr(): string {
    const sf = this.scaleFactor;
    const info = sf !== null ? `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')})`}` : `size=${pyRepr(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
  override forward(input: Tensor): Tensor {
    return interpolate(input, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor });
  }
}
