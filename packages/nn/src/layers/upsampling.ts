import type { Tensor } from '@flambeau/tensor';
import { Module } from '../module.js';
import { type InterpolateMode, interpolate } from '../functional/interpolate.js';
import { pyFloat } from '../repr.js';
import { pyRepr } from './conv.js';

export interface UpsampleOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  /** Default `'nearest'`. */
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
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
  constructor(opts: UpsampleOptions = {}) {
    super();
    this.size = opts.size ?? null;
    this.scaleFactor = opts.scaleFactor ?? null;
    this.mode = opts.mode ?? 'nearest';
    this.alignCorners = opts.alignCorners ?? null;
  }
  override extraRepr(): string {
    const sf = this.scaleFactor;
    const info = sf !== null ? `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')})`}` : `size=${pyRepr(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
  override forward(input: Tensor): Tensor {
    return interpolate(input, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }
}
