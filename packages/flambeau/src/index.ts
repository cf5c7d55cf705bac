/**
 * Flambeau — PyTorch for TypeScript. The umbrella package re-exports the pieces so a ported
 * script reads like PyTorch:
 *
 * @example
 * import { torch, nn, optim, data, type Tensor } from 'flambeau';
 * torch.manualSeed(0);
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
 */
import * as tensorNs from '@flambeau/tensor';
import * as autograd from '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import * as data from '@flambeau/data';

/**
 * The `torch` namespace: tensor creation and ops, grad-mode helpers (`torch.noGrad`), and the
 * sub-namespaces PyTorch hangs off it (`torch.nn`, `torch.optim`, `torch.autograd`, `torch.utils.data`).
 */
export const torch = {
  ...tensorNs,
  noGrad: autograd.noGrad,
  enableGrad: autograd.enableGrad,
  setGradEnabled: autograd.setGradEnabled,
  isGradEnabled: autograd.isGradEnabled,
  inferenceMode: autograd.inferenceMode,
  /** `torch.save(obj, path, metadata?)`: a module or state dict, streamed as safetensors (atomic and durable). */
  save: nn.save,
  /** `torch.load(path)`: a safetensors state dict (`{ metadata: true }` adds `__metadata__`); PyTorch pickle `.pt` files are refused with an explanation. */
  load: nn.load,
  autograd,
  nn,
  optim,
  utils: { data },
};

export { autograd, nn, optim, data };
export type { Tensor, DType, Device } from '@flambeau/tensor';
