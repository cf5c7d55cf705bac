import { type Args, type Attrs, type Tensor, IndexError, declare, parseArgs, RuntimeError, ValueError, deviceCheck, lazyDetail, dispatch1, dtypeTitle, isFloating, where } from '@flambeau/tensor';
import { divScalar, reduceLoss } from './loss_ops.js';
import { LEGACY, type LegacyReduction, type LegacyTail, parseLoss } from './legacy_reduction.js';
import { logSoftmax } from './activation.js';
import { torchSize } from '../module.js';

export type { LegacyReduction, LegacyTail } from './legacy_reduction.js';

/** How a loss combines per-element values (`reduction=`). */
export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(reduction: string): void {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') throw new ValueError(`${reduction} is not a valid value for reduction`);
}

const MSE = declare('F.mseLoss', `mse_loss(Tensor input, Tensor target, ${LEGACY})`);
const L1 = declare('F.l1Loss', `l1_loss(Tensor input, Tensor target, ${LEGACY})`);
const SMOOTH_L1 = declare('F.smoothL1Loss', `smooth_l1_loss(Tensor input, Tensor target, ${LEGACY}, float beta=1.0)`);
const HUBER = declare('F.huberLoss', 'huber_loss(Tensor input, Tensor target, str reduction="mean", float delta=1.0)');
const NLL = declare('F.nllLoss', 'nll_loss(Tensor input, Tensor target, Tensor? weight=None, bool? sizeAverage=None, int ignoreIndex=-100, bool? reduce=None, str reduction="mean")');
const CROSS_ENTROPY = declare('F.crossEntropy', 'cross_entropy(Tensor input, Tensor target, Tensor? weight=None, bool? sizeAverage=None, int ignoreIndex=-100, bool? reduce=None, str reduction="mean", float labelSmoothing=0.0)');
const BCE = declare('F.binaryCrossEntropy', `binary_cross_entropy(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY})`);
const BCE_LOGITS = declare('F.binaryCrossEntropyWithLogits', `binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight=None, ${LEGACY}, Tensor? posWeight=None)`);
const KL_DIV = declare('F.klDiv', `kl_div(Tensor input, Tensor target, ${LEGACY}, bool logTarget=False)`);

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  checkReduction(reduction);
  return reduceLoss(loss, reduction);
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.ndim === b.ndim && a.shape.every((s, i) => s === b.shape[i]);
}

/** `F.mse_loss(input, target, reduction='mean')`: (x − y)². */
export function mseLoss(input: Tensor, target: Tensor, ...rest: Args<LegacyTail, LegacyReduction>): Tensor {
  return lossOp('mseLoss', [input, target], parseLoss(MSE, [input, target, ...rest]).reduction);
}

/** `F.l1_loss(input, target, reduction='mean')`: |x − y| (a composite in PyTorch too: `MeanBackward0`). */
export function l1Loss(input: Tensor, target: Tensor, ...rest: Args<LegacyTail, LegacyReduction>): Tensor {
  return reduce(input.sub(target).abs(), parseLoss(L1, [input, target, ...rest]).reduction);
}

/** `F.smooth_l1_loss(input, target, reduction='mean', beta=1.0)`: quadratic below beta, linear above. */
export function smoothL1Loss(input: Tensor, target: Tensor, ...rest: Args<[...LegacyTail, beta: number], LegacyReduction & { beta?: number }>): Tensor {
  const { reduction, beta } = parseLoss(SMOOTH_L1, [input, target, ...rest]);
  if (beta < 0) throw new RuntimeError('smooth_l1_loss does not support negative values for beta.');
  return lossOp('smoothL1Loss', [input, target], reduction, { beta });
}

/** `F.huber_loss(input, target, reduction='mean', delta=1.0)`: ½d² below delta, delta·(|d| − ½delta) above. */
export function huberLoss(input: Tensor, target: Tensor, ...rest: Args<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>): Tensor {
  const { reduction, delta } = parseArgs(HUBER, [input, target, ...rest]);
  if (delta <= 0) throw new RuntimeError(`huber_loss does not support non-positive values for delta.`);
  return lossOp('huberLoss', [input, target], reduction, { delta });
}

/** Runs one of the fused loss ops of loss_ops.ts; `extras` counts the optional tensors after the target. */
function lossOp(op: string, inputs: Tensor[], reduction: Reduction = 'mean', attrs: Attrs = {}): Tensor {
  checkReduction(reduction);
  return dispatch1(op, inputs, { ...attrs, reduction, extras: inputs.length - 2 });
}

export interface NLLOptions extends LegacyReduction {
  /** Per-class rescaling weight, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this are skipped (no loss, no gradient, not counted in the mean). */
  ignoreIndex?: number;
}
/** `nll_loss`'s positional tail: PyTorch's `weight, size_average, ignore_index, reduce, reduction`. */
export type NLLTail = [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction];

function checkClassTarget(input: Tensor, target: Tensor, weight: Tensor | null | undefined): number {
  if (input.ndim < 1) throw new ValueError(`Expected 1 or more dimensions (got ${input.ndim})`);
  if (target.dtype !== 'int64') throw new RuntimeError(`expected scalar type Long but found ${dtypeTitle(target.dtype)}`);
  if (input.ndim !== 1 && input.shape[0] !== target.shape[0]) {
    throw new ValueError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`);
  }
  const expected = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (target.ndim !== expected.length || target.shape.some((s, i) => s !== expected[i])) {
    if (input.ndim <= 2) throw new RuntimeError(`0D or 1D target tensor expected, multi-target not supported`);
    throw new RuntimeError(`Expected target size [${expected.join(', ')}], got [${target.shape.join(', ')}]`);
  }
  const C = input.shape[input.ndim === 1 ? 0 : 1];
  if (weight && (weight.ndim !== 1 || weight.numel() !== C)) {
    throw new RuntimeError(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`);
  }
  return C;
}

/** The first target out of range: the detail of the bounds check. */
const firstBadTarget = (t: Tensor, bad: Tensor) => t.gather(0, bad.to('int64').argmax().reshape([1]));

/** Validates class indices on the device; the message names the first target out of range. */
function checkTargetBounds(target: Tensor, C: number, ignoreIndex: number): void {
  if (target.numel() === 0) return;
  const t = target.reshape([-1]);
  const bad = t.ne(ignoreIndex).logicalAnd(t.lt(0).logicalOr(t.ge(C)));
  deviceCheck(bad.any().logicalNot(), ([v]) => new IndexError(`Target ${v} is out of bounds.`), lazyDetail(firstBadTarget, t, bad));
}

/**
 * `F.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean')` on log-probabilities
 * [C], [N, C] or [N, C, d1, …]; the weighted mean divides by the summed weights of the counted targets.
 */
export function nllLoss(input: Tensor, target: Tensor, ...rest: Args<NLLTail, NLLOptions>): Tensor {
  const { weight, ignoreIndex, reduction } = parseLoss(NLL, [input, target, ...rest]) as { weight: Tensor | null; ignoreIndex: number; reduction: Reduction };
  checkReduction(reduction);
  const C = checkClassTarget(input, target, weight);
  checkTargetBounds(target, C, ignoreIndex);
  const attrs = { reduction, ignoreIndex, hasWeight: !!weight };
  const inputs = (x: Tensor, t: Tensor) => (weight ? [x, t, weight] : [x, t]);
  if (input.ndim === 3 || input.ndim > 4) {
    // PyTorch runs these as the 2-D kernel over [N, C, 1, rest] and views the result back.
    const [N, Cn] = input.shape;
    const out = dispatch1('nllLoss', inputs(input.contiguous().view([N, Cn, 1, -1]), target.contiguous().view([N, 1, -1])), attrs);
    return reduction === 'none' ? out.view([N, ...input.shape.slice(2)]) : out;
  }
  return dispatch1('nllLoss', inputs(input, target), attrs);
}

export interface CrossEntropyOptions extends NLLOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. */
  labelSmoothing?: number;
}

/**
 * `F.cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)`:
 * log-softmax over the class dim then NLL. `target` holds class indices (int64, shape without the
 * class dim) or class probabilities (float, same shape as input).
 *
 * @example
 * F.crossEntropy(torch.randn(3, 5), torch.tensor([1, 0, 4])); // scalar loss
 */
export function crossEntropy(input: Tensor, target: Tensor, ...rest: Args<[...NLLTail, labelSmoothing: number], CrossEntropyOptions>): Tensor {
  const a = parseLoss(CROSS_ENTROPY, [input, target, ...rest]);
  const { labelSmoothing: ls, reduction, ignoreIndex } = a as { labelSmoothing: number; reduction: Reduction; ignoreIndex: number };
  checkReduction(reduction);
  if (ls < 0 || ls > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim];
  const weight = a.weight as Tensor | null;
  const logp = logSoftmax(input, classDim);
  const wView = (w: Tensor): Tensor => (input.ndim > 1 ? w.view(input.shape.map((s, i) => (i === classDim ? C : 1))) : w);

  if (sameShape(input, target)) {
    if (!isFloating(target.dtype)) throw new RuntimeError(`Expected floating point type for target with class probabilities, got ${dtypeTitle(target.dtype)}`);
    if (weight && (weight.ndim !== 1 || weight.numel() !== C)) {
      throw new RuntimeError(`cross_entropy: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight.shape.join(', ')}]`);
    }
    const t = ls > 0 ? target.mul(1 - ls).add(ls / C) : target;
    let prod = logp.mul(t);
    if (weight) prod = prod.mul(wView(weight));
    if (reduction === 'none') return prod.sum(classDim).neg();
    if (reduction === 'sum') return prod.sum().neg();
    return divScalar(prod.sum().neg(), input.numel() / C);
  }

  const nll = nllLoss(logp, target, { weight, ignoreIndex, reduction });
  if (ls === 0) return nll;
  const ignored = target.eq(ignoreIndex);
  const smooth = (weight ? logp.mul(wView(weight)) : logp).sum(classDim).neg().maskedFill(ignored, 0);
  let ret: Tensor;
  if (reduction === 'none') ret = smooth;
  else if (reduction === 'sum') ret = smooth.sum();
  else if (weight) ret = smooth.sum().div(weight.to(logp.dtype).indexSelect(0, target.maskedSelect(ignored.logicalNot()).reshape(-1)).sum());
  else ret = smooth.sum().div(ignored.logicalNot().sum());
  return nll.mul(1 - ls).add(ret.mul(ls / C));
}

/**
 * `F.binary_cross_entropy(input, target, weight=None, reduction='mean')` on probabilities; each log
 * is clamped at −100 as in PyTorch, so 0 and 1 give finite losses.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...rest: Args<[weight: Tensor | null, ...LegacyTail], LegacyReduction & { weight?: Tensor | null }>): Tensor {
  const { weight, reduction } = parseLoss(BCE, [input, target, ...rest]) as { weight: Tensor | null; reduction: Reduction };
  if (!sameShape(input, target)) {
    throw new ValueError(`Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  if (input.numel() > 0) deviceCheck(input.ge(0).logicalAnd(input.le(1)).all(), () => new RuntimeError('all elements of input should be between 0 and 1'));
  return lossOp('binaryCrossEntropy', weight ? [input, target, weight] : [input, target], reduction);
}

/**
 * `F.binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None)`:
 * sigmoid + BCE in PyTorch's numerically stable form (log-sum-exp with max(−x, 0)).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[weight: Tensor | null, ...LegacyTail, posWeight: Tensor | null], LegacyReduction & { weight?: Tensor | null; posWeight?: Tensor | null }>
): Tensor {
  const { weight, posWeight, reduction } = parseLoss(BCE_LOGITS, [input, target, ...rest]) as { weight: Tensor | null; posWeight: Tensor | null; reduction: Reduction };
  if (!sameShape(input, target)) {
    throw new ValueError(`Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`);
  }
  const extras = [weight, posWeight].filter((t): t is Tensor => !!t);
  return lossOp('binaryCrossEntropyWithLogits', [input, target, ...extras], reduction, { hasWeight: !!weight, hasPosWeight: !!posWeight });
}

/**
 * `F.kl_div(input, target, reduction='mean', log_target=False)`: input holds log-probabilities;
 * `'batchmean'` divides the sum by the batch size (the mathematically correct KL).
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction | 'batchmean', logTarget: boolean], Omit<LegacyReduction, 'reduction'> & { reduction?: Reduction | 'batchmean'; logTarget?: boolean }>
): Tensor {
  const { reduction, logTarget } = parseLoss(KL_DIV, [input, target, ...rest]);
  // xlogy(t, t): 0 where t == 0, so zero-probability targets contribute nothing.
  const loss = logTarget
    ? target.exp().mul(target.sub(input))
    : where(target.eq(0), 0, target.mul(target.log())).sub(target.mul(input));
  if (reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, reduction);
}
