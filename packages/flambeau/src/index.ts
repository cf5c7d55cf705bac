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
  /** `torch.save(obj, path)`: a module or state dict, as safetensors (written atomically). */
  save: nn.save,
  /** `torch.load(path)`: the state dict saved by `torch.save`. */
  load: nn.load,
  autograd,
  nn,
  optim,
  utils: { data },
  /** `torch.cuda.is_available()`: always false, so `device = 'cuda' if torch.cuda.is_available() else 'cpu'` ports unchanged. */
  cuda: { isAvailable: (): boolean => false, deviceCount: (): number => 0 },
  /** `torch.backends.mps.is_available()`: always false. */
  backends: { mps: { isAvailable: (): boolean => false, isBuilt: (): boolean => false } },
};

export { autograd, nn, optim, data };
export type { Tensor, DType, Device } from '@flambeau/tensor';
