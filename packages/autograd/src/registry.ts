import type { Attrs, Tensor } from '@flambeau/tensor';
import type { TensorMeta } from './node.js';

/** What a backward formula can read: saved tensors, attributes and metadata of the op's tensors. */
export interface SavedContext {
  /** Input `i` as it was at forward time (only if declared in `save.inputs`). */
  input(i: number): Tensor;
  /** Output `i` (only if declared in `save.outputs`). */
  output(i: number): Tensor;
  readonly attrs: Attrs;
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
  /** Which inputs need a gradient. */
  readonly needs: readonly boolean[];
}

export interface SaveSpec {
  inputs?: readonly number[];
  outputs?: readonly number[];
}

/**
 * A backward formula for one op, written once against tensor ops (so it runs on any backend and,
 * under `createGraph`, is itself differentiable).
 */
export interface Formula {
  /** PyTorch's node name (`MulBackward0`), or a function of the call when it varies. */
  name: string | ((inputs: readonly Tensor[], attrs: Attrs) => string);
  /** False when the formula does not cover this call (e.g. `pad` in a non-constant mode). */
  applies?(inputs: readonly Tensor[], attrs: Attrs): boolean;
  /** The tensors backward reads; only these are kept alive. May depend on which inputs need grad. */
  save?: SaveSpec | ((needs: readonly boolean[], attrs: Attrs) => SaveSpec);
  /** Gradients of the inputs (null/undefined where none) from the gradients of the outputs. */
  backward(grads: readonly Tensor[], ctx: SavedContext): (Tensor | null | undefined)[];
}

const formulas = new Map<string, Formula>();

/**
 * Registers the backward formula of an op (ops of other packages, or a replacement).
 *
 * @example
 * registerFormula('myScale', { name: 'MyScaleBackward0', backward: ([g], ctx) => [g.mul(ctx.attrs.k as number)] });
 */
export function registerFormula(op: string, formula: Formula): void {
  formulas.set(op, formula);
}

export function getFormula(op: string): Formula | undefined {
  return formulas.get(op);
}

/** Registers several formulas at once (one file per op family). */
export function registerFormulas(table: Record<string, Formula>): void {
  for (const [op, f] of Object.entries(table)) registerFormula(op, f);
}
