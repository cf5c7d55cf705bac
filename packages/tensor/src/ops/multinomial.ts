import { type Attrs, defineOp } from '../dispatcher.js';
import { isFloating } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { type Generator, defaultGenerator } from '../random.js';
import { dtypeTitle } from '../tensor.js';
import { fromStorage } from './util.js';

/** `torch.multinomial`: shape checks here, the draws in the backend's kernel (see cpu/multinomial.ts). */
defineOp('primitive', 'multinomial(Tensor self, int numSamples, bool replacement=False, *, Generator? generator=None) -> Tensor', ([p], { numSamples, replacement, generator }: Attrs) => {
  const n = numSamples as number;
  const gen = (generator as Generator | undefined) ?? defaultGenerator;
  if (p.ndim < 1 || p.ndim > 2) throw new RuntimeError('prob_dist must be 1 or 2 dim');
  if (!isFloating(p.dtype)) throw new RuntimeError(`multinomial only supports floating-point dtypes for input, got: ${dtypeTitle(p.dtype)}`);
  if (!Number.isInteger(n) || n <= 0) throw new RuntimeError('cannot sample n_sample <= 0 samples');
  const cats = p.shape[p.ndim - 1];
  if (!replacement && n > cats) throw new RuntimeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  if (cats > 2 ** 24) throw new RuntimeError('number of categories cannot exceed 2^24');
  const rows = p.ndim === 2 ? p.shape[0] : 1;
  const outShape = p.ndim === 2 ? [rows, n] : [n];
  return fromStorage(p.backend.multinomial(p, n, replacement as boolean, gen), outShape);
});
