import { type Args, type Declaration, type Tensor, ValueError, declare, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';
import { dropout } from '../functional/dropout.js';
import { pyFloat } from '../repr.js';

const DROPOUT = declare('nn.Dropout', 'Dropout(float p=0.5, bool inplace=False)');

/** A dropout layer's `p` and `inplace`, with PyTorch's range check on `p` (`_DropoutNd`). */
export function parseDropout(decl: Declaration, args: readonly unknown[]): { p: number; inplace: boolean } {
  const a = parseArgs(decl, args);
  if (a.p < 0 || a.p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${a.p}`);
  return { p: a.p, inplace: a.inplace };
}

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
  readonly p: number;
  readonly inplace: boolean;
  constructor(...args: Args<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    ({ p: this.p, inplace: this.inplace } = parseDropout(DROPOUT, args));
  }
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}
