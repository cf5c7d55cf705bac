/**
 * The `torch` namespace: tensor creation and ops, grad-mode helpers (`torch.noGrad`),
 * `torch.save`/`torch.load`, and the sub-namespaces PyTorch hangs off it (`torch.nn`,
 * `torch.optim`, `torch.autograd`, `torch.utils.data`). Re-exports, so every function keeps the
 * documentation of its own package.
 *
 * @example
 * import { torch } from 'flambeau';
 * const x = torch.rand(2, 3, { requiresGrad: true });
 * torch.noGrad(() => x.mul(2));
 */
export * from '@flambeau/tensor';
/** `torch.dtype`, the class of `torch.float32` and its kin. */
export { Dtype as dtype } from '@flambeau/tensor';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode } from '@flambeau/autograd';
export { save, load } from '@flambeau/nn';
export * as autograd from '@flambeau/autograd';
export * as nn from '@flambeau/nn';
export * as optim from '@flambeau/optim';
export * as utils from './torch_utils.js';
/** `torch.cuda`: no CUDA here, so `device = torch.cuda.isAvailable() ? 'cuda' : 'cpu'` ports unchanged (use `@flambeau/backend-webgpu` for a GPU). */
export const cuda = {
  /** `torch.cuda.is_available()`: always false. */
  isAvailable: (): boolean => false,
  /** `torch.cuda.device_count()`: 0. */
  deviceCount: (): number => 0,
};
/** `torch.backends`: `torch.backends.mps.isAvailable()` is always false. */
export const backends = {
  mps: { isAvailable: (): boolean => false, isBuilt: (): boolean => false },
};
