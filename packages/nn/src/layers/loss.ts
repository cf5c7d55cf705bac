import type { Tensor } from '@flambeau/tensor';
import { Module } from '../module.js';
import * as F from '../functional/loss.js';
import type { Reduction } from '../functional/loss.js';

/** Base of the losses (`nn.modules.loss._Loss`): holds `reduction`. */
export class _Loss extends Module {
  static override readonly __name__: string = '_Loss';
  readonly reduction: Reduction;
  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
}

/** Losses with a per-class `weight`, registered as a buffer as in PyTorch (`_WeightedLoss`). */
export class _WeightedLoss extends _Loss {
  static override readonly __name__: string = '_WeightedLoss';
  declare weight: Tensor | null;
  constructor(opts: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
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
  override forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, { reduction: this.reduction }); }
}

/** `nn.L1Loss(reduction='mean')`. */
export class L1Loss extends _Loss {
  static override readonly __name__: string = 'L1Loss';
  override forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, { reduction: this.reduction }); }
}

/** `nn.SmoothL1Loss(reduction='mean', beta=1.0)`. */
export class SmoothL1Loss extends _Loss {
  static override readonly __name__: string = 'SmoothL1Loss';
  readonly beta: number;
  constructor(opts: { reduction?: Reduction; beta?: number } = {}) {
    super(opts);
    this.beta = opts.beta ?? 1.0;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** `nn.HuberLoss(reduction='mean', delta=1.0)`. */
export class HuberLoss extends _Loss {
  static override readonly __name__: string = 'HuberLoss';
  readonly delta: number;
  constructor(opts: { reduction?: Reduction; delta?: number } = {}) {
    super(opts);
    this.delta = opts.delta ?? 1.0;
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
  constructor(opts: F.CrossEntropyOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** `nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')` on log-probabilities. */
export class NLLLoss extends _WeightedLoss {
  static override readonly __name__: string = 'NLLLoss';
  readonly ignoreIndex: number;
  constructor(opts: F.NLLOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** `nn.BCELoss(weight=None, reduction='mean')` on probabilities. */
export class BCELoss extends _WeightedLoss {
  static override readonly __name__: string = 'BCELoss';
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** `nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)` on logits. */
export class BCEWithLogitsLoss extends _Loss {
  static override readonly __name__: string = 'BCEWithLogitsLoss';
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(opts: { weight?: Tensor | null; reduction?: Reduction; posWeight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
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
  constructor(opts: { reduction?: F.Reduction | 'batchmean'; logTarget?: boolean } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.logTarget = opts.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
