import { type Args, RuntimeError, type Tensor, ValueError, declare, empty, parseArgs } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import { normOp } from './norm_ops.js';

function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

const BATCH_NORM = declare('F.batchNorm', 'batch_norm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05)');
const LAYER_NORM = declare('F.layerNorm', 'layer_norm(Tensor input, int[] normalizedShape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)');
const GROUP_NORM = declare('F.groupNorm', 'group_norm(Tensor input, int numGroups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05)');
const DROPOUT2D = declare('F.dropout2d', 'dropout2d(Tensor input, float p=0.5, bool training=True, bool inplace=False)');

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones) rather than the running ones (default false). */
  training?: boolean;
  /** Weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * `F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
 * momentum=0.1, eps=1e-5)` over `[N, C, *]`. In training the running statistics are updated in
 * place with the unbiased batch variance, as PyTorch does.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  ...rest: Args<[weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number], BatchNormOptions>
): Tensor {
  const opts = parseArgs(BATCH_NORM, [input, runningMean, runningVar, ...rest]) as Required<BatchNormOptions>;
  const { training, eps, momentum } = opts;
  if (input.ndim < 2) throw new ValueError(`expected 2D or 3D input (got ${input.ndim}D input)`);
  if (training) {
    const count = input.numel() / input.shape[1];
    if (count <= 1) throw new ValueError(`Expected more than 1 value per channel when training, got input size ${torchSize(input.shape)}`);
    if (runningMean && runningVar) {
      noGrad(() => {
        const x = input.detach();
        const dims = [...input.shape.keys()].filter((d) => d !== 1);
        const mean = x.mean(dims, { keepdim: true });
        const variance = x.sub(mean).square().mean(dims, { keepdim: true });
        runningMean.mul_(1 - momentum).add_(mean.reshape(-1).mul(momentum));
        runningVar.mul_(1 - momentum).add_(variance.reshape(-1).mul((momentum * count) / (count - 1)));
      });
    }
    return normOp('nativeBatchNorm', input, opts.weight, opts.bias, [], { training, eps });
  }
  if (!runningMean || !runningVar) throw new RuntimeError('running_mean and running_var must be defined in evaluation mode');
  return normOp('nativeBatchNorm', input, opts.weight, opts.bias, [runningMean, runningVar], { training, eps });
}

/**
 * `F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5)`: normalises over the
 * trailing `normalizedShape` dims with the biased variance.
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  ...rest: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>
): Tensor {
  const { weight, bias, eps } = parseArgs(LAYER_NORM, [input, normalizedShape, ...rest]);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = input.shape.slice(input.ndim - ns.length);
  if (ns.length > input.ndim || tail.some((s, i) => s !== ns[i])) {
    throw new RuntimeError(`Given normalized_shape=[${ns.join(', ')}], expected input with shape [*, ${ns.join(', ')}], but got input of size[${input.shape.join(', ')}]`);
  }
  return normOp('nativeLayerNorm', input, weight, bias, [], { dims: ns.length, eps });
}

/**
 * `F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5)`: normalises each group of
 * `C / numGroups` channels of each sample, then applies the per-channel affine.
 */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  ...rest: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>
): Tensor {
  const { weight, bias, eps } = parseArgs(GROUP_NORM, [input, numGroups, ...rest]);
  if (input.ndim < 2) throw new RuntimeError(`Expected at least 2 dimensions for input tensor but received ${input.ndim}`);
  const C = input.shape[1];
  if (C % numGroups !== 0) {
    throw new RuntimeError(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${input.shape.join(', ')}] and num_groups=${numGroups}`);
  }
  return normOp('nativeGroupNorm', input, weight, bias, [], { groups: numGroups, eps });
}

/**
 * `F.dropout2d(input, p=0.5, training=True, inplace=False)`: zeroes whole channels of `[N, C, H, W]` (or
 * unbatched `[C, H, W]`) with probability `p`, scaling the rest by `1 / (1 - p)`.
 */
export function dropout2d(input: Tensor, ...rest: Args<[p: number, training: boolean, inplace: boolean], { p?: number; training?: boolean; inplace?: boolean }>): Tensor {
  const { p, training, inplace } = parseArgs(DROPOUT2D, [input, ...rest]);
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new RuntimeError(`dropout2d: Received a ${input.ndim}-D input to dropout2d, which is deprecated and will result in an error in a future release. Expected 3-D (unbatched) or 4-D (batched) input`);
  }
  if (!training || p === 0) return input;
  if (p === 1) return inplace ? input.mul_(0) : input.mul(0);
  const lead = input.shape.slice(0, input.ndim - 2);
  const mask = empty([...lead, 1, 1], { dtype: input.dtype, device: input.device }).bernoulli_(1 - p).div(1 - p);
  return inplace ? input.mul_(mask) : input.mul(mask);
}
