import { type Args, type PadMode, type Tensor, declare, oneHot as oneHotOf, pad as padOf, parseArgs } from '@flambeau/tensor';

const PAD = declare('F.pad', 'pad(Tensor input, int[] pad, str mode="constant", float? value=None)');
const ONE_HOT = declare('F.oneHot', 'one_hot(Tensor input, int numClasses=-1)');

/**
 * `F.pad(input, pad, mode='constant', value=None)`: `pad` lists (before, after) pairs from the
 * last dim backwards; `value` (default 0) fills the constant mode.
 *
 * @example
 * F.pad(torch.ones(1, 2, 2), [1, 1], 'constant', 0.5).shape; // [1, 2, 4]
 */
export function pad(input: Tensor, ...rest: Args<[pad: readonly number[], mode: PadMode, value: number | null], { pad?: readonly number[]; mode?: PadMode; value?: number | null }>): Tensor {
  const a = parseArgs(PAD, [input, ...rest]);
  return padOf(input, typeof a.pad === 'number' ? [a.pad] : a.pad, a.mode, a.value ?? 0);
}

/**
 * `F.one_hot(tensor, num_classes=-1)`: int64 indices as one-hot rows; `-1` takes the largest
 * index + 1 (a readback, as in PyTorch).
 *
 * @example
 * F.oneHot(torch.tensor([0, 2]), 3); // tensor([[1, 0, 0], [0, 0, 1]])
 */
export function oneHot(input: Tensor, ...rest: Args<[numClasses: number], { numClasses?: number }>): Tensor {
  return oneHotOf(input, parseArgs(ONE_HOT, [input, ...rest]).numClasses);
}
