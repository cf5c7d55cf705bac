import { type Attrs, type DType, type Tensor, defineOp, dispatch1, shapeEq, zeros } from '@flambeau/tensor';
import { type SavedContext, registerFormula } from '@flambeau/autograd';

/**
 * The losses PyTorch runs as single ATen ops (`mse_loss`, `nll_loss`, ...), so their results print
 * `grad_fn=<MseLossBackward0>` as there. Forwards are the tensor-op compositions; backwards are
 * written with tensor ops too, so double backward works through them.
 */

type Reduction = 'mean' | 'sum' | 'none';

export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
}

/** The gradient of a reduced loss spread back over its elements. */
function unreduceLoss(g: Tensor, shape: readonly number[], reduction: Reduction): Tensor {
  if (reduction === 'none') return g;
  const e = g.expand([...shape]);
  return reduction === 'mean' ? e.div(shape.reduce((a, b) => a * b, 1)) : e;
}

/** Sums a broadcast gradient back to an operand's shape. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapeEq(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims = [...g.shape.keys()].filter((d) => d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1));
  return (dims.length > 0 ? g.sum(dims, { keepdim: true }) : g).reshape([...shape]);
}

/**
 * An elementwise loss of (input, target, ...extras): `point` gives the per-element loss, `grads`
 * the per-element gradients of each input (times the spread output gradient `ge`).
 */
function pointwiseLoss(
  signature: string,
  name: string,
  point: (inputs: readonly Tensor[], attrs: Attrs) => Tensor,
  grads: (ge: Tensor, c: SavedContext, inputs: Tensor[]) => (Tensor | null)[],
): void {
  const op = signature.slice(0, signature.indexOf('('));
  defineOp('composite', signature, (inputs, attrs) => reduceLoss(point(inputs, attrs), attrs.reduction as Reduction));
  registerFormula(op, {
    name,
    save: (_needs, attrs) => ({ inputs: [...Array(2 + Number(attrs.extras ?? 0)).keys()] }),
    backward: ([g], c) => {
      const shape = c.inputs[0].shape;
      const ge = unreduceLoss(g, shape, c.attrs.reduction as Reduction);
      const inputs = c.inputs.map((_, i) => c.input(i));
      return grads(ge, c, inputs).map((gi, i) => (gi && c.needs[i] ? sumTo(gi, c.inputs[i].shape) : null));
    },
  });
}

pointwiseLoss('mseLoss(Tensor self, Tensor target, str reduction="mean")', 'MseLossBackward0', ([x, t]) => x.sub(t).square(), (ge, _c, [x, t]) => {
  const gx = ge.mul(x.sub(t)).mul(2);
  return [gx, gx.neg()];
});

pointwiseLoss(
  'smoothL1Loss(Tensor self, Tensor target, str reduction="mean", float beta=1)',
  'SmoothL1LossBackward0',
  ([x, t], { beta }) => {
    const d = x.sub(t).abs();
    const b = beta as number;
    return b === 0 ? d : d.square().mul(0.5 / b).where(d.lt(b), d.sub(0.5 * b));
  },
  (ge, c, [x, t]) => {
    const b = c.attrs.beta as number;
    const d = x.sub(t);
    const slope = b === 0 ? d.sign() : d.div(b).where(d.abs().lt(b), d.sign());
    const gx = ge.mul(slope);
    return [gx, gx.neg()];
  },
);

pointwiseLoss(
  'huberLoss(Tensor self, Tensor target, str reduction="mean", float delta=1)',
  'HuberLossBackward0',
  ([x, t], { delta }) => {
    const d = x.sub(t).abs();
    const k = delta as number;
    return d.square().mul(0.5).where(d.lt(k), d.sub(0.5 * k).mul(k));
  },
  (ge, c, [x, t]) => {
    const k = c.attrs.delta as number;
    const d = x.sub(t);
    const gx = ge.mul(d.where(d.abs().lt(k), d.sign().mul(k)));
    return [gx, gx.neg()];
  },
);

/** log(x) and log(1 − x), each clamped at −100 as PyTorch's kernel does. */
const clampedLogs = (x: Tensor): [Tensor, Tensor] => [x.log().clamp(-100), x.neg().add(1).log().clamp(-100)];

pointwiseLoss(
  'binaryCrossEntropy(Tensor self, Tensor target, Tensor[] weights, str reduction="mean", int extras=0)',
  'BinaryCrossEntropyBackward0',
  ([x, t, w]) => {
    const [logX, log1mX] = clampedLogs(x);
    const loss = t.mul(logX).add(t.neg().add(1).mul(log1mX)).neg();
    return w ? loss.mul(w) : loss;
  },
  (ge, _c, [x, t, w]) => {
    const gw = w ? ge.mul(w) : ge;
    const [logX, log1mX] = clampedLogs(x);
    // PyTorch's epsilon keeps the gradient finite at 0 and 1.
    const gx = gw.mul(x.sub(t)).div(x.neg().add(1).mul(x).clamp(1e-12));
    const gt = gw.mul(log1mX.sub(logX));
    return [gx, gt, w ? ge.mul(t.mul(logX).add(t.neg().add(1).mul(log1mX)).neg()) : null];
  },
);

/** softplus(−x) = log(1 + e^(−x)), stable for large |x|. */
const softplusNeg = (x: Tensor): Tensor => x.neg().clamp(0).add(x.abs().neg().exp().log1p());

pointwiseLoss(
  'binaryCrossEntropyWithLogits(Tensor self, Tensor target, Tensor[] weights, str reduction="mean", bool hasWeight=False, bool hasPosWeight=False, int extras=0)',
  'BinaryCrossEntropyWithLogitsBackward0',
  ([x, t, ...rest], { hasWeight, hasPosWeight }) => {
    const w = hasWeight ? rest[0] : null;
    const pw = hasPosWeight ? rest[hasWeight ? 1 : 0] : null;
    // max(−x, 0) + log(e^(−max) + e^(−x−max)): PyTorch's form, kept for identical rounding.
    const maxVal = x.neg().clamp(0);
    const lse = maxVal.neg().exp().add(x.neg().sub(maxVal).exp()).log();
    const oneMinusT = t.neg().add(1);
    const loss = pw
      ? oneMinusT.mul(x).add(pw.sub(1).mul(t).add(1).mul(lse.add(maxVal)))
      : oneMinusT.mul(x).add(maxVal).add(lse);
    return w ? loss.mul(w) : loss;
  },
  (ge, c, [x, t, ...rest]) => {
    const w = c.attrs.hasWeight ? rest[0] : null;
    const pw = c.attrs.hasPosWeight ? rest[w ? 1 : 0] : null;
    const gw = w ? ge.mul(w) : ge;
    const sp = softplusNeg(x);
    const s = x.sigmoid();
    const gx = pw ? gw.mul(pw.mul(t).add(1).sub(t).mul(s).sub(pw.mul(t))) : gw.mul(s.sub(t));
    const gt = pw ? gw.mul(pw.sub(1).mul(sp).sub(x)) : gw.mul(x.neg());
    const logW = pw ? pw.sub(1).mul(t).add(1) : null;
    const unweighted = t.neg().add(1).mul(x).add(logW ? logW.mul(sp) : sp);
    return [gx, gt, ...(w ? [ge.mul(unweighted)] : []), ...(pw ? [gw.mul(t).mul(sp)] : [])];
  },
);

/**
 * `nll_loss` over [N, C, ...] (or [C]): the negated, weighted log-probability of each target class.
 * Targets equal to `ignoreIndex` count neither in the loss nor in the mean's divisor.
 */
function nllParts(dtype: DType, target: Tensor, weight: Tensor | undefined, ignoreIndex: number): { safe: Tensor; w: Tensor } {
  const ignored = target.eq(ignoreIndex);
  const safe = target.maskedFill(ignored, 0);
  const keep = ignored.logicalNot().to(dtype);
  const w = weight ? weight.to(dtype).indexSelect(0, safe.reshape(-1)).reshape(safe.shape as number[]).mul(keep) : keep;
  return { safe, w };
}

defineOp('composite', 'nllLoss(Tensor self, Tensor target, Tensor? weight, str reduction="mean", int ignoreIndex=-100, bool hasWeight=False) -> Tensor', ([input, target, weight], attrs) => {
  const oneD = input.ndim === 1;
  const x = oneD ? input.unsqueeze(0) : input;
  const { safe, w } = nllParts(x.dtype, oneD ? target.unsqueeze(0) : target, weight, attrs.ignoreIndex as number);
  const loss = x.gather(1, safe.unsqueeze(1)).squeeze(1).mul(w).neg();
  const reduction = attrs.reduction as Reduction;
  if (reduction === 'none') return oneD ? loss.squeeze(0) : loss;
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(w.sum());
});

registerFormula('nllLoss', {
  name: (inputs) => (inputs[0].ndim === 4 ? 'NllLoss2DBackward0' : 'NllLossBackward0'),
  save: (_needs, attrs) => ({ inputs: attrs.hasWeight ? [1, 2] : [1] }),
  backward: ([g], c) => {
    const shape = c.inputs[0].shape;
    const oneD = shape.length === 1;
    const xShape = oneD ? [1, shape[0]] : [...shape];
    const target = oneD ? c.input(1).unsqueeze(0) : c.input(1);
    const { safe, w } = nllParts(g.dtype, target, c.attrs.hasWeight ? c.input(2) : undefined, c.attrs.ignoreIndex as number);
    const reduction = c.attrs.reduction as Reduction;
    let ge = reduction === 'none' ? (oneD ? g.unsqueeze(0) : g) : g.expand([...target.shape]);
    if (reduction === 'mean') ge = ge.div(w.sum());
    const gx = zeros(xShape, { dtype: g.dtype, device: g.device }).scatter(1, safe.unsqueeze(1), ge.mul(w).neg().unsqueeze(1));
    return [oneD ? gx.reshape([...shape]) : gx, null, null];
  },
});

/** `at::div(Tensor, Scalar)`: what PyTorch's own composites divide by a number with (`DivBackward1`). */
defineOp('composite', 'divScalar(Tensor self, Scalar other) -> Tensor', ([x], { other }) => x.div(other as number));
registerFormula('divScalar', { name: 'DivBackward1', backward: ([g], c) => [g.div(c.attrs.other as number)] });

export function divScalar(x: Tensor, other: number): Tensor {
  return dispatch1('divScalar', [x], { other });
}
