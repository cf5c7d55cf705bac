import type { StridedView } from '@flambeau/tensor';
import { wgslType } from '../dtypes.js';
import { type KernelHost, type WebGPUStorage, bufferOf } from '../storage.js';
import { copy } from './elementwise.js';
import { LINES, linesMeta } from './reduce.js';
import { ATOMIC_ADD_F32, ENTRY, PRELUDE, contiguous, groupsFor, numel, viewWords } from './wgsl.js';

/**
 * Index kernels, one thread per output element. Accumulating ones (scatter-add, index_add with
 * few indices) loop over the candidate sources of their own element instead of using atomics:
 * deterministic, and the sum runs in the same order as on the CPU.
 */
const COORD = /* wgsl */ `
// Coordinate d of the lin-th element, row-major over the shape at mt[sh..sh+rank).
fn coord(lin0: u32, rank: u32, sh: u32, d: u32) -> u32 {
  var lin = lin0;
  for (var e = rank - 1u; e > d; e--) { lin = lin / mt[sh + e]; }
  return lin % mt[sh + d];
}
`;

/** One thread per output element; `body` sees i (element), r (rank) and dim. */
function indexKernel(k: KernelHost, n: number, out: WebGPUStorage, inputs: [string, StridedView][], body: string, meta: number[]): void {
  const code = `${PRELUDE}${COORD}
@group(0) @binding(1) var<storage, read_write> outb: array<${wgslType(out.dtype)}>;
${inputs.map(([name, v], j) => `@group(0) @binding(${j + 2}) var<storage, read> ${name}: array<${wgslType(v.dtype)}>;`).join('\n')}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  let r = mt[1]; let dim = mt[2];
${body}
}`;
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), ...inputs.map(([, v]) => bufferOf(v))], workgroups: groupsFor(n) });
}

export function gather(k: KernelHost, x: StridedView, dim: number, index: StridedView): WebGPUStorage {
  const n = numel(index.shape), r = index.shape.length;
  const out = k.out(x.dtype, n);
  // meta: n, rank, dim, idxShape, idxStrides+off, xStrides+off
  indexKernel(k, n, out, [['xb', x], ['ib', index]], `
  let io = stridedOffset(i, r, 3u, 3u + r);
  let xsb = 4u + 2u * r;
  var xo = mi(xsb + r) + ib[io] * mi(xsb + dim);
  var lin = i;
  for (var d = i32(r) - 1; d >= 0; d--) {
    let s = mt[3u + u32(d)];
    if (u32(d) != dim) { xo += i32(lin % s) * mi(xsb + u32(d)); }
    lin = lin / s;
  }
  outb[i] = xb[u32(xo)];`, [n, r, dim, ...index.shape, ...viewWords(index), ...viewWords(x)]);
  return out;
}

export function indexSelect(k: KernelHost, x: StridedView, dim: number, index: StridedView): WebGPUStorage {
  const shape = x.shape.map((s, d) => (d === dim ? index.shape[0] : s));
  const n = numel(shape), r = shape.length;
  const out = k.out(x.dtype, n);
  // meta: n, rank, dim, outShape, xStrides+off, idxStride, idxOff
  indexKernel(k, n, out, [['xb', x], ['ib', index]], `
  let xsb = 3u + r;
  let c = coord(i, r, 3u, dim);
  let sel = ib[u32(mi(xsb + r + 2u) + i32(c) * mi(xsb + r + 1u))];
  let xo = stridedOffset(i, r, 3u, xsb);
  outb[i] = xb[u32(i32(xo) + (sel - i32(c)) * mi(xsb + dim))];`, [n, r, dim, ...shape, ...viewWords(x), index.strides[0] >>> 0, index.offset]);
  return out;
}

/** From this many indices on, index_add scatters with atomics instead of each output scanning them all. */
const ATOMIC_INDEX_ADD = 32;

/**
 * index_add with many indices (an embedding's backward: a large table, a long index): one thread
 * per source element adds it into a copy of x atomically. Float sums then run in no fixed order,
 * so results may differ from the CPU in the last bits.
 */
function indexAddAtomic(k: KernelHost, x: StridedView, dim: number, index: StridedView, src: StridedView): WebGPUStorage {
  const out = copy(k, x, x.dtype);
  const m = numel(src.shape), r = src.shape.length;
  const isFloat = x.dtype === 'float32';
  // meta: m, rank, dim, srcShape, srcStrides+off, outStrides, idxStride, idxOff
  const code = `${PRELUDE}${COORD}
@group(0) @binding(1) var<storage, read_write> outb: array<atomic<${isFloat ? 'u32' : 'i32'}>>;
@group(0) @binding(2) var<storage, read> sb: array<${wgslType(src.dtype)}>;
@group(0) @binding(3) var<storage, read> ib: array<i32>;
${isFloat ? ATOMIC_ADD_F32 : ''}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  let r = mt[1]; let dim = mt[2];
  let os = 4u + 2u * r;
  let j = coord(i, r, 3u, dim);
  let t = ib[u32(mi(os + r + 1u) + i32(j) * mi(os + r))];
  let dst = u32(walk(i, r, 3u, os) + (t - i32(j)) * mi(os + dim));
  let v = sb[stridedOffset(i, r, 3u, 3u + r)];
  ${isFloat ? 'atomicAddF32(dst, v);' : 'atomicAdd(&outb[dst], v);'}
}`;
  const meta = [m, r, dim, ...src.shape, ...viewWords(src), ...contiguous(x.shape), index.strides[0] >>> 0, index.offset];
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(src), bufferOf(index)], workgroups: groupsFor(m) });
  return out;
}

export function indexAdd(k: KernelHost, x: StridedView, dim: number, index: StridedView, src: StridedView): WebGPUStorage {
  if (index.shape[0] >= ATOMIC_INDEX_ADD && (x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'int64')) {
    return indexAddAtomic(k, x, dim, index, src);
  }
  const n = numel(x.shape), r = x.shape.length;
  const out = k.out(x.dtype, n);
  // meta: n, rank, dim, xShape, xStrides+off, srcStrides+off, idxStride, idxOff, nIdx
  indexKernel(k, n, out, [['xb', x], ['sb', src], ['ib', index]], `
  let xsb = 3u + r; let ssb = 4u + 2u * r; let tail = 5u + 3u * r;
  let c = i32(coord(i, r, 3u, dim));
  var acc = xb[stridedOffset(i, r, 3u, xsb)];
  let so = i32(stridedOffset(i, r, 3u, ssb)) - c * mi(ssb + dim);
  for (var j = 0u; j < mt[tail + 2u]; j++) {
    if (ib[u32(mi(tail + 1u) + i32(j) * mi(tail))] == c) { acc += sb[u32(so + i32(j) * mi(ssb + dim))]; }
  }
  outb[i] = acc;`, [n, r, dim, ...x.shape, ...viewWords(x), ...viewWords(src), index.strides[0] >>> 0, index.offset, index.shape[0]]);
  return out;
}

export function scatter(k: KernelHost, x: StridedView, dim: number, index: StridedView, src: StridedView, reduce: 'none' | 'add'): WebGPUStorage {
  const n = numel(x.shape), r = x.shape.length;
  const out = k.out(x.dtype, n);
  // meta: n, rank, dim, xShape, xStrides+off, idxShape, idxStrides+off, srcStrides+off
  indexKernel(k, n, out, [['xb', x], ['sb', src], ['ib', index]], `
  let xsb = 3u + r; let ish = 4u + 2u * r; let isb = 4u + 3u * r; let ssb = 5u + 4u * r;
  var acc = xb[stridedOffset(i, r, 3u, xsb)];
  // Offsets of this element's line (all coordinates but dim) inside index and src; skip when
  // the element lies outside index's extent.
  var io = mi(isb + r); var so = mi(ssb + r);
  var inside = true;
  var lin = i;
  for (var d = i32(r) - 1; d >= 0; d--) {
    let s = mt[3u + u32(d)];
    let cd = lin % s;
    lin = lin / s;
    if (u32(d) == dim) { continue; }
    if (cd >= mt[ish + u32(d)]) { inside = false; }
    io += i32(cd) * mi(isb + u32(d)); so += i32(cd) * mi(ssb + u32(d));
  }
  let c = i32(coord(i, r, 3u, dim));
  if (inside) {
    for (var q = 0i; q < i32(mt[ish + dim]); q++) {
      if (ib[u32(io + q * mi(isb + dim))] == c) { ${reduce === 'add' ? 'acc += ' : 'acc = '}sb[u32(so + q * mi(ssb + dim))]; }
    }
  }
  outb[i] = acc;`, [n, r, dim, ...x.shape, ...viewWords(x), ...index.shape, ...viewWords(index), ...viewWords(src)]);
  return out;
}

/**
 * Stable sort along `dim` by ranking: the thread of element i counts the elements that must come
 * before it (smaller, or equal with a lower index; NaN last ascending and first descending, as in
 * PyTorch) and writes it to that position.
 */
export function sort(k: KernelHost, x: StridedView, dim: number, descending: boolean): [WebGPUStorage, WebGPUStorage] {
  const n = numel(x.shape);
  const vals = k.out(x.dtype, n);
  const idx = k.out('int64', n);
  const t = wgslType(x.dtype);
  const isNan = (e: string) => (t === 'f32' ? `isNanF(${e})` : 'false');
  const cmp = descending ? '>' : '<';
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> vb: array<${t}>;
@group(0) @binding(2) var<storage, read_write> ixb: array<i32>;
@group(0) @binding(3) var<storage, read> xb: array<${t}>;
fn before(a: ${t}, ia: i32, b: ${t}, ib: i32) -> bool {
  let na = ${isNan('a')}; let nb = ${isNan('b')};
  if (na || nb) {
    if (na && nb) { return ia < ib; }
    return ${descending ? 'na' : 'nb'};
  }
  return (a ${cmp} b) || (a == b && ia < ib);
}
${ENTRY} {
  let id = linearId(gid, nwg);
  let len0 = mt[3u + 3u * mt[1]];
  if (len0 == 0u || id >= mt[0] * len0) { return; }
  let o = id / len0; let i = i32(id % len0);
  ${LINES}
  let v = xb[u32(xBase + i * xs)];
  var rank = 0i;
  for (var j = 0i; j < i32(len); j++) { if (before(xb[u32(xBase + j * xs)], j, v, i)) { rank++; } }
  vb[u32(oBase + rank * os)] = v;
  ixb[u32(oBase + rank * os)] = i;
}`;
  k.ctx.dispatch({ code, meta: linesMeta(x, dim), buffers: [bufferOf(vals), bufferOf(idx), bufferOf(x)], workgroups: groupsFor(n) });
  return [vals, idx];
}
