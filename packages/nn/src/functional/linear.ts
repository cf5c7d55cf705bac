import { type Args, type Tensor, RuntimeError, declare, parseArgs } from '@flambeau/tensor';
import { addmm } from './linear_ops.js';

const LINEAR = declare('F.linear', 'linear(Tensor input, Tensor weight, Tensor? bias=None)');
const BILINEAR = declare('F.bilinear', 'bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias=None)');

/**
 * `F.linear(input, weight, bias=None)`: `input @ weight.T + bias` over any leading dims.
 *
 * @example
 * F.linear(torch.randn(64, 576), torch.randn(128, 576)).shape; // [64, 128]
 */
export function linear(input: Tensor, weight: Tensor, ...rest: Args<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor {
  const { bias } = parseArgs(LINEAR, [input, weight, ...rest]) as { bias: Tensor | null };
  const k = input.shape[input.ndim - 1];
  const inF = weight.ndim === 2 ? weight.shape[1] : weight.shape[0];
  if (input.ndim >= 1 && weight.ndim >= 1 && k !== inF) {
    // PyTorch folds the leading dims into rows before the matrix product and reports that shape.
    const rows = input.ndim === 1 ? 1 : input.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const wt = weight.ndim === 2 ? `${weight.shape[1]}x${weight.shape[0]}` : `${weight.shape[0]}x1`;
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${k} and ${wt})`);
  }
  // PyTorch 1.13's dispatch, which decides the printed grad_fn: addmm for 2-D input with a bias,
  // addmm over the folded rows then a view for contiguous 3-D input, else matmul (+ bias).
  if (bias !== null && weight.ndim === 2) {
    if (input.ndim === 2) return addmm(bias, input, weight.t());
    if (input.ndim === 3 && input.isContiguous()) {
      const [a, b, c] = input.shape;
      return addmm(bias, input.view([a * b, c]), weight.t()).view([a, b, weight.shape[0]]);
    }
  }
  const out = input.matmul(weight.t());
  return bias === null ? out : out.add(bias);
}

/**
 * `F.bilinear(input1, input2, weight, bias=None)`: `y[..., o] = Σ x1[..., i] W[o, i, j] x2[..., j] + b[o]`.
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, ...rest: Args<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor {
  const { bias } = parseArgs(BILINEAR, [input1, input2, weight, ...rest]) as { bias: Tensor | null };
  if (input1.ndim !== input2.ndim) {
    throw new RuntimeError(`bilinear(): input dimensions do not match: got ${input1.ndim} and ${input2.ndim}`);
  }
  for (let i = 0; i < input1.ndim - 1; i++) {
    if (input1.shape[i] !== input2.shape[i]) {
      throw new RuntimeError(`bilinear(): input batch dimensions do not match: got ${input1.shape[i]} and ${input2.shape[i]}`);
    }
  }
  if (input1.shape[input1.ndim - 1] !== weight.shape[1]) {
    throw new RuntimeError(`bilinear(): input1 size does not match weight size: got ${input1.shape[input1.ndim - 1]} but expected ${weight.shape[1]}`);
  }
  if (input2.shape[input2.ndim - 1] !== weight.shape[2]) {
    throw new RuntimeError(`bilinear(): input2 size does not match weight size: got ${input2.shape[input2.ndim - 1]} but expected ${weight.shape[2]}`);
  }
  // [..., 1, 1, in1] @ [out, in1, in2] -> [..., out, 1, in2]; then · x2 over in2.
  const lead = input1.shape.slice(0, -1) as number[];
  const x1 = input1.reshape([-1, 1, 1, weight.shape[1]]);
  const x2 = input2.reshape([-1, 1, weight.shape[2], 1]);
  const out = x1.matmul(weight).matmul(x2).reshape([...lead, weight.shape[0]]);
  return bias === null ? out : out.add(bias);
}
