import type { StridedView, Storage } from '../backend.js';
import { type DType, type TypedArray, allocArray } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import type { Generator } from '../random.js';
import { denseCopy } from './indexing.js';

/**
 * PyTorch 1.13's CPU `multinomial`, drawing the same numbers from the generator:
 * without replacement the exponential race `argmax/topk(p / q)` with `q ~ Exp(1)` drawn by
 * `exponential_` into a tensor laid out like `p`; with replacement, per row, a normalised
 * cumulative distribution (accumulated in the input's precision) searched with one double
 * uniform per sample. Zero-probability categories tie at 0 in the race, and PyTorch's `topk`
 * orders ties arbitrarily, so only those trailing picks may differ from PyTorch's.
 */
export function multinomialKernel(p: StridedView, n: number, replacement: boolean, gen: Generator, make: (d: DType, a: TypedArray) => Storage): Storage {
  const cats = p.shape[p.shape.length - 1];
  const rows = p.shape.length === 2 ? p.shape[0] : 1;
  const out = new Float64Array(rows * n);
  if (out.length === 0) return make('int64', out);
  const probs = denseCopy(p, p.dtype);
  // Float inputs compute in float, as PyTorch's kernels do in scalar_t.
  const r = p.dtype === 'float32' ? Math.fround : (x: number) => x;
  if (!replacement) {
    let ok = true;
    for (const v of probs) if (!(v < Infinity && v >= 0)) ok = false;
    if (!ok) throw new RuntimeError('probability tensor contains either `inf`, `nan` or element < 0');
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cats; j++) s += probs[i * cats + j];
      if (s === 0) throw new RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)');
    }
    // exponential_ computes -log(1 - u) in double and casts to the tensor's dtype.
    // q = empty_like(p) keeps a dense p's strides, so the draws land in p's memory order.
    const key = allocArray(p.dtype, probs.length);
    const colMajor = rows > 1 && cats > 1 && isTransposedDense(p.shape, p.strides);
    for (let k = 0; k < probs.length; k++) {
      const at = colMajor ? (k % rows) * cats + Math.floor(k / rows) : k;
      key[at] = r(probs[at] / r(-Math.log(1 - gen.uniformDouble())));
    }
    const order = Array.from({ length: cats }, (_, j) => j);
    for (let i = 0; i < rows; i++) {
      const base = i * cats;
      if (n === 1) {
        let best = 0;
        for (let j = 1; j < cats; j++) if (key[base + j] > key[base + best]) best = j;
        out[i] = best;
      } else {
        const idx = order.slice().sort((a, b) => key[base + b] - key[base + a] || a - b);
        for (let j = 0; j < n; j++) out[i * n + j] = idx[j];
      }
    }
    return make('int64', out);
  }
  const cum = allocArray(p.dtype, cats);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < cats; j++) {
      const v = probs[i * cats + j];
      if (!(v >= 0)) throw new RuntimeError('invalid multinomial distribution (encountering probability entry < 0)');
      if (!Number.isFinite(v)) throw new RuntimeError('invalid multinomial distribution (encountering probability entry = infinity or NaN)');
      sum = r(sum + v);
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)');
    for (let j = 0; j < cats; j++) cum[j] = r(cum[j] / sum);
    // The search must end in a bucket even when rounding left the total short of 1.
    cum[cats - 1] = 1;
    for (let k = 0; k < n; k++) {
      const u = gen.uniformDouble();
      let lo = 0;
      let hi = cats;
      while (hi - lo > 0) {
        const mid = lo + ((hi - lo) >> 1);
        if (cum[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      out[i * n + k] = lo;
    }
  }
  return make('int64', out);
}

/** A 2-d tensor stored column by column without gaps (a transposed contiguous one). */
function isTransposedDense(shape: readonly number[], strides: readonly number[]): boolean {
  return strides[0] === 1 && strides[1] === shape[0];
}
