import { defineOp, dispatch1, type Tensor } from '@flambeau/tensor';
import { mmGradOfSecond, registerFormula } from '@flambeau/autograd';
import { sumTo } from './loss_ops.js';

/**
 * `torch.addmm(bias, mat1, mat2)`: `bias + mat1 @ mat2`, what `F.linear` runs on 2-D input with a
 * bias (hence PyTorch's `AddmmBackward0`). The product is rounded before the bias is added, as
 * the matmul + add it replaces.
 */
defineOp('composite', 'addmm(Tensor self, Tensor mat1, Tensor mat2) -> Tensor', ([bias, mat1, mat2]) => mat1.matmul(mat2).add(bias));

registerFormula('addmm', {
  name: 'AddmmBackward0',
  save: (needs) => ({ inputs: [...(needs[2] ? [1] : []), ...(needs[1] ? [2] : [])] }),
  backward: ([g], c) => [
    c.needs[0] ? sumTo(g, c.inputs[0].shape) : null,
    c.needs[1] ? g.matmul(c.input(2).mT) : null,
    c.needs[2] ? mmGradOfSecond(c.input(1), g, c.inputs[2]) : null,
  ],
});

export function addmm(bias: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  return dispatch1('addmm', [bias, mat1, mat2]);
}
