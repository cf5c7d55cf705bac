import { type Args, RuntimeError, ValueError, type Tensor, declare, parseArgs, zeros } from '@flambeau/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { constant_, xavierNormal_, xavierUniform_ } from '../init.js';
import { type FactoryOptions, Linear, factoryOf } from './linear.js';
import { multiHeadAttentionForward } from '../functional/attention.js';

/**
 * A `Linear` under another name. PyTorch uses it for `MultiheadAttention.out_proj` so that dynamic
 * quantisation skips it; here it only keeps the printout identical.
 */
export class NonDynamicallyQuantizableLinear extends Linear {
  static override readonly __name__: string = 'NonDynamicallyQuantizableLinear';}

const MHA = declare('nn.MultiheadAttention', 'MultiheadAttention(int embedDim, int numHeads, float dropout=0.0, bool bias=True, bool addBiasKv=False, bool addZeroAttn=False, int? kdim=None, int? vdim=None, bool batchFirst=False, Device? device=None, ScalarType? dtype=None)');

export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout on the attention weights, in training mode (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Learned bias rows appended to the keys and values (default false). */
  addBiasKv?: boolean;
  /** A zero row appended to the keys and values (default false). */
  addZeroAttn?: boolean;
  /** Feature size of `key` (default `embedDim`). */
  kdim?: number | null;
  /** Feature size of `value` (default `embedDim`). */
  vdim?: number | null;
  /** Inputs and output as `(N, L, E)` (default false: `(L, N, E)`). */
  batchFirst?: boolean;
}

const MHA_FORWARD = declare('nn.MultiheadAttention.forward', 'forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask=None, bool needWeights=True, Tensor? attnMask=None, bool averageAttnWeights=True)');

export interface MultiheadAttentionForwardOptions {
  /** `(N, S)` or `(S)`: true (or -inf) marks keys to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** `(L, S)` or `(N*numHeads, L, S)`: bool (true = masked) or float (added to the scores). */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`), with PyTorch's parameters:
 * `in_proj_weight` `(3E, E)` and `in_proj_bias`, or `q_proj_weight`/`k_proj_weight`/`v_proj_weight`
 * when `kdim`/`vdim` differ from `embedDim`, and `out_proj`.
 * `mha(query, key, value, opts?)` → `[output, weights | null]`.
 *
 * @example
 * const mha = new nn.MultiheadAttention(8, 2);
 * const x = torch.randn(5, 3, 8);                       // (L, N, E)
 * const [out, w] = mha(x, x, x, { attnMask: nn.Transformer.generateSquareSubsequentMask(5) });
 */
export class MultiheadAttention extends Module {
  static override readonly __name__: string = 'MultiheadAttention';
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly _qkvSameEmbedDim: boolean;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(
    embedDim: number,
    numHeads: number,
    ...rest: Args<[dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean, device: MultiheadAttentionOptions['device'] | null, dtype: MultiheadAttentionOptions['dtype'] | null], MultiheadAttentionOptions>
  ) {
    super();
    const opts = parseArgs(MHA, [embedDim, numHeads, ...rest]) as Required<MultiheadAttentionOptions>;
    this.embedDim = embedDim;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    this.headDim = Math.trunc(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new ValueError('embed_dim must be divisible by num_heads');
    const bias = opts.bias ?? true;
    const factory = factoryOf(opts);
    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = new Parameter(zeros([embedDim, embedDim], factory));
      this.k_proj_weight = new Parameter(zeros([embedDim, this.kdim], factory));
      this.v_proj_weight = new Parameter(zeros([embedDim, this.vdim], factory));
      this.registerParameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = new Parameter(zeros([3 * embedDim, embedDim], factory));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    }
    if (bias) this.in_proj_bias = new Parameter(zeros([3 * embedDim], factory));
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, ...factory });
    if (opts.addBiasKv) {
      this.bias_k = new Parameter(zeros([1, 1, embedDim], factory));
      this.bias_v = new Parameter(zeros([1, 1, embedDim], factory));
    } else {
      this.registerParameter('bias_k', null);
      this.registerParameter('bias_v', null);
    }
    this.addZeroAttn = opts.addZeroAttn ?? false;
    this.resetParameters();
  }

  /** PyTorch's `_reset_parameters`: Xavier-uniform projections, zero biases, Xavier-normal `bias_k`/`bias_v`. */
  resetParameters(): void {
    if (this._qkvSameEmbedDim) xavierUniform_(this.in_proj_weight!);
    else {
      xavierUniform_(this.q_proj_weight!);
      xavierUniform_(this.k_proj_weight!);
      xavierUniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias) {
      constant_(this.in_proj_bias, 0);
      constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    ...rest: Args<[keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, averageAttnWeights: boolean], MultiheadAttentionForwardOptions>
  ): [Tensor, Tensor | null] {
    const opts = parseArgs(MHA_FORWARD, [query, key, value, ...rest]) as Required<MultiheadAttentionForwardOptions>;
    const kpm = opts.keyPaddingMask;
    if (kpm && kpm.dtype !== 'bool' && !kpm.isFloatingPoint()) {
      throw new RuntimeError('only bool and floating types of key_padding_mask are supported');
    }
    const batched = query.ndim === 3;
    if (this.batchFirst && batched) {
      // Transpose once per distinct tensor so self-attention stays recognisable downstream.
      if (key === value) {
        if (query === key) query = key = value = query.transpose(1, 0);
        else {
          [query, key] = [query.transpose(1, 0), key.transpose(1, 0)];
          value = key;
        }
      } else {
        [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
      }
    }
    const [out, weights] = multiHeadAttentionForward(
      query, key, value, this.embedDim, this.numHeads,
      this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v, this.addZeroAttn,
      this.dropout, this.out_proj.weight, this.out_proj.bias,
      {
        training: this.training,
        keyPaddingMask: kpm,
        needWeights: opts.needWeights,
        attnMask: opts.attnMask,
        averageAttnWeights: opts.averageAttnWeights,
        ...(this._qkvSameEmbedDim
          ? {}
          : { useSeparateProjWeight: true, qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight, vProjWeight: this.v_proj_weight }),
      },
    );
    return [this.batchFirst && batched ? out.transpose(1, 0) : out, weights];
  }
}
