import { type Args, type Tensor, DTypeError, IndexError, NotImplementedError, declare, defineOp, dispatch1, parseArgs, zeros } from '@flambeau/tensor';

const EMBEDDING = declare('F.embedding', 'embedding(Tensor input, Tensor weight, int? paddingIdx=None, float? maxNorm=None, float normType=2.0, bool scaleGradByFreq=False, bool sparse=False)');
import { noGrad, registerFormula } from '@flambeau/autograd';

export interface EmbeddingOptions {
  /** Row whose lookups get no gradient (and which `nn.Embedding` zero-initialises). */
  paddingIdx?: number | null;
  /** Rows looked up with a larger norm are renormalised to this norm, in place. */
  maxNorm?: number | null;
  normType?: number;
  /** Not supported. */
  scaleGradByFreq?: boolean;
  /** Not supported: gradients are dense. */
  sparse?: boolean;
}

/**
 * `F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0)`: rows of `weight`
 * at the int64 indices of `input`, shape `[...input.shape, embeddingDim]`.
 *
 * @example
 * F.embedding(torch.tensor([[0, 2]]), torch.randn(3, 4)).shape; // [1, 2, 4]
 */
export function embedding(
  input: Tensor,
  weight: Tensor,
  ...rest: Args<[paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean], EmbeddingOptions>
): Tensor {
  const opts = parseArgs(EMBEDDING, [input, weight, ...rest]) as Required<EmbeddingOptions>;
  if (opts.scaleGradByFreq) throw new NotImplementedError('embedding: scale_grad_by_freq=True is not supported');
  if (opts.sparse) throw new NotImplementedError('embedding: sparse gradients are not supported');
  if (input.dtype !== 'int64' && input.dtype !== 'int32') {
    throw new DTypeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${input.dtype} instead (while checking arguments for embedding)`);
  }
  const n = weight.shape[0];
  const idx = input.reshape(-1).to('int64');
  // Indices are validated where they can be read synchronously (the CPU).
  if (idx.backend.readSync) {
    const flat = idx.contiguous().dataSync();
    for (let i = 0; i < flat.length; i++) if (flat[i] < 0 || flat[i] >= n) throw new IndexError('index out of range in self');
  }
  const paddingIdx = opts.paddingIdx == null ? null : opts.paddingIdx < 0 ? opts.paddingIdx + n : opts.paddingIdx;
  if (opts.maxNorm != null) renorm(weight, idx, opts.maxNorm, opts.normType);
  return dispatch1('embedding', [weight, input.to('int64')], { paddingIdx });
}

defineOp('composite', 'embedding(Tensor weight, Tensor indices, int? paddingIdx=None) -> Tensor', ([weight, indices]) => weight.indexSelect(0, indices.reshape(-1)).reshape([...indices.shape, weight.shape[1]]));

// Lookups of the padding row contribute no gradient, as PyTorch's embedding_backward skips them.
registerFormula('embedding', {
  name: 'EmbeddingBackward0',
  save: { inputs: [1] },
  backward: ([g], c) => {
    const idx = c.input(1).reshape(-1);
    const [n, dim] = c.inputs[0].shape;
    let rows = g.reshape([-1, dim]);
    const paddingIdx = c.attrs.paddingIdx as number | null;
    if (paddingIdx !== null) rows = rows.maskedFill(idx.eq(paddingIdx).unsqueeze(-1), 0);
    return [zeros([n, dim], { dtype: g.dtype, device: g.device }).indexAdd(0, idx, rows), null];
  },
});

/** `embedding_renorm_`: scales each looked-up row whose p-norm exceeds `maxNorm` down to it. */
function renorm(weight: Tensor, idx: Tensor, maxNorm: number, normType: number): void {
  // On the device: a repeated index rewrites its row with the same scaled values, so no dedup is needed.
  noGrad(() => {
    const rows = weight.indexSelect(0, idx);
    const norms = rows.norm(normType, 1, { keepdim: true });
    const scale = norms.add(1e-7).reciprocal().mul(maxNorm).where(norms.gt(maxNorm), 1);
    weight.indexPut_([idx], rows.mul(scale));
  });
}
