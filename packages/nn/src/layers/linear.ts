import { type Args, type Declaration, type DeviceLike, type Dtype, type Tensor, declare, empty, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { bilinear, linear } from '../functional/linear.js';

/** Creation options shared by layers that own weights (`device=`, `dtype=`). */
export interface FactoryOptions {
  device?: DeviceLike;
  dtype?: 'float32' | 'float64' | Dtype;
}

const LINEAR = declare('nn.Linear', 'Linear(int inFeatures, int outFeatures, bool bias=True, Device? device=None, ScalarType? dtype=None)');
const BILINEAR = declare('nn.Bilinear', 'Bilinear(int in1Features, int in2Features, int outFeatures, bool bias=True, Device? device=None, ScalarType? dtype=None)');

/** PyTorch's `factory_kwargs` from bound arguments: `device` and `dtype`, left out when `None` (the defaults). */
export function factoryOf(a: { device?: DeviceLike | null; dtype?: FactoryOptions['dtype'] | null }): FactoryOptions {
  return { device: a.device ?? undefined, dtype: a.dtype ?? undefined };
}

/** A layer's arguments bound to its declaration, `device` and `dtype` left out when `None` (the defaults). */
export function factoryArgs(decl: Declaration, args: readonly unknown[]): { bias: boolean } & FactoryOptions {
  const a = parseArgs(decl, args);
  return { bias: a.bias, ...factoryOf(a) };
}

/**
 * `nn.Linear(in_features, out_features, bias=True)`: y = x Wᵀ + b, initialised as PyTorch does
 * (`kaiming_uniform_(W, a=√5)`, then b ~ U(-1/√in, 1/√in)).
 *
 * @example
 * const fc = new nn.Linear(576, 128);
 * fc(torch.randn(64, 576)).shape; // [64, 128]
 */
export class Linear extends Module {
  static override readonly __name__: string = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, ...rest: Args<[bias: boolean], { bias?: boolean } & FactoryOptions>) {
    super();
    const opts = factoryArgs(LINEAR, [inFeatures, outFeatures, ...rest]);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype: opts.dtype, device: opts.device }));
    if (opts.bias ?? true) this.bias = new Parameter(empty([outFeatures], { dtype: opts.dtype, device: opts.device }));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init._calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/**
 * `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`: y = x₁ᵀ A x₂ + b.
 *
 * @example
 * const m = new nn.Bilinear(20, 30, 40);
 * m(torch.randn(128, 20), torch.randn(128, 30)).shape; // [128, 40]
 */
export class Bilinear extends Module {
  static override readonly __name__: string = 'Bilinear';
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, ...rest: Args<[bias: boolean], { bias?: boolean } & FactoryOptions>) {
    super();
    const opts = factoryArgs(BILINEAR, [in1Features, in2Features, outFeatures, ...rest]);
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype: opts.dtype, device: opts.device }));
    if (opts.bias ?? true) this.bias = new Parameter(empty([outFeatures], { dtype: opts.dtype, device: opts.device }));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/**
 * `nn.Identity()`: returns its input (placeholder layer; extra arguments are ignored).
 *
 * @example
 * new nn.Identity()(x) === x; // true
 */
export class Identity extends Module {
  static override readonly __name__: string = 'Identity';
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}
