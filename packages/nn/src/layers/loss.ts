import { type Args, type Tensor, declare } from '@flambeau/tensor';
import { Module } from '../module.js';
import * as F from '../functional/loss.js';
import type { NLLOptions, NLLTail, Reduction } from '../functional/loss.js';
import { LEGACY, type LegacyReduction, type LegacyTail, parseLoss } from '../functional/legacy_reduction.js';
// The bases are private in PyTorch (no signature to compare with): not listed.
const LOSS = declare('nn._Loss', `_Loss(${LEGACY})`, { listed: false });
const WEIGHTED = declare('nn._WeightedLoss', `_WeightedLoss(Tensor? weight=None, ${LEGACY})`, { listed: false });
const MSE = declare('nn.MSELoss', `MSELoss(${LEGACY})`);
const L1 = declare('nn.L1Loss', `L1Loss(${LEGACY})`);
const SMOOTH_L1 = declare('nn.SmoothL1Loss', `SmoothL1Loss(${LEGACY}, float beta=1.0)`);
const HUBER = declare('nn.HuberLoss', 'HuberLoss(str reduction="mean", float delta=1.0)');
const CROSS_ENTROPY = declare('nn.CrossEntropyLoss', 'CrossEntropyLoss(Tensor? weight=None, bool? sizeAverage=None, int ignoreIndex=-100, bool? reduce=None, str reduction="mean", float labelSmoothing=0.0)');
const NLL = declare('nn.NLLLoss', 'NLLLoss(Tensor? weight=None, bool? sizeAverage=None, int ignoreIndex=-100, bool? reduce=None, str reduction="mean")');
const BCE = declare('nn.BCELoss', `BCELoss(Tensor? weight=None, ${LEGACY})`);
const BCE_LOGITS = declare('nn.BCEWithLogitsLoss', `BCEWithLogitsLoss(Tensor? weight=None, ${LEGACY}, Tensor? posWeight=None)`);
const KL_DIV = declare('nn.KLDivLoss', `KLDivLoss(${LEGACY}, bool logTarget=False)`);

/** Base of the losses (`nn.modules.loss._Loss(size_average=None, reduce=None, reduction='mean')`): holds `reduction`. */
export class _Loss extends Module {
  static override readonly __name__: string = '_Loss';
  readonly reduction: Reduction;
  constructor(...args: Args<LegacyTail, LegacyReduction>) {
    super();
    this.reduction = parseLoss(LOSS, args).reduction;
  }
}

/** Losses with a per-class `weight`, registered as a buffer as in PyTorch (`_WeightedLoss(weight=None, …)`). */
export class _WeightedLoss extends _Loss {
  static override readonly __name__: string = '_WeightedLoss';
  declare weight: Tensor | null;
  constructor(...args: Args<[weight: Tensor | null, ...LegacyTail], LegacyReduction & { weight?: Tensor | null }>) {
    const a = parseLoss(WEIGHTED, args);
    super({ reduction: a.reduction });
    this.registerBuffer('weight', a.weight);
  }
}

/**
 * `nn.MSELoss(reduction='mean')`.
 *
 * @example
 * new nn.MSELoss()(torch.tensor([1., 2.]), torch.tensor([1., 4.])); // tensor(2.)
 */
export class MSELoss extends _Loss {
  static override readonly __name__: string = 'MSELoss';
  constructor(...args: Args<LegacyTail, LegacyReduction>) { super({ reduction: parseLoss(MSE, args).reduction }); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, { reduction: this.reduction }); }
}

/** `nn.L1Loss(reduction='mean')`. */
export class L1Loss extends _Loss {
  static override readonly __name__: string = 'L1Loss';
  constructor(...args: Args<LegacyTail, LegacyReduction>) { super({ reduction: parseLoss(L1, args).reduction }); }
  override forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, { reduction: this.reduction }); }
}

/** `nn.SmoothL1Loss(reduction='mean', beta=1.0)`. */
export class SmoothL1Loss extends _Loss {
  static override readonly __name__: string = 'SmoothL1Loss';
  readonly beta: number;
  constructor(...args: Args<[...LegacyTail, beta: number], LegacyReduction & { beta?: number }>) {
    const a = parseLoss(SMOOTH_L1, args);
    super({ reduction: a.reduction });
    this.beta = a.beta;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** `nn.HuberLoss(reduction='mean', delta=1.0)`. */
export class HuberLoss extends _Loss {
  static override readonly __name__: string = 'HuberLoss';
  readonly delta: number;
  constructor(...args: Args<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>) {
    const a = parseLoss(HUBER, args);
    super({ reduction: a.reduction });
    this.delta = a.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}

/**
 * `nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)`:
 * takes raw logits [N, C, …] and class indices or class probabilities.
 *
 * @example
 * const loss = new nn.CrossEntropyLoss();
 * loss(net(imgs), targets).backward();
 */
export class CrossEntropyLoss extends _WeightedLoss {
  static override readonly __name__: string = 'CrossEntropyLoss';
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(...args: Args<[...NLLTail, labelSmoothing: number], F.CrossEntropyOptions>) {
    const a = parseLoss(CROSS_ENTROPY, args);
    super({ weight: a.weight, reduction: a.reduction });
    this.ignoreIndex = a.ignoreIndex;
    this.labelSmoothing = a.labelSmoothing;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** `nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')` on log-probabilities. */
export class NLLLoss extends _WeightedLoss {
  static override readonly __name__: string = 'NLLLoss';
  readonly ignoreIndex: number;
  constructor(...args: Args<NLLTail, NLLOptions>) {
    const a = parseLoss(NLL, args);
    super({ weight: a.weight, reduction: a.reduction });
    this.ignoreIndex = a.ignoreIndex;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** `nn.BCELoss(weight=None, reduction='mean')` on probabilities. */
export class BCELoss extends _WeightedLoss {
  static override readonly __name__: string = 'BCELoss';
  constructor(...args: Args<[weight: Tensor | null, ...LegacyTail], LegacyReduction & { weight?: Tensor | null }>) {
    const a = parseLoss(BCE, args);
    super({ weight: a.weight, reduction: a.reduction });
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** `nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)` on logits. */
export class BCEWithLogitsLoss extends _Loss {
  static override readonly __name__: string = 'BCEWithLogitsLoss';
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(...args: Args<[weight: Tensor | null, ...LegacyTail, posWeight: Tensor | null], LegacyReduction & { weight?: Tensor | null; posWeight?: Tensor | null }>) {
    const a = parseLoss(BCE_LOGITS, args);
    super({ reduction: a.reduction });
    this.registerBuffer('weight', a.weight);
    this.registerBuffer('pos_weight', a.posWeight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

/** `nn.KLDivLoss(reduction='mean', log_target=False)`; use `reduction: 'batchmean'` for the true KL. */
export class KLDivLoss extends Module {
  static override readonly __name__: string = 'KLDivLoss';
  readonly reduction: F.Reduction | 'batchmean';
  readonly logTarget: boolean;
  constructor(...args: Args<[sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction | 'batchmean', logTarget: boolean], Omit<LegacyReduction, 'reduction'> & { reduction?: Reduction | 'batchmean'; logTarget?: boolean }>) {
    super();
    const a = parseLoss(KL_DIV, args);
    this.reduction = a.reduction;
    this.logTarget = a.logTarget;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
