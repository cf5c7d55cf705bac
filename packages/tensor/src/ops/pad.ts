import { type Attrs, defineOp } from '../dispatcher.js';
import { RuntimeError } from '../errors.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { full } from './creation.js';
import { indexTensor } from './util.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Index map for one padded dim: which source position each output position reads. */
function padIndex(size: number, before: number, after: number, mode: PadMode): number[] {
  const out: number[] = [];
  for (let i = -before; i < size + after; i++) {
    let j = i;
    if (mode === 'reflect') {
      const period = 2 * (size - 1);
      j = period === 0 ? 0 : ((j % period) + period) % period;
      if (j >= size) j = period - j;
    } else if (mode === 'replicate') j = Math.min(Math.max(j, 0), size - 1);
    else if (mode === 'circular') j = ((j % size) + size) % size;
    out.push(j);
  }
  return out;
}

/**
 * `F.pad(x, pad, mode, value)`: `pad` lists (before, after) pairs from the last dim backwards.
 * Constant padding may be negative (cropping); the other modes gather with an index per dim, so
 * autograd gets their gradient from `indexSelect` for free.
 */
defineOp('composite', 'pad(Tensor self, int[] pad, str mode="constant", float? value=None) -> Tensor', ([x], { pad, mode, value }: Attrs) => {
  const p = pad as number[];
  const m = mode as PadMode;
  if (p.length % 2 !== 0) throw new RuntimeError('Padding length must be divisible by 2');
  const nd = p.length / 2;
  if (nd > x.ndim) throw new RuntimeError(`Padding length should be less than or equal to two times the input dimension but got padding length ${p.length} and input of dimension ${x.ndim}`);
  if (m === 'constant') {
    let out: Tensor = x;
    // Negative pads crop first; positive pads then grow the tensor.
    for (let k = 0; k < nd; k++) {
      const d = x.ndim - 1 - k;
      const [b, a] = [p[2 * k], p[2 * k + 1]];
      if (b < 0 || a < 0) out = out.narrow(d, Math.max(0, -b), out.shape[d] - Math.max(0, -b) - Math.max(0, -a));
    }
    const shape = [...out.shape];
    for (let k = 0; k < nd; k++) shape[x.ndim - 1 - k] += Math.max(0, p[2 * k]) + Math.max(0, p[2 * k + 1]);
    if (shape.some((s) => s < 0)) throw new RuntimeError(`The input size ${fmtShape(x.shape)}, plus negative padding ${fmtShape(p)} resulted in a negative output size, which is invalid. Check dimension ${x.ndim - 1} of your input.`);
    const res = full(shape, value as number, { dtype: x.dtype, device: x.device });
    let region: Tensor = res;
    for (let k = 0; k < nd; k++) {
      const d = x.ndim - 1 - k;
      region = region.narrow(d, Math.max(0, p[2 * k]), out.shape[d]);
    }
    // Written with the primitive kernel: `pad` is one op to autograd, whose formula slices back.
    res.backend.copyInto(region, out.contiguous());
    return res;
  }
  let out = x;
  for (let k = 0; k < nd; k++) {
    const d = x.ndim - 1 - k;
    const size = x.shape[d];
    const [b, a] = [p[2 * k], p[2 * k + 1]];
    if (m === 'reflect' && (b >= size || a >= size)) {
      throw new RuntimeError(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${b}, ${a}) at dimension ${d} of input ${fmtShape(x.shape)}`);
    }
    if (m === 'circular' && (b > size || a > size)) throw new RuntimeError('Padding value causes wrapping around more than once.');
    if (size === 0) throw new RuntimeError(`${m} padding of an empty dimension is not possible`);
    const idx = padIndex(size, b, a, m);
    out = out.indexSelect(d, indexTensor(idx, x.backend));
  }
  return out;
});
