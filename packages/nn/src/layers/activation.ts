import type { Tensor } from '@flambeau/tensor';
import { Module } from '../module.js';
import * as F from '../functional/activation.js';
import { pyFloat } from '../repr.js';

const inplaceRepr = (inplace: boolean): string => (inplace ? 'inplace=True' : '');

/**
 * `nn.ReLU(inplace=False)`.
 *
 * @example
 * new nn.ReLU()(torch.tensor([-1, 2])); // tensor([0, 2])
 */
export class ReLU extends Module {
  static override readonly __name__: string = 'ReLU';
  constructor(readonly inplace = false) { super(); }
  override forward(input: Tensor): Tensor { return F.relu(input, this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.ReLU6(inplace=False)`: min(max(0, x), 6). */
export class ReLU6 extends Module {
  static override readonly __name__: string = 'ReLU6';
  constructor(readonly inplace = false) { super(); }
  override forward(input: Tensor): Tensor { return F.relu6(input); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.LeakyReLU(negative_slope=0.01, inplace=False)`. */
export class LeakyReLU extends Module {
  static override readonly __name__: string = 'LeakyReLU';
  constructor(readonly negativeSlope = 0.01, readonly inplace = false) { super(); }
  override forward(input: Tensor): Tensor { return F.leakyRelu(input, this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** `nn.ELU(alpha=1.0, inplace=False)`. */
export class ELU extends Module {
  static override readonly __name__: string = 'ELU';
  constructor(readonly alpha = 1.0, readonly inplace = false) { super(); }
  override forward(input: Tensor): Tensor { return F.elu(input, this.alpha); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** `nn.GELU(approximate='none')`; `'tanh'` selects the tanh approximation. */
export class GELU extends Module {
  static override readonly __name__: string = 'GELU';
  readonly approximate: 'none' | 'tanh';
  constructor(opts: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = opts.approximate ?? 'none';
  }
  override forward(input: Tensor): Tensor { return F.gelu(input, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}

/** `nn.SiLU(inplace=False)`: x·σ(x). */
export class SiLU extends Module {
  static override readonly __name__: string = 'SiLU';
  constructor(readonly inplace = false) { super(); }
  override forward(input: Tensor): Tensor { return F.silu(input); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.Mish(inplace=False)`. */
export class Mish extends Module {
  static override readonly __name__: string = 'Mish';
  constructor(readonly inplace = false) { super(); }
  override forward(input: Tensor): Tensor { return F.mish(input); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.Sigmoid()`. */
export class Sigmoid extends Module {
  static override readonly __name__: string = 'Sigmoid';
  override forward(input: Tensor): Tensor { return input.sigmoid(); }
}

/** `nn.Tanh()`. */
export class Tanh extends Module {
  static override readonly __name__: string = 'Tanh';
  override forward(input: Tensor): Tensor { return input.tanh(); }
}

/** `nn.LogSigmoid()`. */
export class LogSigmoid extends Module {
  static override readonly __name__: string = 'LogSigmoid';
  override forward(input: Tensor): Tensor { return F.logsigmoid(input); }
}

/** `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`. */
export class Hardtanh extends Module {
  static override readonly __name__: string = 'Hardtanh';
  constructor(readonly minVal = -1.0, readonly maxVal = 1.0, readonly inplace = false) {
    super();
  }
  override forward(input: Tensor): Tensor { return F.hardtanh(input, this.minVal, this.maxVal); }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `nn.Softplus(beta=1, threshold=20)`. */
export class Softplus extends Module {
  static override readonly __name__: string = 'Softplus';
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  override forward(input: Tensor): Tensor { return F.softplus(input, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}

/**
 * `nn.Softmax(dim=None)`.
 *
 * @example
 * new nn.Softmax(1)(torch.randn(2, 3)).sum(1); // tensor([1., 1.])
 */
export class Softmax extends Module {
  static override readonly __name__: string = 'Softmax';
  constructor(readonly dim: number | null = null) { super(); }
  override forward(input: Tensor): Tensor { return F.softmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim ?? 'None'}`; }
}

/** `nn.LogSoftmax(dim=None)`. */
export class LogSoftmax extends Module {
  static override readonly __name__: string = 'LogSoftmax';
  constructor(readonly dim: number | null = null) { super(); }
  override forward(input: Tensor): Tensor { return F.logSoftmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim ?? 'None'}`; }
}

/** `nn.Softmin(dim=None)`. */
export class Softmin extends Module {
  static override readonly __name__: string = 'Softmin';
  constructor(readonly dim: number | null = null) { super(); }
  override forward(input: Tensor): Tensor { return F.softmin(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim ?? 'None'}`; }
}
