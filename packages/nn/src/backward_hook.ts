import { RuntimeError, Tensor, isFloating, zerosLike } from '@flambeau/tensor';
import { Function, type FunctionCtx, isGradEnabled } from '@flambeau/autograd';

/** One gradient per positional input or output; null for non-tensors (and unused outputs). */
export type Grads = (Tensor | null)[];

/**
 * `hook(module, gradInput, gradOutput)`, run once the gradients w.r.t. the module's inputs are
 * computed; may return replacement `gradInput` (one entry per input).
 */
export type FullBackwardHook<M = unknown> = (module: M, gradInput: Grads, gradOutput: Grads) => Grads | void;
/**
 * `hook(module, gradOutput)`, run when the gradients w.r.t. the module's outputs arrive, before
 * they flow into the module; may return replacement `gradOutput`.
 */
export type FullBackwardPreHook<M = unknown> = (module: M, gradOutput: Grads) => Grads | void;

type OnGrads = (grads: Grads) => Grads;

/**
 * Identity over tensors whose backward hands the gradients to `onGrads` (PyTorch's
 * `BackwardHookFunction`, whence the node name `BackwardHookFunctionBackward`).
 */
class BackwardHookFunction extends Function {
  static override forward(ctx: FunctionCtx, onGrads: OnGrads, ...tensors: Tensor[]): Tensor[] {
    ctx.onGrads = onGrads;
    return tensors;
  }
  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): Grads {
    return [null, ...(ctx.onGrads as OnGrads)(grads)];
  }
}

/**
 * PyTorch's `torch.utils.hooks.BackwardHook`, one per module call: wraps the inputs and the
 * outputs in identity Functions; the outputs' node records `gradOutput` (running the pre-hooks),
 * the inputs' node calls the hooks with both.
 */
export class BackwardHook<M> {
  private gradOutputs: Grads | null = null;
  private nInputs = 0;
  /** Positions of the inputs that went through the identity Function (null: none requires grad). */
  private inputIdx: number[] | null = null;

  constructor(
    private readonly module: M,
    private readonly hooks: FullBackwardHook<M>[],
    private readonly preHooks: FullBackwardPreHook<M>[],
  ) {}

  /** Tensors of `args` that require grad go through the identity Function; returns the new args and their positions. */
  private wrap(args: unknown[], onGrads: OnGrads): [unknown[], number[] | null] {
    const idx = args.flatMap((a, i) => (a instanceof Tensor && a.requiresGrad ? [i] : []));
    if (idx.length === 0 || !isGradEnabled()) return [args, null];
    const outs = BackwardHookFunction.apply<Tensor[]>(onGrads, ...idx.map((i) => args[i]));
    const res = [...args];
    idx.forEach((i, k) => { res[i] = outs[k]; });
    return [res, idx];
  }

  setupInputHook(args: unknown[]): unknown[] {
    this.nInputs = args.length;
    const [res, idx] = this.wrap(args, (grads) => this.onInputGrads(args, grads));
    this.inputIdx = idx;
    return res;
  }

  /**
   * Inputs that do not require grad get zeros, as PyTorch's identity Function materialises their
   * (non-differentiable) gradients; non-tensors get null.
   */
  private onInputGrads(args: unknown[], grads: Grads): Grads {
    const idx = this.inputIdx as number[];
    // Gradients reaching the inputs without passing through the outputs (double backward).
    if (this.gradOutputs === null) return grads;
    let res: Grads = args.map((a) => (a instanceof Tensor && isFloating(a.dtype) ? zerosLike(a) : null));
    idx.forEach((i, k) => { res[i] = grads[k]; });
    for (const hook of this.hooks) {
      const out = hook(this.module, res, this.gradOutputs);
      if (out === undefined) continue;
      if (out.length !== res.length) {
        throw new RuntimeError(`Backward hook returned an invalid number of grad_input, got ${out.length}, but expected ${res.length}`);
      }
      res = out;
    }
    this.gradOutputs = null;
    return idx.map((i) => res[i]);
  }

  /** Wraps the output (a tensor, or an array of values); `gradOutput` has one entry per element. */
  setupOutputHook<T>(result: T): T {
    const isTuple = Array.isArray(result);
    const outs: unknown[] = isTuple ? result : [result];
    // Outputs whose gradient never arrives get null (the engine would hand backward zeros):
    // hooks on the wrapped outputs note which arrive.
    const arrived = new Set<number>();
    const [res, idx] = this.wrap(outs, (grads) => this.onOutputGrads(outs.length, idx as number[], grads.map((g, k) => (arrived.has(k) ? g : null)), arrived));
    idx?.forEach((i, k) => (res[i] as Tensor).registerHook(() => { arrived.add(k); }));
    return (isTuple ? res : res[0]) as T;
  }

  private onOutputGrads(n: number, idx: number[], grads: Grads, arrived: Set<number>): Grads {
    arrived.clear();
    let gradOutputs: Grads = new Array<Tensor | null>(n).fill(null);
    idx.forEach((i, k) => { gradOutputs[i] = grads[k]; });
    for (const hook of this.preHooks) {
      const out = hook(this.module, gradOutputs);
      if (out === undefined) continue;
      if (out.length !== gradOutputs.length) {
        throw new RuntimeError(`Backward pre hook returned an invalid number of grad_output, got ${out.length}, but expected ${gradOutputs.length}`);
      }
      gradOutputs = out;
    }
    this.gradOutputs = gradOutputs;
    // No input requires grad: nothing will reach the inputs' node, so the hooks run now.
    if (this.inputIdx === null) {
      const gradInputs: Grads = new Array<Tensor | null>(this.nInputs).fill(null);
      for (const hook of this.hooks) {
        const r = hook(this.module, gradInputs, gradOutputs);
        if (r !== undefined && r.some((g) => g !== null)) {
          throw new RuntimeError('Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
        }
      }
      this.gradOutputs = null;
    }
    return idx.map((i) => gradOutputs[i]);
  }
}
