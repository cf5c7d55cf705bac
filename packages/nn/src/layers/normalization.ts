import { type Args, type Declaration, type DeviceLike, type Tensor, ValueError, declare, ones, parseArgs, zeros } from '@flambeau/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { batchNorm, groupNorm, layerNorm } from '../functional/normalization.js';
import { pyFloat } from '../repr.js';
import { pyRepr } from './conv.js';
import type { FactoryOptions } from './linear.js';

const FACTORY = 'Device? device=None, ScalarType? dtype=None';
const BATCH_NORM_PARAMS = `int numFeatures, float eps=1e-05, float? momentum=0.1, bool affine=True, bool trackRunningStats=True, ${FACTORY}`;
const LAYER_NORM = declare('nn.LayerNorm', `LayerNorm(int[] normalizedShape, float eps=1e-05, bool elementwiseAffine=True, ${FACTORY})`);
const GROUP_NORM = declare('nn.GroupNorm', `GroupNorm(int numGroups, int numChannels, float eps=1e-05, bool affine=True, ${FACTORY})`);

export interface BatchNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Running-average weight of each new batch (default 0.1); `null` keeps a cumulative (equal-weight) average. */
  momentum?: number | null;
  /** Learnable per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running mean/var for eval mode (default true). */
  trackRunningStats?: boolean;
  dtype?: 'float32' | 'float64';
  device?: DeviceLike;
}

/**
 * Shared machinery of `BatchNorm1d` / `BatchNorm2d` (PyTorch's `_BatchNorm`): `weight`/`bias`
 * parameters and `running_mean`, `running_var`, `num_batches_tracked` buffers, so state dicts
 * match PyTorch's.
 */
export abstract class BatchNormNd extends Module {
  static override readonly __name__: string = 'BatchNormNd';
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight!: Parameter | null;
  bias!: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;
  private trackedMirror: { tensor: Tensor; version: number; count: number } | null = null;

  /** The subclass's PyTorch declaration (`BatchNorm1d(num_features, eps=1e-05, …)`). */
  protected static declaration: Declaration;

  constructor(numFeatures: number, ...rest: Args<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormOptions>) {
    super();
    const opts = parseArgs((new.target as unknown as { declaration: Declaration }).declaration, [numFeatures, ...rest]);
    this.numFeatures = numFeatures;
    this.eps = opts.eps;
    this.momentum = opts.momentum;
    this.affine = opts.affine;
    this.trackRunningStats = opts.trackRunningStats;
    const like = { dtype: opts.dtype ?? undefined, device: opts.device ?? undefined };
    if (this.affine) {
      this.weight = new Parameter(ones([numFeatures], like));
      this.bias = new Parameter(zeros([numFeatures], like));
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], like));
      this.registerBuffer('running_var', ones([numFeatures], like));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int64', device: like.device }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    // The buffers keep PyTorch's snake_case keys; the camelCase names read them.
    for (const [camel, key] of [['runningMean', 'running_mean'], ['runningVar', 'running_var'], ['numBatchesTracked', 'num_batches_tracked']]) {
      Object.defineProperty(this, camel, { get: () => this._buffers.get(key) ?? null, configurable: true });
    }
    if (this.numBatchesTracked) this.trackedMirror = { tensor: this.numBatchesTracked, version: this.numBatchesTracked._version.value, count: 0 };
  }

  /** Rank check of the subclass (`_check_input_dim`). */
  protected abstract checkInputDim(input: Tensor): void;

  /** `reset_running_stats()`. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.runningMean!.zero_();
    this.runningVar!.fill_(1);
    this.numBatchesTracked!.zero_();
    this.trackedMirror = { tensor: this.numBatchesTracked!, version: this.numBatchesTracked!._version.value, count: 0 };
  }

  override extraRepr(): string {
    const m = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.trackRunningStats)}`;
  }

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && tracked) {
      // momentum=None averages over the batches seen: the count is mirrored on the host, read
      // back only after something else wrote the buffer (a loaded state dict, say).
      const m = this.trackedMirror;
      const seen = m && m.tensor === tracked && m.version === tracked._version.value ? m.count : this.momentum === null ? tracked.itemSync() : NaN;
      tracked.add_(1);
      this.trackedMirror = { tensor: tracked, version: tracked._version.value, count: seen + 1 };
      factor = this.momentum === null ? 1 / (seen + 1) : this.momentum;
    }
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    const useRunning = !this.training || this.trackRunningStats;
    return batchNorm(input, useRunning ? this.runningMean : null, useRunning ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: bnTraining, momentum: factor, eps: this.eps,
    });
  }
}

/**
 * `nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)`
 * over `[N, C]` or `[N, C, L]`.
 */
export class BatchNorm1d extends BatchNormNd {
  static override readonly __name__: string = 'BatchNorm1d';
  protected static override declaration = declare('nn.BatchNorm1d', `BatchNorm1d(${BATCH_NORM_PARAMS})`);
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new ValueError(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/**
 * `nn.BatchNorm2d(num_features, ...)` over `[N, C, H, W]`.
 *
 * @example
 * const bn = new nn.BatchNorm2d(32);
 * String(bn); // 'BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)'
 */
export class BatchNorm2d extends BatchNormNd {
  static override readonly __name__: string = 'BatchNorm2d';
  protected static override declaration = declare('nn.BatchNorm2d', `BatchNorm2d(${BATCH_NORM_PARAMS})`);
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new ValueError(`expected 4D input (got ${input.ndim}D input)`);
  }
}

/**
 * `nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)`.
 *
 * @example
 * new nn.LayerNorm(10)(torch.randn(4, 10));
 */
export class LayerNorm extends Module {
  static override readonly __name__: string = 'LayerNorm';
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight!: Parameter | null;
  bias!: Parameter | null;

  constructor(normalizedShape: number | readonly number[], ...rest: Args<[eps: number, elementwiseAffine: boolean], { eps?: number; elementwiseAffine?: boolean } & FactoryOptions>) {
    super();
    const opts = parseArgs(LAYER_NORM, [normalizedShape, ...rest]);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps;
    this.elementwiseAffine = opts.elementwiseAffine;
    const like = { dtype: opts.dtype ?? undefined, device: opts.device ?? undefined };
    if (this.elementwiseAffine) {
      this.weight = new Parameter(ones(this.normalizedShape, like));
      this.bias = new Parameter(zeros(this.normalizedShape, like));
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
  }
  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}`;
  }
  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

/** `nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)`. */
export class GroupNorm extends Module {
  static override readonly __name__: string = 'GroupNorm';
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight!: Parameter | null;
  bias!: Parameter | null;

  constructor(numGroups: number, numChannels: number, ...rest: Args<[eps: number, affine: boolean], { eps?: number; affine?: boolean } & FactoryOptions>) {
    super();
    const opts = parseArgs(GROUP_NORM, [numGroups, numChannels, ...rest]);
    if (numChannels % numGroups !== 0) throw new ValueError('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = opts.eps;
    this.affine = opts.affine;
    const like = { dtype: opts.dtype ?? undefined, device: opts.device ?? undefined };
    if (this.affine) {
      this.weight = new Parameter(ones([numChannels], like));
      this.bias = new Parameter(zeros([numChannels], like));
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}`;
  }
  override forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }
}
