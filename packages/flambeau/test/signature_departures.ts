/**
 * Where Flambeau's parameter lists deliberately differ from PyTorch 1.13's, with the reason: the
 * one place the signature test (signatures.test.ts) reads its exceptions from.
 */

/** PyTorch parameters Flambeau functions do not take (unless a declaration names them), and why. */
export const NEVER_DECLARED: Record<string, string> = {
  out: 'no out= tensors: every op returns a fresh tensor (in-place forms end in _)',
  layout: 'one layout: strided',
  pin_memory: 'no pinned host memory in JavaScript',
  memory_format: 'one memory format: contiguous',
  _stacklevel: 'private to PyTorch (warning stack depth)',
};

/**
 * Per function, with the reason:
 * - `missing`: PyTorch parameters it does not take yet (trailing ones, so positions still agree);
 * - `loose`: parameters whose kind (positional / keyword-only / required) differs, PyTorch's overloads merged into one list;
 * - `extra`: parameters from another PyTorch overload merged into this list.
 */
export const DEPARTURES: Record<string, { reason: string; missing?: string[]; loose?: string[]; extra?: string[] }> = {
  'nn.LSTM': { reason: 'recurrent layers are created on the default device in float32, then moved with .to()', missing: ['device', 'dtype'] },
  'nn.GRU': { reason: 'no projections (PyTorch raises for GRU too); created on the default device in float32', missing: ['proj_size', 'device', 'dtype'] },
  'nn.RNN': { reason: 'no projections (PyTorch raises for RNN too); created on the default device in float32', missing: ['proj_size', 'device', 'dtype'] },
  'nn.RNNCell': { reason: 'cells are created on the default device in float32', missing: ['device', 'dtype'] },
  'nn.LSTMCell': { reason: 'cells are created on the default device in float32', missing: ['device', 'dtype'] },
  'nn.GRUCell': { reason: 'cells are created on the default device in float32', missing: ['device', 'dtype'] },
  'F.maxPool2d': { reason: 'return_indices changes the return type: maxPool2dWithIndices is that form, typed', missing: ['return_indices'] },
  'F.maxPool1d': { reason: 'return_indices changes the return type: maxPool1dWithIndices is that form, typed', missing: ['return_indices'] },
  'F.softmax': { reason: 'dtype comes after the private _stacklevel in PyTorch: by name only here', loose: ['dtype'] },
  'F.logSoftmax': { reason: 'dtype comes after the private _stacklevel in PyTorch: by name only here', loose: ['dtype'] },
  'F.softmin': { reason: 'dtype comes after the private _stacklevel in PyTorch: by name only here', loose: ['dtype'] },
  'Tensor.var': { reason: "PyTorch's var(dim, unbiased, keepdim), var(unbiased) and var(dim, *, correction, keepdim) in one list", loose: ['dim', 'correction'], extra: ['correction'] },
  'Tensor.std': { reason: "PyTorch's std(dim, unbiased, keepdim), std(unbiased) and std(dim, *, correction, keepdim) in one list", loose: ['dim', 'correction'], extra: ['correction'] },
  'Tensor.prod': { reason: "PyTorch's prod(dim, keepdim, dtype) and prod(*, dtype) in one list", loose: ['dim'] },
  'Tensor.sort': { reason: "PyTorch's sort(dim, descending) and sort(*, stable, dim, descending) in one list; the sort is always stable", extra: ['stable'] },
  'optim.SGD': { reason: 'no differentiable optimizer steps', missing: ['differentiable'] },
  'optim.Adam': { reason: 'no CUDA-graph capture, differentiable steps or fused kernels', missing: ['capturable', 'differentiable', 'fused'] },
  'optim.AdamW': { reason: 'no CUDA-graph capture', missing: ['capturable'] },
  'optim.RMSprop': { reason: 'no differentiable optimizer steps', missing: ['differentiable'] },
  'torch.arange': { reason: "Python's arange(end) form: a lone positional is the end, so end is optional", loose: ['end'] },
  'torch.rand': { reason: "PyTorch's rand(*size, requires_grad) and rand(size, *, generator) overloads in one list", extra: ['generator'] },
  'torch.randn': { reason: "PyTorch's randn(*size, requires_grad) and randn(size, *, generator) overloads in one list", extra: ['generator'] },
  'torch.randLike': { reason: 'a generator for the draw, as rand(); PyTorch 1.13 has none here', extra: ['generator'] },
  'torch.randnLike': { reason: 'a generator for the draw, as randn(); PyTorch 1.13 has none here', extra: ['generator'] },
  'torch.fullLike': { reason: "the docstring's list (full_like(input, fill_value, *, …, requires_grad)) is misread by the generator; the ATen one lacks requires_grad", extra: ['requiresGrad'] },
  'torch.normal': { reason: "PyTorch's normal(mean, std, size, *, generator, dtype, device) with requires_grad as the other factories", extra: ['requiresGrad'] },
  'torch.randint': { reason: "Python's randint(low=0, high, size): a lone bound is the high one (resolved before binding); the generator is optional and the dtype defaults to int64 when None", loose: ['generator', 'dtype'], extra: ['requiresGrad'] },
};
