import { type OpImpl, type OpResult, type Tensor, broadcastView, fromStorage } from '@flambeau/tensor';
import { type KernelHost, WebGPUStorage } from '../storage.js';
import { matmul } from './matmul.js';

/**
 * `addmm(bias, mat1, mat2)` — what `F.linear`/`nn.Linear` run with a bias — as one GEMM whose
 * store adds the bias (PyTorch's cuBLAS epilogue), instead of a matmul then a broadcast add. The
 * product is rounded to f32 before the bias is added, as in the composite, so values match it.
 * Other dtypes, ranks and a bias that does not broadcast to [M, N] run the composite.
 */
function onHost(host: KernelHost, t: Tensor): boolean {
  return t.dtype === 'float32' && t.storage instanceof WebGPUStorage && t.storage.backend === (host as unknown) && t.storage.hostScalar === undefined;
}

function addmm(host: KernelHost, bias: Tensor, m1: Tensor, m2: Tensor): Tensor {
  const M = m1.shape[0], N = m2.shape[1];
  const view3 = (t: Tensor) => ({ storage: t.storage, dtype: t.dtype, shape: [1, ...t.shape], strides: [0, ...t.strides], offset: t.offset });
  const out = matmul(host, view3(m1), view3(m2), 'float32', broadcastView(bias, [M, N]));
  return fromStorage(out, [M, N]);
}

/** Whether `bias` broadcasts to [M, N] (PyTorch's rule, from the trailing dim). */
function broadcastsTo(bias: Tensor, M: number, N: number): boolean {
  const target = [M, N];
  return bias.ndim <= 2 && bias.shape.every((s, i) => s === 1 || s === target[2 - bias.ndim + i]);
}

/** The bias + GEMM override, keyed by the registry's op name. */
export function linearKernels(host: KernelHost): Record<'addmm', OpImpl> {
  return {
    addmm: (inputs, attrs, fallback): OpResult => {
      const [bias, m1, m2] = inputs;
      const fits = m1.ndim === 2 && m2.ndim === 2 && m1.shape[1] === m2.shape[0] && m1.numel() > 0 && m2.numel() > 0 &&
        inputs.every((t) => onHost(host, t)) && broadcastsTo(bias, m1.shape[0], m2.shape[1]);
      return fits ? addmm(host, bias, m1, m2) : fallback(inputs, attrs, fallback);
    },
  };
}
