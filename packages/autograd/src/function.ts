import { RuntimeError, Tensor, isFloating } from '@flambeau/tensor';
import { isGradEnabled, noGrad } from './grad_mode.js';
import { checkInplace, rebaseView } from './inplace.js';
import { type Node, type SavedVar, stateOf, viewBase } from './node.js';
import { recordNode } from './record.js';

/** The `ctx` of a custom Function: what forward leaves for backward. */
export class FunctionCtx {
  [key: string]: unknown;
  /**
   * `ctx.needs_input_grad`: for each argument of `apply`, whether it is a tensor that requires
   * grad while grad mode is on (all false under `noGrad`).
   */
  needsInputGrad: boolean[] = [];
  /** Set by `apply`, once the node exists. */
  _node: Node | null = null;
  /** Whether missing output gradients reach backward as zeros (`ctx.set_materialize_grads`). */
  _materializeGrads = true;
  _dirty: Tensor[] = [];
  _nonDifferentiable: Tensor[] = [];
  private toSave: Tensor[] = [];
  private saved: SavedVar[] | null = null;

  /** `ctx.save_for_backward(*tensors)`: tensors backward reads, checked for in-place changes. */
  saveForBackward(...tensors: Tensor[]): void {
    this.toSave = tensors;
  }

  /**
   * `ctx.mark_dirty(*tensors)`: inputs forward modified in place. Each must be returned; it then
   * is that output itself, with this Function as its history (its base's, if it is a view).
   */
  markDirty(...tensors: Tensor[]): void {
    this._dirty = tensors;
  }

  /**
   * `ctx.mark_non_differentiable(*outputs)`: these outputs do not require grad; backward still gets
   * a gradient for each (zeros).
   */
  markNonDifferentiable(...outputs: Tensor[]): void {
    this._nonDifferentiable = outputs;
  }

  /** `ctx.set_materialize_grads(value)`: with false, gradients of unused outputs reach backward as null, not zeros. */
  setMaterializeGrads(value: boolean): void {
    this._materializeGrads = value;
  }

  /** `ctx.saved_tensors`. */
  get savedTensors(): Tensor[] {
    if (!this.saved) return [];
    return this.saved.map((v) => this._node!.unpack(v));
  }

  /** Called by `apply` after forward: saves with the versions tensors have now. */
  _commit(node: Node, outputs: readonly Tensor[]): void {
    this._node = node;
    node.materializeGrads = this._materializeGrads;
    this.saved = this.toSave.map((t) => node.save(t, outputs.includes(t)));
    this.toSave = [];
  }
}

type FunctionClass = {
  name: string;
  forward(ctx: FunctionCtx, ...args: unknown[]): Tensor | Tensor[];
  backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): Tensor | null | undefined | (Tensor | null | undefined)[];
};

/**
 * `torch.autograd.Function`: subclass with static `forward(ctx, ...args)` and
 * `backward(ctx, ...gradOutputs)` (one gradient per forward argument, null for non-tensors), then
 * call `MyFn.apply(...args)`. Forward runs without recording; the result gets one node
 * `<ClassName>Backward`. In-place Functions mark the inputs they modify with `ctx.markDirty`.
 *
 * @example
 * class Exp extends Function {
 *   static forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static backward(ctx: FunctionCtx, g: Tensor) { const [y] = ctx.savedTensors; return g.mul(y); }
 * }
 * const y = Exp.apply(x);
 */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new RuntimeError('You must implement the forward function for custom autograd.Function.');
  }

  static backward(_ctx: FunctionCtx, ..._grads: (Tensor | null)[]): Tensor | null | undefined | (Tensor | null | undefined)[] {
    throw new RuntimeError('You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.');
  }

  static apply<T extends Tensor | Tensor[] = Tensor>(this: FunctionClass, ...args: unknown[]): T {
    const ctx = new FunctionCtx();
    const executable = isGradEnabled();
    ctx.needsInputGrad = args.map((a) => executable && a instanceof Tensor && a.requiresGrad);
    const result = noGrad(() => this.forward(ctx, ...args));
    const list = Array.isArray(result) ? result : [result];
    const dirty = ctx._dirty;
    if (dirty.some((t) => !list.includes(t))) {
      throw new RuntimeError('Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.');
    }
    // As PyTorch, marking dirty counts as a modification: earlier saves of these tensors are stale.
    for (const t of dirty) t._version.value++;
    const tensorArgs = args.filter((a): a is Tensor => a instanceof Tensor);
    if (!ctx.needsInputGrad.some(Boolean)) return result as T;
    for (const t of dirty) {
      if (viewBase(t) !== null) checkInplace(t);
      else if (t.requiresGrad && t.gradFn === null) throw new RuntimeError('a leaf Variable that requires grad has been used in an in-place operation.');
    }
    // Outputs that are inputs get an alias for the node: an unmodified input keeps its own history,
    // and a modified view is rebased onto its base after the node exists.
    const outs = list.map((o) => (tensorArgs.includes(o) && (!dirty.includes(o) || viewBase(o) !== null) ? noGrad(() => o.view(o.shape as number[])) : o));
    const argPos = args.map((a, i) => (a instanceof Tensor ? i : -1)).filter((i) => i >= 0);
    const node = recordNode(`${this.name}Backward`, tensorArgs, outs, (grads) => {
      const r = this.backward(ctx, ...grads);
      const list = Array.isArray(r) ? r : [r];
      if (list.length !== args.length) {
        throw new RuntimeError(`function ${this.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`);
      }
      return argPos.map((i) => list[i]);
    });
    outs.forEach((o, i) => {
      const out = list[i];
      if (dirty.includes(out) && o !== out) {
        rebaseView(out, viewBase(out)!, o);
        outs[i] = out;
        return;
      }
      // Outputs are new tensors to autograd even when forward built them as views of its temporaries.
      if (o._base !== null && !dirty.includes(out)) stateOf(o).viewRoot = null;
      if (!isFloating(o.dtype) || ctx._nonDifferentiable.includes(out)) {
        o.gradFn = null;
        o._setRequiresGrad(false);
      }
    });
    ctx._commit(node, outs);
    return (Array.isArray(result) ? outs : outs[0]) as T;
  }
}
