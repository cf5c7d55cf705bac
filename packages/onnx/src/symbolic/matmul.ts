import { Linear, NonDynamicallyQuantizableLinear } from '@flambeau/nn';
import { registerModule, registerOp } from '../registry.js';
import type { Tensor } from '@flambeau/tensor';
import type { Operand } from '../graph.js';

registerOp('matmul', (g, c) => g.op('MatMul', [c.inputs[0].name, c.inputs[1].name]));

// addmm(bias, mat1, mat2) = bias + mat1 @ mat2 (beta = alpha = 1 as nn uses it).
registerOp('addmm', (g, c) => {
  const [bias, a, b] = c.inputs;
  const beta = (c.attrs.beta as number | undefined) ?? 1;
  const alpha = (c.attrs.alpha as number | undefined) ?? 1;
  return g.op('Gemm', [a.name, b.name, bias.name], { alpha: { float: alpha }, beta: { float: beta } });
});

/**
 * Linear as torch.onnx writes it: Gemm(x, W, b, transB=1) for 2-D inputs, MatMul + Add otherwise
 * (with the weight transposed at export under `doConstantFolding`).
 */
registerModule([Linear, NonDynamicallyQuantizableLinear], (g, c) => {
  const x = c.inputs[0];
  if (x.shape.length === 2) {
    const w = c.param('weight') as Operand;
    const b = c.param('bias');
    return g.op('Gemm', b ? [x.name, w.name, b.name] : [x.name, w.name], { transB: 1 });
  }
  let wt: string;
  if (g.fold) {
    const w = c.tensor('weight') as Tensor;
    const [out, inp] = w.shape;
    const v = g.read(w);
    const t = new Float64Array(v.length);
    for (let i = 0; i < out; i++) for (let j = 0; j < inp; j++) t[j * out + i] = v[i * inp + j];
    wt = g.freshName(`onnx::MatMul_${c.path === '' ? '' : `${c.path}.`}weight`);
    g.initializer(wt, w.dtype, [inp, out], t);
  } else {
    wt = g.op('Transpose', [(c.param('weight') as Operand).name], { perm: [1, 0] });
  }
  const y = g.op('MatMul', [x.name, wt]);
  const b = c.param('bias');
  return b ? g.op('Add', [y, b.name]) : y;
});
