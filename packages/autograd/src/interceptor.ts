import { type Attrs, NotImplementedError, type OpResult, type Tensor, dispatch1, installInterceptor, isFloating } from '@flambeau/tensor';
import { isGradEnabled, noGrad } from './grad_mode.js';
import { checkInplace, inplaceCopy } from './inplace.js';
import { type Node, type SavedVar, metaOf, stateOf } from './node.js';
import { recordNode } from './record.js';
import { trackView } from './view_history.js';
import { type Formula, type SavedContext, getFormula } from './registry.js';

/** Ops whose outputs never carry gradient: run them without recording their inner ops. */
const NON_DIFFERENTIABLE = new Set([
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'logicalNot',
  'bitwiseAnd', 'bitwiseOr', 'bitwiseXor', 'bitwiseNot', 'isnan', 'isinf', 'isfinite', 'isclose',
  'argmax', 'argmin', 'nonzero', 'all', 'any', 'floorDivide', 'detach',
]);

/** Ops whose output is a view of their first input (in-place writes through them reach it). */
const VIEW_OPS = new Set(['view', 'reshape', 'permute', 'transpose', 'expand', 'squeeze', 'unsqueeze', 'slice', 'select', 'unfold', 'asStrided', 'diagonal', 'alias', 'index', 'split']);

function record(op: string, f: Formula, inputs: readonly Tensor[], attrs: Attrs, result: OpResult): OpResult {
  const list = Array.isArray(result) ? result : [result];
  if (!list.some((o) => isFloating(o.dtype))) return result;
  // An op that hands back one of its inputs gets an alias, so the input's own history is untouched.
  const outs = list.map((o) => (inputs.includes(o) ? noGrad(() => dispatch1('alias', [o])) : o));
  // A non-view op may return a view of a tensor it made internally; in-place writes to the result
  // must rebase the result itself, not that history-less internal tensor.
  if (!VIEW_OPS.has(op)) for (const o of outs) if (o._base !== null) stateOf(o).viewRoot = null;
  const needs = inputs.map((t) => t.requiresGrad);
  const spec = typeof f.save === 'function' ? f.save(needs, attrs) : (f.save ?? {});
  const name = typeof f.name === 'function' ? f.name(inputs, attrs) : f.name;
  const savedIn: SavedVar[] = [];
  const savedOut: SavedVar[] = [];
  let node: Node | null = null;
  const ctx: SavedContext = {
    input: (i) => node!.unpack(savedIn[i]),
    output: (i) => node!.unpack(savedOut[i]),
    attrs,
    inputs: inputs.map(metaOf),
    outputs: outs.map(metaOf),
    needs,
  };
  node = recordNode(name, inputs, outs, (grads) => f.backward(grads, ctx));
  node.freesGrads = true;
  for (const i of spec.inputs ?? []) savedIn[i] = node.save(inputs[i], false);
  for (const i of spec.outputs ?? []) savedOut[i] = node.save(outs[i], true);
  return Array.isArray(result) ? outs : outs[0];
}

function autogradInterceptor(op: string, inputs: readonly Tensor[], attrs: Attrs, next: () => OpResult): OpResult {
  if (op === 'detach') {
    const r = next() as Tensor;
    stateOf(r).viewRoot = null;
    return r;
  }
  if (!VIEW_OPS.has(op)) return interceptGrad(op, inputs, attrs, next);
  const r = interceptGrad(op, inputs, attrs, next);
  adoptViews(inputs[0], Array.isArray(r) ? r : [r]);
  return r;
}

/**
 * Decides which outputs of a view op are views of its input for autograd: those sharing its
 * storage. Views of a detached tensor are views of it, not of the tensor it was detached from;
 * a composite's output that views only a tensor it made internally (advanced indexing) is new.
 */
function adoptViews(input: Tensor, outputs: readonly Tensor[]): void {
  const inherited = (input._autograd as { viewRoot?: Tensor | null } | undefined)?.viewRoot;
  const recording = isGradEnabled();
  for (const t of outputs) {
    if (t._base === null || t === input) continue;
    if (t.storage !== input.storage) {
      stateOf(t).viewRoot = null;
      continue;
    }
    if (inherited !== undefined) stateOf(t).viewRoot = inherited ?? input;
    if (recording) trackView(t);
  }
}

function interceptGrad(op: string, inputs: readonly Tensor[], attrs: Attrs, next: () => OpResult): OpResult {
  if (!isGradEnabled()) return next();
  if (op === 'copy_') return inplaceCopy(inputs, attrs, next);
  if (op === 'randomFill_') {
    checkInplace(inputs[0]);
    return next();
  }
  let anyRequires = false;
  for (const t of inputs) {
    if (t.requiresGrad) {
      anyRequires = true;
      break;
    }
  }
  if (!anyRequires) return next();
  if (NON_DIFFERENTIABLE.has(op)) return noGrad(next);
  const f = getFormula(op);
  if (!f || (f.applies && !f.applies(inputs, attrs))) return markUndifferentiated(op, inputs, next());
  return record(op, f, inputs, attrs, noGrad(next));
}

/**
 * Without a formula an op is expected to be a composite whose inner ops recorded themselves. A
 * floating-point output with no history means a primitive lacks its formula: give it a node that
 * fails loudly in backward (PyTorch's NotImplemented) instead of silently dropping the gradient.
 */
function markUndifferentiated(op: string, inputs: readonly Tensor[], result: OpResult): OpResult {
  const outs = (Array.isArray(result) ? result : [result]).filter((o) => isFloating(o.dtype) && !o.requiresGrad && !inputs.includes(o));
  if (outs.length === 0) return result;
  recordNode('NotImplemented', inputs, outs, () => {
    throw new NotImplementedError(`the derivative for '${op}' is not implemented.`);
  });
  return result;
}

let installed = false;
/** Installs the autograd interceptor on the dispatcher (idempotent; done on import). */
export function installAutograd(): void {
  if (installed) return;
  installed = true;
  installInterceptor('autograd', autogradInterceptor);
}
