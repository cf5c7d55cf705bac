import { type Tensor, fromStorage, keep } from '@flambeau/tensor';
import { isGradEnabled } from './grad_mode.js';
import { AccumulateGrad, type Edge, type Node, outputNr, stateOf } from './node.js';

/**
 * Adds `g` into `t.grad`. The first gradient is copied so that `.grad` owns its memory (a backward
 * formula may return a broadcast view or the same tensor to several inputs) unless the engine
 * hands it over (`handOver`: dense, held by nothing else); later ones are added in place, or out
 * of place under `createGraph` so the sum stays differentiable.
 */
function accumulate(t: Tensor, g: Tensor, handOver: boolean): void {
  // A leaf's gradient outlives any `tidy` scope the backward pass runs in.
  if (t.grad === null) t.grad = keep(handOver ? ownTensor(g) : g.clone());
  else if (isGradEnabled()) t.grad = keep(t.grad.add(g));
  else t.grad.add_(g);
}

/** `g` as a tensor of its own: a view (of temporaries since freed) becomes a plain tensor on its storage. */
function ownTensor(g: Tensor): Tensor {
  return g._base === null ? g : fromStorage(g.storage, g.shape);
}

/** The AccumulateGrad node of a leaf that requires grad (created once, then cached). */
export function accumulateNode(t: Tensor): AccumulateGrad {
  const s = stateOf(t);
  return (s.acc ??= new AccumulateGrad(t, accumulate));
}

/** Where the gradient of `t` flows: its producing node, its AccumulateGrad, or nowhere. */
export function gradEdge(t: Tensor): Edge | null {
  if (!t.requiresGrad) return null;
  if (t.gradFn) return { node: t.gradFn as Node, nr: outputNr(t) };
  return { node: accumulateNode(t), nr: 0 };
}
