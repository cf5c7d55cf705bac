import { type Tensor, isFloating } from '@flambeau/tensor';
import { isAnomalyEnabled } from './anomaly.js';
import { gradEdge } from './edges.js';
import { type BackwardFn, Node, metaOf, stateOf } from './node.js';

/**
 * Creates the node for one recorded call and makes it the history of the floating-point outputs.
 * Edges and metadata are taken from `inputs` now, so later in-place rebasing does not change them.
 */
export function recordNode(name: string, inputs: readonly Tensor[], outputs: readonly Tensor[], fn: BackwardFn): Node {
  const node = new Node(
    name,
    inputs.map(gradEdge),
    inputs.map((t) => (t.requiresGrad ? metaOf(t) : null)),
    outputs.map(metaOf),
    fn,
  );
  if (isAnomalyEnabled()) node.trace = new Error().stack ?? null;
  outputs.forEach((o, i) => {
    if (!isFloating(o.dtype)) return;
    o.gradFn = node;
    o._setRequiresGrad(true);
    if (i !== 0 || o._autograd !== undefined) stateOf(o).outputNr = i;
  });
  return node;
}
