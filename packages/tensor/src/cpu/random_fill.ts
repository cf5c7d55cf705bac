import type { RandomKind, StridedView } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { allocArray } from '../dtype.js';
import { type Generator, fillNormal } from '../random.js';
import { contiguousStrides, isContiguous } from '../shape.js';
import { copyIntoKernel } from './indexing.js';
import { CpuStorage } from './storage.js';

/** Uniform [0, 1) draws with PyTorch's CPU bit recipe per dtype. */
export function fillUniform(out: TypedArray, dtype: string, a: number, b: number, gen: Generator): void {
  const double = dtype === 'float64';
  // float32: PyTorch casts the bounds to float and evaluates u·(to − from) + from as one fused
  // multiply-add; u·span is exact in a double, so one rounding to float reproduces it.
  const from = double ? a : Math.fround(a);
  const span = double ? b - a : Math.fround(Math.fround(b) - from);
  for (let i = 0; i < out.length; i++) {
    const u = double ? gen.uniformDouble() : gen.uniformFloat();
    out[i] = u * span + from;
  }
}

/**
 * Integers in [low, high) (PyTorch: `random() % range + low`; ranges of 2^32 or more take a
 * 64-bit draw, high word first, reduced exactly with BigInt).
 */
export function fillRandint(out: TypedArray, low: number, high: number, gen: Generator): void {
  const range = high - low;
  if (range >= 2 ** 32) {
    const r = BigInt(range);
    for (let i = 0; i < out.length; i++) {
      const hi = BigInt(gen.random());
      const lo = BigInt(gen.random());
      out[i] = low + Number(((hi << 32n) | lo) % r);
    }
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = low + (gen.random() % range);
}

/**
 * The CPU's `randomFill`: draws from PyTorch's CPU stream (mt19937) in the order PyTorch's
 * TensorIterator visits elements — memory order, dims sorted by stride — so seeded results match.
 */
export function randomFillKernel(x: StridedView, kind: RandomKind, a: number, b: number, gen: Generator): void {
  const n = x.shape.reduce((p, q) => p * q, 1);
  const vdtype = x.dtype === 'float32' ? 'float32' : 'float64';
  const vals = allocArray(vdtype, n);
  switch (kind) {
    case 'uniform':
      fillUniform(vals, x.dtype, a, b, gen);
      break;
    case 'normal':
      fillNormal(vals, a, b, gen, x.dtype === 'float64', isContiguous(x.shape, x.strides));
      break;
    case 'bernoulli':
      for (let i = 0; i < n; i++) vals[i] = gen.uniformDouble() < a ? 1 : 0;
      break;
    case 'randint':
      fillRandint(vals, a, b, gen);
      break;
    case 'exponential':
      for (let i = 0; i < n; i++) vals[i] = -Math.log1p(-gen.uniformDouble()) / a;
      break;
  }
  const order = x.shape.map((_, i) => i).sort((p, q) => x.strides[q] - x.strides[p] || p - q);
  const dst = { ...x, shape: order.map((i) => x.shape[i]), strides: order.map((i) => x.strides[i]) };
  copyIntoKernel(dst, { storage: new CpuStorage(x.storage.backend, vdtype, vals), dtype: vdtype, shape: dst.shape, strides: contiguousStrides(dst.shape), offset: 0 });
}

