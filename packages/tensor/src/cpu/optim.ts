import type { Attrs, OpImpl, OpResult } from '../dispatcher.js';
import type { TypedArray } from '../dtype.js';
import { isContiguous } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arr } from './storage.js';
import { wasmAdam, wasmKernels, wasmSgd } from './wasm_kernels.js';
import { nativeKernels } from './native.js';
import { nativeArgs } from './native_views.js';

/**
 * Fused optimizer steps (`sgdStep_`, `adamStep_`, `rmspropStep_`, defined in @flambeau/optim): one
 * pass over each parameter, in place, instead of a dozen elementwise kernels and copies.
 *
 * They are bit-identical to the ops' default sequence: that sequence stores every intermediate
 * tensor, so every intermediate is rounded here to the parameter's dtype (`r`), and every scalar
 * operand is converted to it first, as a tensor op with a JS number does. Multiplying by an
 * `alpha` of 1, which the unfused ops skip, is exact, so it needs no special case.
 */

type Round = (x: number) => number;
const same: Round = (x) => x;

/**
 * The typed arrays of `ts` when all are dense CPU tensors of `self`'s floating dtype and shape,
 * with distinct storages (an update reads and writes element i only); otherwise null.
 */
function denseArrays(ts: readonly Tensor[]): { data: TypedArray[]; offsets: number[]; r: Round } | null {
  const p = ts[0];
  if (p.dtype !== 'float32' && p.dtype !== 'float64') return null;
  const storages = new Set();
  for (const t of ts) {
    if (t.backend !== p.backend || t.dtype !== p.dtype || t.ndim !== p.ndim || !isContiguous(t.shape, t.strides)) return null;
    for (let i = 0; i < p.ndim; i++) if (t.shape[i] !== p.shape[i]) return null;
    storages.add(t.storage);
  }
  if (storages.size !== ts.length) return null;
  return { data: ts.map((t) => arr(t.storage)), offsets: ts.map((t) => t.offset), r: p.dtype === 'float32' ? Math.fround : same };
}

/** The parameter and its state were written (inputs 0 and 2…; input 1 is the gradient). */
function bumpVersions(ts: readonly Tensor[]): void {
  for (let i = 0; i < ts.length; i++) if (i !== 1) ts[i]._version.value++;
}

/** SGD with momentum, dampening, Nesterov, L2 weight decay, maximize. */
export const sgdStep: OpImpl = (inputs, attrs, fallback): OpResult => {
  const dense = denseArrays(inputs);
  if (!dense) return fallback(inputs, attrs, fallback);
  const { data: [P, G, B], offsets: [op, og, ob], r } = dense;
  const a = attrs as Attrs & Record<string, number>;
  const hasBuf = inputs.length > 2;
  const wd = r(a.weightDecay);
  const mom = r(a.momentum);
  const keep = r(1 - a.dampening);
  const step = r(-a.lr);
  const sign = attrs.maximize ? -1 : 1;
  const decay = a.weightDecay !== 0;
  const first = attrs.first === true;
  const nesterov = attrs.nesterov === true;
  const n = inputs[0].numel();
  const nat = nativeKernels();
  if (nat) {
    nat.sgd(P, G, hasBuf ? B : null, nativeArgs(n, op, og, hasBuf ? ob : 0, wd, mom, keep, step, sign < 0 ? 1 : 0, +decay, +first, +nesterov));
    bumpVersions(inputs);
    return inputs[0];
  }
  const m = r === Math.fround ? wasmKernels() : null;
  if (m) {
    wasmSgd(m, dense.data, dense.offsets, n, { wd, mom, keep, step, maximize: sign < 0, decay, first, nesterov });
    bumpVersions(inputs);
    return inputs[0];
  }
  for (let i = 0; i < n; i++) {
    const p = P[op + i];
    let d = sign * G[og + i];
    if (decay) d = r(d + r(p * wd));
    if (hasBuf) {
      const b = first ? d : r(r(B[ob + i] * mom) + r(d * keep));
      B[ob + i] = b;
      d = nesterov ? r(d + r(b * mom)) : b;
    }
    P[op + i] = r(p + r(d * step));
  }
  bumpVersions(inputs);
  return inputs[0];
};

/** Adam / AdamW (decoupled decay), amsgrad, maximize. */
export const adamStep: OpImpl = (inputs, attrs, fallback): OpResult => {
  const dense = denseArrays(inputs);
  if (!dense) return fallback(inputs, attrs, fallback);
  const { data: [P, G, M, V, X], offsets: [op, og, om, ov, ox], r } = dense;
  const a = attrs as Attrs & Record<string, number>;
  const decoupled = attrs.decoupled === true;
  const amsgrad = inputs.length > 4;
  const shrink = r(1 - a.lr * a.weightDecay);
  const decay = !decoupled && a.weightDecay !== 0;
  const wd = r(a.weightDecay);
  const b1 = r(a.beta1), k1 = r(1 - a.beta1);
  const b2 = r(a.beta2), k2 = r(1 - a.beta2);
  const bc2 = r(Math.sqrt(1 - a.beta2 ** a.step));
  const eps = r(a.eps);
  const step = r(-(a.lr / (1 - a.beta1 ** a.step)));
  const sign = attrs.maximize ? -1 : 1;
  const n = inputs[0].numel();
  const nat = nativeKernels();
  if (nat) {
    nat.adam(P, G, M, V, amsgrad ? X : null, nativeArgs(n, op, og, om, ov, amsgrad ? ox : 0, shrink, wd, b1, k1, b2, k2, bc2, eps, step,
      sign < 0 ? 1 : 0, +decoupled, +decay));
    bumpVersions(inputs);
    return inputs[0];
  }
  const m = r === Math.fround ? wasmKernels() : null;
  if (m) {
    wasmAdam(m, dense.data, dense.offsets, n, { shrink, wd, b1, k1, b2, k2, bc2, eps, step, maximize: sign < 0, decoupled, decay });
    bumpVersions(inputs);
    return inputs[0];
  }
  for (let i = 0; i < n; i++) {
    let p = P[op + i];
    if (decoupled) p = r(p * shrink);
    let g = sign * G[og + i];
    if (decay) g = r(g + r(p * wd));
    const m = r(r(M[om + i] * b1) + r(g * k1));
    const v = r(r(V[ov + i] * b2) + r(r(g * g) * k2));
    M[om + i] = m;
    V[ov + i] = v;
    let second = v;
    if (amsgrad) {
      const x = X[ox + i];
      second = x !== x || v !== v ? NaN : x > v ? x : v;
      X[ox + i] = second;
    }
    const denom = r(r(r(Math.sqrt(second)) / bc2) + eps);
    P[op + i] = r(p + r(r(m / denom) * step));
  }
  bumpVersions(inputs);
  return inputs[0];
};

/** RMSprop, centered or not, with momentum, L2 weight decay, maximize. */
export const rmspropStep: OpImpl = (inputs, attrs, fallback): OpResult => {
  const dense = denseArrays(inputs);
  if (!dense) return fallback(inputs, attrs, fallback);
  const { data, offsets, r } = dense;
  const [P, G, S] = data;
  const [op, og, os] = offsets;
  const a = attrs as Attrs & Record<string, number>;
  const hasBuf = a.momentum > 0;
  const centered = attrs.centered === true;
  const B = hasBuf ? data[3] : S, ob = hasBuf ? offsets[3] : 0;
  const A = centered ? data[data.length - 1] : S, oa = centered ? offsets[offsets.length - 1] : 0;
  const wd = r(a.weightDecay);
  const decay = a.weightDecay !== 0;
  const al = r(a.alpha), k = r(1 - a.alpha);
  const eps = r(a.eps);
  const mom = r(a.momentum);
  const step = r(-a.lr);
  const sign = attrs.maximize ? -1 : 1;
  const n = inputs[0].numel();
  const nat = nativeKernels();
  if (nat) {
    nat.rmsprop(P, G, S, hasBuf ? B : null, centered ? A : null, nativeArgs(n, op, og, os, hasBuf ? ob : 0, centered ? oa : 0, wd, al, k, eps,
      mom, step, sign < 0 ? 1 : 0, +decay));
    bumpVersions(inputs);
    return inputs[0];
  }
  for (let i = 0; i < n; i++) {
    const p = P[op + i];
    let g = sign * G[og + i];
    if (decay) g = r(g + r(p * wd));
    const s = r(r(S[os + i] * al) + r(r(g * g) * k));
    S[os + i] = s;
    let avg;
    if (centered) {
      const ga = r(r(A[oa + i] * al) + r(g * k));
      A[oa + i] = ga;
      avg = r(Math.sqrt(r(s - r(ga * ga))));
    } else {
      avg = r(Math.sqrt(s));
    }
    avg = r(avg + eps);
    if (hasBuf) {
      const b = r(r(B[ob + i] * mom) + r(g / avg));
      B[ob + i] = b;
      P[op + i] = r(p + r(b * step));
    } else {
      P[op + i] = r(p + r(r(g / avg) * step));
    }
  }
  bumpVersions(inputs);
  return inputs[0];
};
