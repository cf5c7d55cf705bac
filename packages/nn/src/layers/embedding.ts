import { type Args, NotImplementedError, type Tensor, ValueError, declare, empty, parseArgs } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as init from '../init.js';
import { embedding } from '../functional/embedding.js';
import { pyFloat } from '../repr.js';
import type { FactoryOptions } from './linear.js';

export interface EmbeddingLayerOptions extends FactoryOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  /** Default false; `true` is not supported (raises). */
  scaleGradByFreq?: boolean;
  /** Default false; `true` (sparse gradients) is not supported (raises). */
  sparse?: boolean;
  /** Use this tensor as the weight instead of a N(0, 1) initialisation (PyTorch's `_weight`). */
  _weight?: Tensor | null;
}

/**
 * `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0)`:
 * a lookup table initialised N(0, 1), with the padding row zeroed.
 *
 * @example
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 }); // or new nn.Embedding(10, 3, 0), as in PyTorch
 * emb(torch.tensor([[1, 2, 0]])).shape; // [1, 3, 3]
 */
const EMBEDDING = declare('nn.Embedding', 'Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx=None, float? maxNorm=None, float normType=2.0, bool scaleGradByFreq=False, bool sparse=False, Tensor? _weight=None, Device? device=None, ScalarType? dtype=None)');

const FROM_PRETRAINED = declare('nn.Embedding.fromPretrained', 'fromPretrained(Tensor embeddings, bool freeze=True, int? paddingIdx=None, float? maxNorm=None, float normType=2.0, bool scaleGradByFreq=False, bool sparse=False)');

export class Embedding extends Module {
  static override readonly __name__: string = 'Embedding';
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  declare weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, ...rest: Args<[paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean, _weight: Tensor | null], EmbeddingLayerOptions>) {
    super();
    const opts = parseArgs(EMBEDDING, [numEmbeddings, embeddingDim, ...rest]);
    if (opts.scaleGradByFreq) throw new NotImplementedError('nn.Embedding: scale_grad_by_freq=True is not supported');
    if (opts.sparse) throw new NotImplementedError('nn.Embedding: sparse gradients are not supported');
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let p = opts.paddingIdx as number | null;
    if (p !== null) {
      if (p >= numEmbeddings || p < -numEmbeddings) throw new ValueError('Padding_idx must be within num_embeddings');
      if (p < 0) p += numEmbeddings;
    }
    this.paddingIdx = p;
    this.maxNorm = opts.maxNorm;
    this.normType = opts.normType;
    if (opts._weight) {
      this.weight = new Parameter(opts._weight);
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { device: opts.device ?? undefined, dtype: opts.dtype ?? undefined }));
      this.resetParameters();
    }
  }

  resetParameters(): void {
    init.normal_(this.weight);
    const p = this.paddingIdx;
    if (p !== null) noGrad(() => this.weight.select(0, p).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    return s;
  }

  /**
   * `Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, max_norm=None,
   * norm_type=2.0, scale_grad_by_freq=False, sparse=False)`: `embeddings` (2-D) becomes the weight.
   *
   * @example
   * const emb = nn.Embedding.fromPretrained(torch.tensor([[1, 2.3, 3], [4, 5.1, 6.3]]), { freeze: false });
   */
  static fromPretrained(
    embeddings: Tensor,
    ...rest: Args<[freeze: boolean, paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean], { freeze?: boolean; paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean; sparse?: boolean }>
  ): Embedding {
    const { embeddings: weight, freeze, ...opts } = parseArgs(FROM_PRETRAINED, [embeddings, ...rest]);
    if (weight.ndim !== 2) throw new ValueError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = weight.shape;
    const emb = new Embedding(rows, cols, { ...opts, _weight: weight });
    emb.weight.requiresGrad = !freeze;
    return emb;
  }
}
