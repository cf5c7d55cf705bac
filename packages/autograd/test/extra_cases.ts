import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import { Function, type FunctionCtx } from '@flambeau/autograd';

/** What a case reports: its scalar loss and the `gradFn` names PyTorch reports for the same tensors. */
export interface Outcome {
  loss: Tensor;
  gradFns: Record<string, string | null>;
}

const name = (t: Tensor) => t.gradFn?.name ?? null;
const { slice } = torch;

/** x *= k in place, marked dirty; saves the modified x. */
export class MulInPlace extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor, k: number) {
    x.mul_(k);
    ctx.markDirty(x);
    ctx.saveForBackward(x);
    ctx.k = k;
    return x;
  }
  static override backward(ctx: FunctionCtx, g: Tensor) {
    void ctx.savedTensors;
    return [g.mul(ctx.k as number), null];
  }
}

/** Sorted values and their (float) positions; the positions are not differentiable. */
class SortWithIndex extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor) {
    const { values, indices } = x.sort();
    const i = indices.to(x.dtype);
    ctx.markNonDifferentiable(i);
    ctx.saveForBackward(i);
    return [values, i];
  }
  static override backward(ctx: FunctionCtx, gv: Tensor, gi: Tensor) {
    const [i] = ctx.savedTensors;
    return torch.zerosLike(gv).scatter(0, i.long(), gv.add(gi));
  }
}

/** (2x, 3x) without materialized gradients: an unused output's gradient is null. */
export class Split2 extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor) {
    ctx.setMaterializeGrads(false);
    return [x.mul(2), x.mul(3)];
  }
  static override backward(_ctx: FunctionCtx, g1: Tensor | null, g2: Tensor | null) {
    let r = torch.zerosLike((g1 ?? g2)!);
    if (g1) r = r.add(g1.mul(2));
    if (g2) r = r.add(g2.mul(3));
    return r;
  }
}

/** The TypeScript side of tools/gen_autograd_extra_fixtures.py, by case name. */
export const EXTRA: Record<string, (...xs: Tensor[]) => Outcome> = {
  dirty_plain: (a) => {
    const b = a.mul(1);
    const c = MulInPlace.apply(b, 3.0);
    return { loss: c.mul(c).sum(), gradFns: { c: name(c), b: name(b) } };
  },
  non_differentiable: (x, wt) => {
    const [v, i] = SortWithIndex.apply<Tensor[]>(x);
    return { loss: v.mul(wt).sum(), gradFns: { v: name(v), i: name(i) } };
  },
  no_materialize: (x) => {
    const [, q] = Split2.apply<Tensor[]>(x);
    return { loss: q.sum(), gradFns: {} };
  },
};
