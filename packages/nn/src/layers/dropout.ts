import type { Tensor } from '@flambeau/tensor';
import { Module } from '../module.js';
import { dropout } from '../functional/dropout.js';
import { pyFloat } from '../repr.js';

/**
 * `nn.Dropout(p=0.5, inplace=False)`: active in training mode, the identity after `eval()`.
 *
 * @example
 * const d = new nn.Dropout(0.2);
 * d.eval();
 * d(x) === x; // true
 */
export class Dropout extends Module {
  static override readonly __name__: string = 'Dropout';
  constructor(readonly p = 0.5, readonly inplace = false) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}
