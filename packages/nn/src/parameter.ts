import { Tensor, empty } from '@flambeau/tensor';

/**
 * A tensor that is a module parameter (`torch.nn.Parameter`): assigning one to a module field
 * registers it, and it requires grad by default. It shares `data`'s storage and is a leaf.
 *
 * @example
 * const w = new nn.Parameter(torch.randn(3, 4));
 * String(w); // 'Parameter containing:\ntensor([[...]], requires_grad=True)'
 */
export class Parameter extends Tensor {
  constructor(data?: Tensor, requiresGrad = true) {
    const d = data ?? empty(0);
    super(d.storage, d.shape, d.strides, d.offset, null);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * Points `t` at `src`'s data in place (PyTorch's `t.data = src`), so that a parameter keeps its
 * identity (optimizers hold it) when a module is moved or cast.
 */
export function setData(t: Tensor, src: Tensor): void {
  t._setData(src);
}
