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
  dirty_view: (a, wt) => {
    const b = a.clone();
    const v = b.index(slice(1));
    const other = b.index(slice(null, 2));
    MulInPlace.apply(v, 3.0);
    return { loss: b.mul(wt).sum().add(other.mul(other).sum()), gradFns: { v: name(v), b: name(b), other: name(other) } };
  },
  non_differentiable: (x, wt) => {
    const [v, i] = SortWithIndex.apply<Tensor[]>(x);
    return { loss: v.mul(wt).sum(), gradFns: { v: name(v), i: name(i) } };
  },
  no_materialize: (x) => {
    const [, q] = Split2.apply<Tensor[]>(x);
    return { loss: q.sum(), gradFns: {} };
  },

  sibling_rows: (a, wt) => {
    const b = a.clone();
    const [v1, v2] = [b.index(0), b.index(1)];
    v1.mul_(2);
    return { loss: v2.mul(wt).sum(), gradFns: { v2: name(v2), v1: name(v1), b: name(b) } };
  },
  overlap_column: (a, wt) => {
    const b = a.clone();
    const [v1, v2] = [b.index(0), b.index(slice(), 1)];
    v1.mul_(2);
    return { loss: v2.mul(wt).sum(), gradFns: { v2: name(v2) } };
  },
  overlap_rows_exp: (a, wt) => {
    const b = a.mul(1);
    const [v1, v2] = [b.index(slice(0, 2)), b.index(slice(1, 3))];
    v1.exp_();
    return { loss: v2.mul(wt).sum(), gradFns: { v2: name(v2) } };
  },
  base_inplace: (a, wt) => {
    const b = a.clone();
    const v2 = b.index(1);
    b.mul_(3);
    return { loss: v2.mul(wt).sum(), gradFns: { v2: name(v2), b: name(b) } };
  },
  nested_view: (a, src) => {
    const b = a.clone();
    const v2 = b.index(1).index(slice(1));
    b.index(slice(), 1).copy_(src.mul(src));
    return { loss: v2.mul(v2).sum(), gradFns: { v2: name(v2) } };
  },
  two_writes: (a, wt) => {
    const b = a.clone();
    const [v1, v2] = [b.index(0), b.index(slice(), 0)];
    v2.add_(1);
    v1.mul_(v1.detach().add(1));
    return { loss: v1.mul(wt.index(0)).sum().add(v2.mul(wt.index(slice(), 0)).sum()), gradFns: { v1: name(v1), v2: name(v2) } };
  },
  nograd_base: (x, wt) => {
    const b = torch.zeros(2, 3);
    const v2 = b.index(1);
    b.index(1).copy_(x.mul(2));
    return { loss: v2.mul(wt).sum(), gradFns: { v2: name(v2) } };
  },
};
