/**
 * `@flambeau/autograd` — reverse-mode automatic differentiation for `@flambeau/tensor`, PyTorch's
 * `torch.autograd`. Importing the package installs it: ops on tensors that require grad record a
 * graph, and `loss.backward()` fills `.grad`.
 *
 * @example
 * import * as torch from '@flambeau/tensor';
 * import '@flambeau/autograd';
 * const w = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
 * w.mul(w).sum().backward();
 * String(w.grad); // tensor([2., 4., 6.])
 *
 * @module @flambeau/autograd
 */
import { type Tensor, RuntimeError, installAutogradHooks } from '@flambeau/tensor';
import { backward } from './engine.js';
import { accumulateNode } from './edges.js';
import { installAutograd } from './interceptor.js';
import { type Hook, type Node, outputNr, stateOf } from './node.js';
import './formulas/elementwise.js';
import './formulas/reduce.js';
import './formulas/views.js';
import './formulas/matmul.js';
import './formulas/indexing.js';
import './formulas/join.js';
import './formulas/conv.js';

function registerHook(t: Tensor, fn: Hook): () => void {
  if (!t.requiresGrad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  const node = t.gradFn ? (t.gradFn as Node) : accumulateNode(t);
  return node.addPreHook(t.gradFn ? outputNr(t) : 0, fn);
}

function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
  if (t.gradFn === null) return;
  const s = stateOf(t);
  if (s.retainsGrad) return;
  s.retainsGrad = true;
  (t.gradFn as Node).addPreHook(outputNr(t), (g) => {
    t.grad = t.grad === null ? g.clone() : t.grad.add(g);
  });
}

installAutograd();
installAutogradHooks({
  backward: (t, gradient, opts) => backward([t], gradient === undefined ? undefined : [gradient], opts),
  retainGrad,
  registerHook,
});

export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode, isInferenceModeEnabled, withGradEnabled } from './grad_mode.js';
export { backward, grad } from './engine.js';
export type { BackwardOptions, GradOptions } from './engine.js';
export { Function, FunctionCtx } from './function.js';
export { gradcheck, gradgradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from './anomaly.js';
export { registerFormula, getFormula } from './registry.js';
export type { Formula, SavedContext, SaveSpec } from './registry.js';
export { Node, AccumulateGrad } from './node.js';
export { mmGradOfSecond } from './formulas/util.js';
export type { Edge, TensorMeta } from './node.js';
