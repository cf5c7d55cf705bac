import { type Args, type Tensor, ValueError, declare, emptyLike, parseArgs } from '@flambeau/tensor';

const DROPOUT = declare('F.dropout', 'dropout(Tensor input, float p=0.5, bool training=True, bool inplace=False)');

/**
 * `F.dropout(input, p=0.5, training=True, inplace=False)`: zeroes elements with probability p and
 * scales the rest by 1/(1−p). The mask is `empty_like(x).bernoulli_(1 − p)`, drawn from the default
 * generator exactly as PyTorch's CPU kernel does, so seeded runs match.
 *
 * @example
 * torch.manualSeed(0);
 * F.dropout(torch.ones(4), 0.5); // same zeros as PyTorch after torch.manual_seed(0)
 */
export function dropout(input: Tensor, ...rest: Args<[p: number, training: boolean, inplace: boolean], { p?: number; training?: boolean; inplace?: boolean }>): Tensor {
  const { p, training, inplace } = parseArgs(DROPOUT, [input, ...rest]) as { p: number; training: boolean; inplace: boolean };
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 0 || !training || input.numel() === 0) return input;
  if (p === 1) return inplace ? input.mul_(0) : input.mul(0);
  const noise = emptyLike(input).bernoulli_(1 - p).div_(1 - p);
  return inplace ? input.mul_(noise) : input.mul(noise);
}
