import { type Args, type Tensor, declare, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';
import * as F from '../functional/activation.js';
import { pyFloat } from '../repr.js';

const RELU = declare('nn.ReLU', 'ReLU(bool inplace=False)');
const RELU6 = declare('nn.ReLU6', 'ReLU6(bool inplace=False)');
const LEAKY_RELU = declare('nn.LeakyReLU', 'LeakyReLU(float negativeSlope=0.01, bool inplace=False)');
const ELU_DECL = declare('nn.ELU', 'ELU(float alpha=1.0, bool inplace=False)');
const GELU_DECL = declare('nn.GELU', 'GELU(str approximate="none")');
const SILU = declare('nn.SiLU', 'SiLU(bool inplace=False)');
const MISH = declare('nn.Mish', 'Mish(bool inplace=False)');
const SIGMOID = declare('nn.Sigmoid', 'Sigmoid()');
const TANH = declare('nn.Tanh', 'Tanh()');
const LOG_SIGMOID = declare('nn.LogSigmoid', 'LogSigmoid()');
const HARDTANH = declare('nn.Hardtanh', 'Hardtanh(float minVal=-1.0, float maxVal=1.0, bool inplace=False, float? minValue=None, float? maxValue=None)');
const SOFTPLUS = declare('nn.Softplus', 'Softplus(float beta=1, float threshold=20)');
const SOFTMAX = declare('nn.Softmax', 'Softmax(int? dim=None)');
const LOG_SOFTMAX = declare('nn.LogSoftmax', 'LogSoftmax(int? dim=None)');
const SOFTMIN = declare('nn.Softmin', 'Softmin(int? dim=None)');

type Inplace = Args<[inplace: boolean], { inplace?: boolean }>;
type Dim = Args<[dim: number | null], { dim?: number | null }>;

const inplaceRepr = (inplace: boolean): string => (inplace ? 'inplace=True' : '');

/**
 * `nn.ReLU(inplace=False)`.
 *
 * @example
 * new nn.ReLU()(torch.tensor([-1, 2])); // tensor([0, 2])
 */
export class ReLU extends Module {
  static override readonly __name__: string = 'ReLU';
  readonly inplace: boolean;
  constructor(...args: Inplace) { super(); ({ inplace: this.inplace } = parseArgs(RELU, args)); }
  override forward(input: Tensor): Tensor { return F.relu(input, this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.ReLU6(inplace=False)`: min(max(0, x), 6). */
export class ReLU6 extends Module {
  static override readonly __name__: string = 'ReLU6';
  readonly inplace: boolean;
  constructor(...args: Inplace) { super(); ({ inplace: this.inplace } = parseArgs(RELU6, args)); }
  override forward(input: Tensor): Tensor { return F.relu6(input, this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.LeakyReLU(negative_slope=0.01, inplace=False)`. */
export class LeakyReLU extends Module {
  static override readonly __name__: string = 'LeakyReLU';
  readonly negativeSlope: number;
  readonly inplace: boolean;
  constructor(...args: Args<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>) {
    super();
    ({ negativeSlope: this.negativeSlope, inplace: this.inplace } = parseArgs(LEAKY_RELU, args));
  }
  override forward(input: Tensor): Tensor { return F.leakyRelu(input, this.negativeSlope, this.inplace); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** `nn.ELU(alpha=1.0, inplace=False)`. */
export class ELU extends Module {
  static override readonly __name__: string = 'ELU';
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(...args: Args<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super();
    ({ alpha: this.alpha, inplace: this.inplace } = parseArgs(ELU_DECL, args));
  }
  override forward(input: Tensor): Tensor { return F.elu(input, this.alpha, this.inplace); }
  override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** `nn.GELU(approximate='none')`; `'tanh'` selects the tanh approximation. */
export class GELU extends Module {
  static override readonly __name__: string = 'GELU';
  readonly approximate: 'none' | 'tanh';
  constructor(...args: Args<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>) {
    super();
    ({ approximate: this.approximate } = parseArgs(GELU_DECL, args));
  }
  override forward(input: Tensor): Tensor { return F.gelu(input, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}

/** `nn.SiLU(inplace=False)`: x·σ(x). */
export class SiLU extends Module {
  static override readonly __name__: string = 'SiLU';
  readonly inplace: boolean;
  constructor(...args: Inplace) { super(); ({ inplace: this.inplace } = parseArgs(SILU, args)); }
  override forward(input: Tensor): Tensor { return F.silu(input, this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.Mish(inplace=False)`. */
export class Mish extends Module {
  static override readonly __name__: string = 'Mish';
  readonly inplace: boolean;
  constructor(...args: Inplace) { super(); ({ inplace: this.inplace } = parseArgs(MISH, args)); }
  override forward(input: Tensor): Tensor { return F.mish(input, this.inplace); }
  override extraRepr(): string { return inplaceRepr(this.inplace); }
}

/** `nn.Sigmoid()`. */
export class Sigmoid extends Module {
  static override readonly __name__: string = 'Sigmoid';
  constructor(...args: []) { super(); parseArgs(SIGMOID, args); }
  override forward(input: Tensor): Tensor { return input.sigmoid(); }
}

/** `nn.Tanh()`. */
export class Tanh extends Module {
  static override readonly __name__: string = 'Tanh';
  constructor(...args: []) { super(); parseArgs(TANH, args); }
  override forward(input: Tensor): Tensor { return input.tanh(); }
}

/** `nn.LogSigmoid()`. */
export class LogSigmoid extends Module {
  static override readonly __name__: string = 'LogSigmoid';
  constructor(...args: []) { super(); parseArgs(LOG_SIGMOID, args); }
  override forward(input: Tensor): Tensor { return F.logsigmoid(input); }
}

/** `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`. */
export class Hardtanh extends Module {
  static override readonly __name__: string = 'Hardtanh';
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;
  constructor(
    ...args: Args<[minVal: number, maxVal: number, inplace: boolean, minValue: number | null, maxValue: number | null], { minVal?: number; maxVal?: number; inplace?: boolean; minValue?: number | null; maxValue?: number | null }>
  ) {
    super();
    const a = parseArgs(HARDTANH, args);
    // `min_value`/`max_value`: PyTorch's deprecated spellings, winning when given.
    this.minVal = a.minValue ?? a.minVal;
    this.maxVal = a.maxValue ?? a.maxVal;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor { return F.hardtanh(input, this.minVal, this.maxVal, this.inplace); }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `nn.Softplus(beta=1, threshold=20)`. */
export class Softplus extends Module {
  static override readonly __name__: string = 'Softplus';
  readonly beta: number;
  readonly threshold: number;
  constructor(...args: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    ({ beta: this.beta, threshold: this.threshold } = parseArgs(SOFTPLUS, args));
  }
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
  readonly dim: number | null;
  constructor(...args: Dim) { super(); ({ dim: this.dim } = parseArgs(SOFTMAX, args)); }
  override forward(input: Tensor): Tensor { return F.softmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim ?? 'None'}`; }
}

/** `nn.LogSoftmax(dim=None)`. */
export class LogSoftmax extends Module {
  static override readonly __name__: string = 'LogSoftmax';
  readonly dim: number | null;
  constructor(...args: Dim) { super(); ({ dim: this.dim } = parseArgs(LOG_SOFTMAX, args)); }
  override forward(input: Tensor): Tensor { return F.logSoftmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim ?? 'None'}`; }
}

/** `nn.Softmin(dim=None)`. */
export class Softmin extends Module {
  static override readonly __name__: string = 'Softmin';
  readonly dim: number | null;
  constructor(...args: Dim) { super(); ({ dim: this.dim } = parseArgs(SOFTMIN, args)); }
  override forward(input: Tensor): Tensor { return F.softmin(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim ?? 'None'}`; }
}
