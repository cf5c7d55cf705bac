import { type Args, type Tensor, declare, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';

const FLATTEN = declare('nn.Flatten', 'Flatten(int startDim=1, int endDim=-1)');
const UNFLATTEN = declare('nn.Unflatten', 'Unflatten(int dim, int[] unflattenedSize)');

/**
 * `nn.Flatten(start_dim=1, end_dim=-1)`: keeps the batch dim by default.
 *
 * @example
 * new nn.Flatten()(torch.zeros(64, 64, 4, 4)).shape; // [64, 1024]
 */
export class Flatten extends Module {
  static override readonly __name__: string = 'Flatten';
  readonly startDim: number;
  readonly endDim: number;
  constructor(...args: Args<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>) {
    super();
    ({ startDim: this.startDim, endDim: this.endDim } = parseArgs(FLATTEN, args));
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * `nn.Unflatten(dim, unflattened_size)`.
 *
 * @example
 * new nn.Unflatten(1, [2, 5])(torch.zeros(3, 10)).shape; // [3, 2, 5]
 */
export class Unflatten extends Module {
  static override readonly __name__: string = 'Unflatten';
  readonly unflattenedSize: readonly number[];
  readonly dim: number;
  constructor(dim: number, ...rest: [unflattenedSize: readonly number[]] | [{ unflattenedSize: readonly number[] }]) {
    super();
    const a = parseArgs(UNFLATTEN, [dim, ...rest]);
    this.dim = dim;
    this.unflattenedSize = typeof a.unflattenedSize === 'number' ? [a.unflattenedSize] : [...a.unflattenedSize];
  }
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    const s = this.unflattenedSize;
    return `dim=${this.dim}, unflattened_size=(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
  }
}
