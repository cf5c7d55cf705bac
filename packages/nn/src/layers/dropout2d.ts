import { type Args, type Tensor, declare } from '@flambeau/tensor';
import { parseDropout } from './dropout.js';
import { Module } from '../module.js';
import { dropout2d } from '../functional/normalization.js';
import { pyFloat } from '../repr.js';
import { pyRepr } from './conv.js';

const DROPOUT2D = declare('nn.Dropout2d', 'Dropout2d(float p=0.5, bool inplace=False)');

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
  constructor(...args: Args<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    ({ p: this.p, inplace: this.inplace } = parseDropout(DROPOUT2D, args));
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
  override forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training, this.inplace);
  }
}
