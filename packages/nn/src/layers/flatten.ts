import type { Tensor } from '@flambeau/tensor';
import { Module } from '../module.js';

/**
 * `nn.Flatten(start_dim=1, end_dim=-1)`: keeps the batch dim by default.
 *
 * @example
 * new nn.Flatten()(torch.zeros(64, 64, 4, 4)).shape; // [64, 1024]
 */
export class Flatten extends Module {
  static override readonly __name__: string = 'Flatten';
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
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
  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    this.unflattenedSize = [...unflattenedSize];
  }
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    const s = this.unflattenedSize;
    return `dim=${this.dim}, unflattened_size=(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
  }
}
