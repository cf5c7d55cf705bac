import { type Tensor, ValueError } from '@flambeau/tensor';
import { Module } from '../module.js';
import { dropout2d } from '../functional/normalization.js';
import { pyFloat } from '../repr.js';
import { pyRepr } from './conv.js';

/**
 * `nn.Dropout2d(p=0.5, inplace=False)`: in training, zeroes whole channels with probability `p`
 * and scales the kept ones by `1 / (1 - p)`; identity in eval mode.
 *
 * @example
 * String(new nn.Dropout2d(0.2)); // 'Dropout2d(p=0.2, inplace=False)'
 */
export class Dropout2d extends Module {
  static override readonly __name__: string = 'Dropout2d';
  readonly p: number;
  readonly inplace: boolean;
  constructor(p = 0.5, opts: { inplace?: boolean } = {}) {
    super();
    if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = opts.inplace ?? false;
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
  override forward(input: Tensor): Tensor {
    const out = dropout2d(input, this.p, this.training);
    return this.inplace && out !== input ? input.copy_(out) : out;
  }
}
