import type { DType, StridedView } from '@flambeau/tensor';
import { castExpr, wgslType } from '../dtypes.js';
import { type KernelHost, type WebGPUStorage, bufferOf } from '../storage.js';
import { ENTRY, PRELUDE, f32Bits, groupsFor, numel, viewWords } from './wgsl.js';

import type { RandomKind } from '@flambeau/tensor';

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
 * counter-based generator PyTorch's CUDA backend uses: element i of a call draws from counter
 * (offset + i, 0, 0) under key seed, so results depend only on (seed, offset, i) — not on the
 * grid, the device or the order kernels run in.
 */
export const PHILOX = /* wgsl */ `
fn mulhilo(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2u(p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u), a * b);
}
fn philox(ctr0: vec4u, key0: vec2u) -> vec4u {
  var c = ctr0; var k = key0;
  for (var r = 0u; r < 10u; r++) {
    let m0 = mulhilo(0xD2511F53u, c.x); let m1 = mulhilo(0xCD9E8D57u, c.z);
    c = vec4u(m1.x ^ c.y ^ k.x, m1.y, m0.x ^ c.w ^ k.y, m0.y);
    k = k + vec2u(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}
fn unit(u: u32) -> f32 { return f32(u >> 8u) * (1.0 / 16777216.0); }
`;

function draw(kind: RandomKind): string {
  switch (kind) {
    case 'uniform': return 'a + (b - a) * unit(w.x)';
    // Box–Muller on (0, 1] × [0, 1).
    case 'normal': return 'a + b * sqrt(-2.0 * log(f32((w.x >> 8u) + 1u) * (1.0 / 16777216.0))) * cos(6.283185307179586 * unit(w.y))';
    case 'bernoulli': return 'select(0.0, 1.0, unit(w.x) < a)';
    case 'exponential': return '-log(1.0 - unit(w.x)) / a';
    case 'randint': return 'a + f32(w.x % u32(b - a))';
  }
}

/** Fills the view `dst` with draws of `kind` (parameters a, b as in the Backend contract). */
export function randomFill(k: KernelHost, dst: StridedView, kind: RandomKind, a: number, b: number, seed: number, offset: number): void {
  const n = numel(dst.shape), r = dst.shape.length;
  const t = wgslType(dst.dtype);
  const value = kind === 'randint' && t === 'i32' ? `i32(mi(sb)) + i32(w.x % u32(mi(sb + 1u) - mi(sb)))` : castExpr(draw(kind), 'float32', dst.dtype as DType);
  const code = `${PRELUDE}${PHILOX}
@group(0) @binding(1) var<storage, read_write> outb: array<${t}>;
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  let rank = mt[1];
  let sb = 7u + 2u * rank;
  let a = mf(sb + 2u); let b = mf(sb + 3u);
  let lo = mt[5u + 2u * rank] + i;
  let hi = mt[6u + 2u * rank] + select(0u, 1u, lo < i);
  let w = philox(vec4u(lo, hi, 0u, 0u), vec2u(mt[3u + 2u * rank], mt[4u + 2u * rank]));
  outb[stridedOffset(i, rank, 2u, 2u + rank)] = ${value};
}`;
  const split = (x: number) => [x % 2 ** 32 >>> 0, Math.floor(x / 2 ** 32) >>> 0];
  // meta: n, rank, shape, strides+off, seed lo/hi, offset lo/hi, [int a, int b], float a, float b
  const meta = [n, r, ...dst.shape, ...viewWords(dst), ...split(seed), ...split(offset), a | 0, b | 0, f32Bits(a), f32Bits(b)];
  // int randint bounds sit at sb, sb+1; float parameters at sb+2, sb+3.
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(dst)], workgroups: groupsFor(n) });
}

/**
 * `torch.multinomial`: one thread per row draws its samples in order by inverse CDF over the
 * row's weights (those already drawn excluded when sampling without replacement), with sample s
 * of row r taking Philox counter r·numSamples + s.
 */
export function multinomial(k: KernelHost, p: StridedView, numSamples: number, replacement: boolean, seed: number): WebGPUStorage {
  const rows = p.shape.length === 1 ? 1 : p.shape[0];
  const n = p.shape[p.shape.length - 1];
  const out = k.out('int64', rows * numSamples);
  const [rs, cs] = p.shape.length === 1 ? [0, p.strides[0]] : p.strides;
  const code = `${PRELUDE}${PHILOX}
@group(0) @binding(1) var<storage, read_write> outb: array<i32>;
@group(0) @binding(2) var<storage, read> pb: array<${wgslType(p.dtype)}>;
fn chosen(base: u32, s: u32, c: i32) -> bool {
  for (var t = 0u; t < s; t++) { if (outb[base + t] == c) { return true; } }
  return false;
}
${ENTRY} {
  let row = linearId(gid, nwg);
  if (row >= mt[0]) { return; }
  let n = i32(mt[1]); let ns = mt[2]; let repl = mt[3] != 0u;
  let pBase = i32(row) * mi(4u) + mi(6u);
  let base = row * ns;
  for (var s = 0u; s < ns; s++) {
    var total = 0.0;
    for (var c = 0i; c < n; c++) { if (repl || !chosen(base, s, c)) { total += f32(pb[u32(pBase + c * mi(5u))]); } }
    let w = philox(vec4u(base + s, 0u, 0u, 0u), vec2u(mt[7], mt[8]));
    let u = unit(w.x) * total;
    var acc = 0.0; var pick = -1i; var last = -1i;
    for (var c = 0i; c < n; c++) {
      if (!repl && chosen(base, s, c)) { continue; }
      let wc = f32(pb[u32(pBase + c * mi(5u))]);
      if (wc > 0.0) { last = c; }
      acc += wc;
      if (pick < 0 && wc > 0.0 && u < acc) { pick = c; }
    }
    outb[base + s] = select(pick, last, pick < 0);
  }
}`;
  const split = (x: number) => [x % 2 ** 32 >>> 0, Math.floor(x / 2 ** 32) >>> 0];
  const meta = [rows, n, numSamples, replacement ? 1 : 0, rs >>> 0, cs >>> 0, p.offset, ...split(seed)];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(p)], workgroups: groupsFor(rows) });
  return out;
}
