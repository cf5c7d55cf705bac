import { type Args, RuntimeError, Tensor, declare, full, parseArgs } from '@flambeau/tensor';
import { isGradEnabled } from '@flambeau/autograd';
import { Module } from '../module.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { type FactoryOptions, Linear, factoryOf } from './linear.js';
import { LayerNorm } from './normalization.js';
import { MultiheadAttention } from './activation_attention.js';
import { GELU, ReLU } from './activation.js';
import { gelu, relu } from '../functional/activation.js';
import { xavierUniform_ } from '../init.js';

// Modules are callable, so `Callable` takes an activation module and a `norm` module too.
const LAYER_TAIL = 'int dimFeedforward=2048, float dropout=0.1, Callable|str activation="relu", float layerNormEps=1e-05, bool batchFirst=False, bool normFirst=False, Device? device=None, ScalarType? dtype=None';
const ENCODER_LAYER = declare('nn.TransformerEncoderLayer', `TransformerEncoderLayer(int dModel, int nhead, ${LAYER_TAIL})`);
const DECODER_LAYER = declare('nn.TransformerDecoderLayer', `TransformerDecoderLayer(int dModel, int nhead, ${LAYER_TAIL})`);
const ENCODER = declare('nn.TransformerEncoder', 'TransformerEncoder(Callable encoderLayer, int numLayers, Callable? norm=None, bool enableNestedTensor=True, bool maskCheck=True)');
const DECODER = declare('nn.TransformerDecoder', 'TransformerDecoder(Callable decoderLayer, int numLayers, Callable? norm=None)');
const ENCODER_LAYER_FORWARD = declare('nn.TransformerEncoderLayer.forward', 'forward(Tensor src, Tensor? srcMask=None, Tensor? srcKeyPaddingMask=None)');
const DECODER_LAYER_FORWARD = declare('nn.TransformerDecoderLayer.forward', 'forward(Tensor tgt, Tensor memory, Tensor? tgtMask=None, Tensor? memoryMask=None, Tensor? tgtKeyPaddingMask=None, Tensor? memoryKeyPaddingMask=None)');
const ENCODER_FORWARD = declare('nn.TransformerEncoder.forward', 'forward(Tensor src, Tensor? mask=None, Tensor? srcKeyPaddingMask=None)');
const DECODER_FORWARD = declare('nn.TransformerDecoder.forward', 'forward(Tensor tgt, Tensor memory, Tensor? tgtMask=None, Tensor? memoryMask=None, Tensor? tgtKeyPaddingMask=None, Tensor? memoryKeyPaddingMask=None)');
const TRANSFORMER_FORWARD = declare('nn.Transformer.forward', 'forward(Tensor src, Tensor tgt, Tensor? srcMask=None, Tensor? tgtMask=None, Tensor? memoryMask=None, Tensor? srcKeyPaddingMask=None, Tensor? tgtKeyPaddingMask=None, Tensor? memoryKeyPaddingMask=None)');
const TRANSFORMER = declare('nn.Transformer', 'Transformer(int dModel=512, int nhead=8, int numEncoderLayers=6, int numDecoderLayers=6, int dimFeedforward=2048, float dropout=0.1, Callable|str activation="relu", Callable? customEncoder=None, Callable? customDecoder=None, float layerNormEps=1e-05, bool batchFirst=False, bool normFirst=False, Device? device=None, ScalarType? dtype=None)');

/** `'relu'`, `'gelu'`, a function of a tensor, or a module (which is then registered and printed, as in PyTorch). */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions extends FactoryOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Default 0.1. */
  dropout?: number;
  /** Default `'relu'`. */
  activation?: TransformerActivation;
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** Tensors as `(N, L, E)` (default false: `(L, N, E)`). */
  batchFirst?: boolean;
  /** LayerNorm before attention and feed-forward instead of after (default false). */
  normFirst?: boolean;
}
/** The layers' positional parameters after `dModel, nhead`, in PyTorch's order. */
type LayerTail = [dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean, device: FactoryOptions['device'] | null, dtype: FactoryOptions['dtype'] | null];

function activationFn(a: TransformerActivation | undefined): (x: Tensor) => Tensor {
  if (a === undefined || a === 'relu') return relu;
  if (a === 'gelu') return gelu;
  if (typeof a === 'string') throw new RuntimeError(`activation should be relu/gelu, not ${a}`);
  return a as (x: Tensor) => Tensor;
}

/** PyTorch's `activation_relu_or_gelu`: 1 for ReLU, 2 for GELU, 0 otherwise (only its fast path cares). */
function reluOrGelu(fn: (x: Tensor) => Tensor): number {
  if (fn === relu || fn instanceof ReLU) return 1;
  if (fn === gelu || fn instanceof GELU) return 2;
  return 0;
}

function checkPaddingMask(m: Tensor | null | undefined): void {
  if (m && m.dtype !== 'bool' && !m.isFloatingPoint()) {
    throw new RuntimeError('only bool and floating types of key_padding_mask are supported');
  }
}

/** PyTorch's `_get_clones`: `n` deep copies, so every layer starts from the same weights. */
function clones(m: Module, n: number): ModuleList {
  return new ModuleList(Array.from({ length: n }, () => m.deepcopy()));
}

/**
 * What the encoder and decoder layers share: their common submodules and the self-attention and
 * feed-forward blocks (PyTorch's `_sa_block` and `_ff_block`); the latter ends with `ffDropout`.
 */
abstract class TransformerLayer extends Module {
  static override readonly __name__: string = 'TransformerLayer';
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  abstract activation: (x: Tensor) => Tensor;
  protected abstract get ffDropout(): Dropout;

  protected saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    return this.dropout1(this.self_attn(x, x, x, { attnMask, keyPaddingMask, needWeights: false })[0]);
  }

  protected ffBlock(x: Tensor): Tensor {
    return this.ffDropout(this.linear2(this.dropout(this.activation(this.linear1(x)))));
  }
}

export interface EncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * Self-attention then feed-forward, each with residual and LayerNorm (PyTorch's
 * `nn.TransformerEncoderLayer`). `layer(src, { srcMask, srcKeyPaddingMask })`; a mask may also be the second argument.
 *
 * @example
 * const layer = new nn.TransformerEncoderLayer(512, 8);
 * const out = layer(torch.rand(10, 32, 512));
 */
export class TransformerEncoderLayer extends TransformerLayer {
  static override readonly __name__: string = 'TransformerEncoderLayer';
  readonly normFirst: boolean;
  readonly activationReluOrGelu: number;
  activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, ...rest: Args<LayerTail, TransformerLayerOptions>) {
    super();
    const opts = parseArgs(ENCODER_LAYER, [dModel, nhead, ...rest]) as Required<TransformerLayerOptions>;
    const p = opts.dropout;
    const eps = opts.layerNormEps;
    const factory = factoryOf(opts);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: opts.batchFirst, ...factory });
    this.linear1 = new Linear(dModel, opts.dimFeedforward, factory);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(opts.dimFeedforward, dModel, factory);
    this.normFirst = opts.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps, ...factory });
    this.norm2 = new LayerNorm(dModel, { eps, ...factory });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activation = activationFn(opts.activation);
    this.activationReluOrGelu = reluOrGelu(this.activation);
  }

  override forward(src: Tensor, ...rest: Args<[srcMask: Tensor | null, srcKeyPaddingMask: Tensor | null], EncoderLayerForwardOptions>): Tensor {
    const { srcMask, srcKeyPaddingMask } = parseArgs(ENCODER_LAYER_FORWARD, [src, ...rest]) as Required<EncoderLayerForwardOptions>;
    checkPaddingMask(srcKeyPaddingMask);
    let x = src;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1(x), srcMask, srcKeyPaddingMask));
      x = x.add(this.ffBlock(this.norm2(x)));
    } else {
      x = this.norm1(x.add(this.saBlock(x, srcMask, srcKeyPaddingMask)));
      x = this.norm2(x.add(this.ffBlock(x)));
    }
    return x;
  }

  protected get ffDropout(): Dropout {
    return this.dropout2;
  }
}

export interface DecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}
/** The decoders' forward tail after `tgt, memory`, positional in PyTorch's order or by name. */
type DecoderForwardArgs = Args<[tgtMask: Tensor | null, memoryMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], DecoderLayerForwardOptions>;

/**
 * Self-attention, attention over the encoder's memory, then feed-forward (PyTorch's
 * `nn.TransformerDecoderLayer`). `layer(tgt, memory, { tgtMask, memoryMask, ... })`.
 *
 * @example
 * const layer = new nn.TransformerDecoderLayer(512, 8);
 * const out = layer(torch.rand(20, 32, 512), torch.rand(10, 32, 512));
 */
export class TransformerDecoderLayer extends TransformerLayer {
  static override readonly __name__: string = 'TransformerDecoderLayer';
  declare multihead_attn: MultiheadAttention;
  declare norm3: LayerNorm;
  declare dropout3: Dropout;
  readonly normFirst: boolean;
  activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, ...rest: Args<LayerTail, TransformerLayerOptions>) {
    super();
    const opts = parseArgs(DECODER_LAYER, [dModel, nhead, ...rest]) as Required<TransformerLayerOptions>;
    const p = opts.dropout;
    const eps = opts.layerNormEps;
    const batchFirst = opts.batchFirst;
    const factory = factoryOf(opts);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst, ...factory });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst, ...factory });
    this.linear1 = new Linear(dModel, opts.dimFeedforward, factory);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(opts.dimFeedforward, dModel, factory);
    this.normFirst = opts.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps, ...factory });
    this.norm2 = new LayerNorm(dModel, { eps, ...factory });
    this.norm3 = new LayerNorm(dModel, { eps, ...factory });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.activation = activationFn(opts.activation);
  }

  override forward(tgt: Tensor, memory: Tensor, ...rest: DecoderForwardArgs): Tensor {
    const o = parseArgs(DECODER_LAYER_FORWARD, [tgt, memory, ...rest]) as Required<DecoderLayerForwardOptions>;
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1(x), o.tgtMask ?? null, o.tgtKeyPaddingMask ?? null));
      x = x.add(this.mhaBlock(this.norm2(x), memory, o.memoryMask ?? null, o.memoryKeyPaddingMask ?? null));
      x = x.add(this.ffBlock(this.norm3(x)));
    } else {
      x = this.norm1(x.add(this.saBlock(x, o.tgtMask ?? null, o.tgtKeyPaddingMask ?? null)));
      x = this.norm2(x.add(this.mhaBlock(x, memory, o.memoryMask ?? null, o.memoryKeyPaddingMask ?? null)));
      x = this.norm3(x.add(this.ffBlock(x)));
    }
    return x;
  }

  private mhaBlock(x: Tensor, mem: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    return this.dropout2(this.multihead_attn(x, mem, mem, { attnMask, keyPaddingMask, needWeights: false })[0]);
  }

  protected get ffDropout(): Dropout {
    return this.dropout3;
  }
}

export interface EncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * A stack of `numLayers` copies of `encoderLayer`, then an optional `norm` (PyTorch's `nn.TransformerEncoder`).
 *
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(512, 8), 6);
 * const out = enc(torch.rand(10, 32, 512), { mask });
 */
export class TransformerEncoder extends Module {
  static override readonly __name__: string = 'TransformerEncoder';
  declare layers: ModuleList;
  declare norm: Module | null;
  readonly numLayers: number;
  readonly enableNestedTensor: boolean;
  readonly maskCheck: boolean;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    numLayers: number,
    ...rest: Args<[norm: Module | null, enableNestedTensor: boolean, maskCheck: boolean], { norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean }>
  ) {
    super();
    const opts = parseArgs(ENCODER, [encoderLayer, numLayers, ...rest]);
    this.layers = clones(encoderLayer, numLayers);
    this.numLayers = numLayers;
    this.norm = opts.norm;
    this.enableNestedTensor = opts.enableNestedTensor;
    this.maskCheck = opts.maskCheck;
  }

  override forward(src: Tensor, ...rest: Args<[mask: Tensor | null, srcKeyPaddingMask: Tensor | null], EncoderForwardOptions>): Tensor {
    const { mask, srcKeyPaddingMask } = parseArgs(ENCODER_FORWARD, [src, ...rest]) as Required<EncoderForwardOptions>;
    checkPaddingMask(srcKeyPaddingMask);
    let out = src;
    for (const layer of this.layers) out = (layer as TransformerEncoderLayer)(out, { srcMask: mask, srcKeyPaddingMask });
    if (srcKeyPaddingMask && this.takesNestedFastPath(src, mask, srcKeyPaddingMask)) {
      out = out.maskedFill(srcKeyPaddingMask.ne(0).unsqueeze(-1), 0);
    }
    return this.norm ? this.norm(out) : out;
  }

  /**
   * In inference PyTorch 1.13 packs the batch into a nested tensor and pads it back with zeros, so
   * padded positions come out as 0 (before `norm`). Same conditions as its `why_not_sparsity_fast_path`.
   */
  private takesNestedFastPath(src: Tensor, mask: Tensor | null, kpm: Tensor): boolean {
    const first = this.layers.get(0);
    if (!(first instanceof TransformerEncoderLayer)) return false;
    const sa = first.self_attn;
    const ok =
      !first.normFirst && !first.training && sa.batchFirst && sa._qkvSameEmbedDim && first.activationReluOrGelu !== 0 &&
      first.norm1.eps === first.norm2.eps && src.ndim === 3 && this.enableNestedTensor && mask === null && sa.numHeads % 2 === 0;
    if (!ok || (this.maskCheck && !leftAligned(kpm))) return false;
    return !isGradEnabled() || !(src.requiresGrad || first.parameters().some((p) => p.requiresGrad));
  }
}

/** Every row of the padding mask is valid positions first, then padding. */
function leftAligned(kpm: Tensor): boolean {
  const padded = kpm.ne(0).to('int64');
  // Left aligned iff the padded flags never decrease along the sequence.
  if (padded.ndim < 2 || padded.shape[1] < 2) return true;
  const n = padded.shape[1] - 1;
  return Boolean(padded.narrow(1, 1, n).ge(padded.narrow(1, 0, n)).all().itemSync());
}

/**
 * A stack of `numLayers` copies of `decoderLayer`, then an optional `norm` (PyTorch's `nn.TransformerDecoder`).
 *
 * @example
 * const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(512, 8), 6);
 * const out = dec(tgt, memory, { tgtMask });
 */
export class TransformerDecoder extends Module {
  static override readonly __name__: string = 'TransformerDecoder';
  declare layers: ModuleList;
  declare norm: Module | null;
  readonly numLayers: number;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, ...rest: Args<[norm: Module | null], { norm?: Module | null }>) {
    super();
    const { norm } = parseArgs(DECODER, [decoderLayer, numLayers, ...rest]);
    this.layers = clones(decoderLayer, numLayers);
    this.numLayers = numLayers;
    this.norm = norm;
  }

  override forward(tgt: Tensor, memory: Tensor, ...rest: DecoderForwardArgs): Tensor {
    const { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask } = parseArgs(DECODER_FORWARD, [tgt, memory, ...rest]) as Required<DecoderLayerForwardOptions>;
    let out = tgt;
    for (const layer of this.layers) out = (layer as TransformerDecoderLayer)(out, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask });
    return this.norm ? this.norm(out) : out;
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  /** Default 6. */
  numEncoderLayers?: number;
  /** Default 6. */
  numDecoderLayers?: number;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder-decoder model of "Attention Is All You Need" (PyTorch's `nn.Transformer`).
 * `model(src, tgt, { srcMask, tgtMask, ... })`; weights with more than one dim are Xavier-uniform.
 *
 * @example
 * const model = new nn.Transformer(512, 8, { numEncoderLayers: 2 });
 * const tgtMask = nn.Transformer.generateSquareSubsequentMask(20);
 * const out = model(torch.rand(10, 32, 512), torch.rand(20, 32, 512), { tgtMask });
 */
export class Transformer extends Module {
  static override readonly __name__: string = 'Transformer';
  declare encoder: Module;
  declare decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(
    ...args: Args<
      [dModel: number, nhead: number, numEncoderLayers: number, numDecoderLayers: number, dimFeedforward: number, dropout: number, activation: TransformerActivation, customEncoder: Module | null, customDecoder: Module | null, layerNormEps: number, batchFirst: boolean, normFirst: boolean, device: FactoryOptions['device'] | null, dtype: FactoryOptions['dtype'] | null],
      TransformerOptions & { dModel?: number; nhead?: number }
    >
  ) {
    super();
    const opts = parseArgs(TRANSFORMER, args);
    const { dModel, nhead, numEncoderLayers, numDecoderLayers, customEncoder, customDecoder, ...layerOpts } = opts as Required<TransformerOptions> & { dModel: number; nhead: number };
    const eps = opts.layerNormEps;
    const factory = factoryOf(opts);
    const layerArgs = { ...layerOpts, ...factory };
    this.encoder =
      customEncoder ??
      new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerArgs), numEncoderLayers, new LayerNorm(dModel, { eps, ...factory }));
    this.decoder =
      customDecoder ??
      new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerArgs), numDecoderLayers, new LayerNorm(dModel, { eps, ...factory }));
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = opts.batchFirst;
  }

  override forward(
    src: Tensor,
    tgt: Tensor,
    ...rest: Args<[srcMask: Tensor | null, tgtMask: Tensor | null, memoryMask: Tensor | null, srcKeyPaddingMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], TransformerForwardOptions>
  ): Tensor {
    const o = parseArgs(TRANSFORMER_FORWARD, [src, tgt, ...rest]) as Required<TransformerForwardOptions>;
    const batched = src.ndim === 3;
    const b = this.batchFirst ? 0 : 1;
    if (batched && src.shape[b] !== tgt.shape[b]) throw new RuntimeError('the batch number of src and tgt must be equal');
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new RuntimeError('the feature number of src and tgt must be equal to d_model');
    }
    const memory = this.encoder(src, { mask: o.srcMask, srcKeyPaddingMask: o.srcKeyPaddingMask });
    return this.decoder(tgt, memory, { tgtMask: o.tgtMask, memoryMask: o.memoryMask, tgtKeyPaddingMask: o.tgtKeyPaddingMask, memoryKeyPaddingMask: o.memoryKeyPaddingMask });
  }

  /** A float `(sz, sz)` mask with -inf above the diagonal: position i attends to positions ≤ i. */
  static generateSquareSubsequentMask(sz: number): Tensor {
    return full([sz, sz], -Infinity).triu(1);
  }
}
