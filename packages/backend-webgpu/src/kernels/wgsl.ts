import type { StridedView } from '@flambeau/tensor';

/** Threads per workgroup for the one-thread-per-element kernels. */
export const WG = 64;

/**
 * Shared WGSL: the metadata binding, NaN/Inf helpers that do not rely on `x != x` (which shader
 * compilers may fold away), the linear thread index over a 2-D grid, and the strided offset walk
 * that makes every kernel rank-agnostic: shapes and strides are read from the metadata words, so a
 * pipeline serves every rank and shape.
 */
export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> mt: array<u32>;
// Built from a var: WGSL constant evaluation rejects NaN and infinity.
fn nanF() -> f32 { var u = 0x7fc00000u; return bitcast<f32>(u); }
fn infF() -> f32 { var u = 0x7f800000u; return bitcast<f32>(u); }
fn isNanF(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isInfF(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn linearId(g: vec3u, n: vec3u) -> u32 { return g.x + g.y * n.x * ${WG}u; }
fn mi(k: u32) -> i32 { return bitcast<i32>(mt[k]); }
fn mf(k: u32) -> f32 { return bitcast<f32>(mt[k]); }
// Offset (without base) of the lin-th element, row-major over the shape at mt[sh..sh+rank), of a
// view whose strides are at mt[st..st+rank).
fn walk(lin0: u32, rank: u32, sh: u32, st: u32) -> i32 {
  var lin = lin0;
  var off = 0i;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let s = mt[sh + u32(d)];
    off += i32(lin % s) * mi(st + u32(d));
    lin = lin / s;
  }
  return off;
}
// The same, plus the view's offset stored at mt[st+rank].
fn stridedOffset(lin: u32, rank: u32, sh: u32, st: u32) -> u32 { return u32(walk(lin, rank, sh, st) + mi(st + rank)); }
`;

/**
 * \`atomicAddF32(i, v)\`: adds v to \`outb[i]\` (declared \`array<atomic<u32>>\`) with a
 * compare-and-swap loop on the float's bits, since WGSL has no float atomics.
 */
export const ATOMIC_ADD_F32 = /* wgsl */ `
fn atomicAddF32(i: u32, v: f32) {
  var old = atomicLoad(&outb[i]);
  loop {
    let r = atomicCompareExchangeWeak(&outb[i], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}
`;

export const ENTRY_WG = (size: string) => `@compute @workgroup_size(${size}) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32)`;

export const ENTRY = `@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u)`;

export function groupsFor(n: number, perGroup = WG): number {
  return Math.ceil(n / perGroup);
}

/** Words of a float as u32 bits. */
export function f32Bits(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}
export function i32Bits(x: number): number {
  return x >>> 0;
}

/** A view's strides then its offset, as metadata words. */
export function viewWords(v: Pick<StridedView, 'strides' | 'offset'>): number[] {
  return [...v.strides.map((s) => s >>> 0), v.offset >>> 0];
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguous(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { st[d] = acc; acc *= shape[d]; }
  return st;
}
