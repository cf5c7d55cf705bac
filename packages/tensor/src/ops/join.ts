import { type Attrs, defineOp, dispatch1 } from '../dispatcher.js';
import { RuntimeError } from '../errors.js';
import { fmtShape, normDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { opResultType } from './elementwise.js';
import { commonBackend } from './util.js';
import { zeros } from './creation.js';

/** `torch.cat(tensors, dim)`: 1-D empty tensors are skipped, as PyTorch's legacy rule. */
defineOp('primitive', 'cat(Tensor[] tensors, int dim=0) -> Tensor', (inputs, { dim }: Attrs) => {
  if (inputs.length === 0) throw new RuntimeError('torch.cat(): expected a non-empty list of Tensors');
  commonBackend(inputs);
  const parts = inputs.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return inputs[0].clone();
  const ref = parts[0];
  if (ref.ndim === 0) throw new RuntimeError(`zero-dimensional tensor (at position 0) cannot be concatenated`);
  const d = normDim(dim as number, ref.ndim);
  const dtype = opResultType(...parts);
  let total = 0;
  parts.forEach((t, k) => {
    if (t.ndim !== ref.ndim) {
      throw new RuntimeError(`Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    }
    for (let i = 0; i < t.ndim; i++) {
      if (i !== d && t.shape[i] !== ref.shape[i]) {
        throw new RuntimeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[i]} but got size ${t.shape[i]} for tensor number ${k} in the list.`);
      }
    }
    total += t.shape[d];
  });
  const shape = [...ref.shape];
  shape[d] = total;
  const out = zeros(shape, { dtype, device: ref.device });
  let at = 0;
  for (const t of parts) {
    const len = t.shape[d];
    // Raw kernel writes: `cat` is one op to autograd and tracing, not a chain of copies.
    if (len > 0) out.backend.copyInto(sliceView(out, d, at, len), t.dtype === dtype ? t : t.to(dtype));
    at += len;
  }
  return out;
});

function sliceView(t: Tensor, d: number, start: number, len: number) {
  const shape = [...t.shape];
  shape[d] = len;
  return { storage: t.storage, dtype: t.dtype, shape, strides: t.strides, offset: t.offset + start * t.strides[d] };
}

/** `torch.stack(tensors, dim)`. */
defineOp('composite', 'stack(Tensor[] tensors, int dim=0) -> Tensor', (inputs, { dim }: Attrs) => {
  if (inputs.length === 0) throw new RuntimeError('stack expects a non-empty TensorList');
  const ref = inputs[0];
  inputs.forEach((t, k) => {
    if (t.shape.length !== ref.shape.length || t.shape.some((s, i) => s !== ref.shape[i])) {
      throw new RuntimeError(`stack expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${k}`);
    }
  });
  const d = normDim(dim as number, ref.ndim + 1);
  return dispatch1('cat', inputs.map((t) => t.unsqueeze(d)), { dim: d });
});

/** `t.unbind(dim)`: the slices along `dim`, as views (one op, so autograd records `UnbindBackward0`). */
defineOp('view', 'unbind(Tensor self, int dim=0) -> Tensor[]', ([x], { dim }: Attrs) => {
  const d = normDim(dim as number, x.ndim);
  return [...Array(x.shape[d]).keys()].map((i) => x.select(d, i));
});

/** `t.split(size | sizes, dim)`: views. */
defineOp('view', 'split(Tensor self, int[] splitSize, int dim=0) -> Tensor[]', ([x], { splitSize, dim }: Attrs) => {
  if (x.ndim === 0) throw new RuntimeError('split expects at least a 1-dimensional tensor');
  const d = normDim(dim as number, x.ndim);
  const size = x.shape[d];
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize < 0) throw new RuntimeError(`split expects split_size be non-negative, but got split_size=${splitSize}`);
    if (splitSize === 0 && size !== 0) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
    sizes = [];
    for (let s = 0; s < size || (size === 0 && sizes.length === 0); s += splitSize || 1) sizes.push(Math.min(splitSize, size - s));
  } else {
    sizes = splitSize as number[];
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== size) {
      throw new RuntimeError(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=${fmtShape(sizes)}`);
    }
  }
  const out: Tensor[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(x.narrow(d, at, s));
    at += s;
  }
  return out;
});

