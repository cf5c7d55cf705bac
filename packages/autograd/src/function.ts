import { RuntimeError, Tensor, isFloating } from '@flambeau/tensor';
import { isGradEnabled, noGrad } from './grad_mode.js';
import { type Node, type SavedVar, stateOf } from './node.js';
import { recordNode } from './record.js';

/** The `ctx` of a custom Function: what forward leaves for backward. */
export class FunctionCtx {
  [key: string]: unknown;
  /** For each argument of `apply`, whether it is a tensor that needs a gradient. */
  needsInputGrad: boolean[] = [];
  /** Set by `apply`, once the node exists. */
  _node: Node | null = null;
  private toSave: Tensor[] = [];
  private saved: SavedVar[] | null = null;

  /** `ctx.save_for_backward(*tensors)`: tensors backward reads, checked for in-place changes. */
  saveForBackward(...tensors: Tensor[]): void {
    this.toSave = tensors;
  }

  /** `ctx.saved_tensors`. */
  get savedTensors(): Tensor[] {
    if (!this.saved) return [];
    return this.saved.map((v) => this._node!.unpack(v));
  }

  /** Called by `apply` after forward: saves with the versions tensors have now. */
  _commit(node: Node): void {
    this._node = node;
    this.saved = this.toSave.map((t) => node.save(t, t.gradFn));
    this.toSave = [];
  }
}

type FunctionClass = {
  name: string;
  forward(ctx: FunctionCtx, ...args: unknown[]): Tensor | Tensor[];
  backward(ctx: FunctionCtx, ...grads: Tensor[]): Tensor | null | undefined | (Tensor | null | undefined)[];
};

/**
 * `torch.autograd.Function`: subclass with static `forward(ctx, ...args)` and
 * `backward(ctx, ...gradOutputs)` (one gradient per forward argument, null for non-tensors), then
 * call `MyFn.apply(...args)`. Forward runs without recording; the result gets one node
 * `<ClassName>Backward`.
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

  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Tensor | null | undefined | (Tensor | null | undefined)[] {
    throw new RuntimeError('You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.');
  }

  static apply<T extends Tensor | Tensor[] = Tensor>(this: FunctionClass, ...args: unknown[]): T {
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
    const result = noGrad(() => this.forward(ctx, ...args));
    const list = Array.isArray(result) ? result : [result];
    const tensorArgs = args.filter((a): a is Tensor => a instanceof Tensor);
    if (!isGradEnabled() || !ctx.needsInputGrad.some(Boolean)) return result as T;
    // An input returned as is becomes a new alias, so the input keeps its own history.
    const outs = list.map((o) => (tensorArgs.includes(o) ? noGrad(() => o.view(o.shape as number[])) : o));
    const argPos = args.map((a, i) => (a instanceof Tensor ? i : -1)).filter((i) => i >= 0);
    const node = recordNode(`${this.name}Backward`, tensorArgs, outs, (grads) => {
      const r = this.backward(ctx, ...grads);
      const list = Array.isArray(r) ? r : [r];
      if (list.length !== args.length) {
        throw new RuntimeError(`function ${this.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`);
      }
      return argPos.map((i) => list[i]);
    });
    ctx._commit(node);
    // Outputs are new tensors to autograd even when forward built them as views of its temporaries.
    for (const o of outs) if (o._base !== null) stateOf(o).viewRoot = null;
    for (const o of outs) if (!isFloating(o.dtype)) o._setRequiresGrad(false);
    return (Array.isArray(result) ? outs : outs[0]) as T;
  }
}
