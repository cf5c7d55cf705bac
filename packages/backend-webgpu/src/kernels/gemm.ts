import type { WgslType } from '../dtypes.js';
import { PRELUDE } from './wgsl.js';

/** Tile edge; each thread of a TILE×TILE workgroup computes an RM×R block of the output. */
const TILE = 16;
const R = 4;
/** Output tile width. */
export const BT = TILE * R;

/** Rows per thread: 4 (64-row tiles), or 1 (16-row tiles) when M is that small, as for conv layers with few channels. */
export function rowsPerThread(M: number): number {
  return M <= TILE ? 1 : R;
}

/**
 * A tiled GEMM whose operands are defined by WGSL functions instead of buffers, so one kernel
 * serves plain batched matmul over strided views and the three convolution passes as implicit
 * GEMMs (the im2col matrix is never built: `loadB` computes its element from the input).
 *
 * The caller supplies `fn loadA(q, row, k) -> T`, `fn loadB(q, k, col) -> T` and
 * `fn store(q, part, row, col, v: T)`, called only in bounds; metadata words 0..2 are M, K, N and
 * the rest are the caller's. Output: BT×BT tiles per workgroup, K consumed in TILE-deep slabs
 * staged in workgroup memory, a 4×4 register block per thread. With `splits` > 1 (split-K, for a
 * long K and few output tiles) each batch's K range is cut in that many parts, `part` says which,
 * and the caller sums the partial products. Grid: gemmGrid(M, N, batches · splits).
 */
export function gemmShader(t: WgslType, bindings: string, fns: string, M: number, splits = 1): string {
  const RM = rowsPerThread(M), BTM = TILE * RM;
  return `${PRELUDE}
${bindings}
${fns}
var<workgroup> As: array<array<${t}, ${TILE}>, ${BTM}>;
var<workgroup> Bs: array<array<${t}, ${BT}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = mt[0]; let K = mt[1]; let N = mt[2];
  let q = wid.z / ${splits}u; let part = wid.z % ${splits}u;
  let kc = ((K + ${splits - 1}u) / ${splits}u + ${TILE - 1}u) / ${TILE}u * ${TILE}u;
  let kBegin = part * kc; let kEnd = min(K, kBegin + kc);
  let row0 = wid.y * ${BTM}u; let col0 = wid.x * ${BT}u;
  var acc: array<array<${t}, ${R}>, ${RM}>;
  for (var k0 = kBegin; k0 < kEnd; k0 += ${TILE}u) {
    for (var r = 0u; r < ${RM}u; r++) {
      let ar = row0 + lid.y * ${RM}u + r; let ak = k0 + lid.x;
      var av: ${t} = ${t}(0);
      if (ar < M && ak < kEnd) { av = loadA(q, ar, ak); }
      As[lid.y * ${RM}u + r][lid.x] = av;
    }
    for (var r = 0u; r < ${R}u; r++) {
      let bk = k0 + lid.y; let bc = col0 + lid.x * ${R}u + r;
      var bv: ${t} = ${t}(0);
      if (bk < kEnd && bc < N) { bv = loadB(q, bk, bc); }
      Bs[lid.y][lid.x * ${R}u + r] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE}u; kk++) {
      var bcol: array<${t}, ${R}>;
      for (var c = 0u; c < ${R}u; c++) { bcol[c] = Bs[kk][lid.x * ${R}u + c]; }
      for (var r = 0u; r < ${RM}u; r++) {
        let av = As[lid.y * ${RM}u + r][kk];
        for (var c = 0u; c < ${R}u; c++) { acc[r][c] += av * bcol[c]; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < ${RM}u; r++) {
    let row = row0 + lid.y * ${RM}u + r;
    if (row >= M) { continue; }
    for (var c = 0u; c < ${R}u; c++) {
      let col = col0 + lid.x * ${R}u + c;
      if (col < N) { store(q, part, row, col, acc[r][c]); }
    }
  }
}`;
}

export function gemmGrid(M: number, N: number, batches: number): [number, number, number] {
  return [Math.ceil(N / BT), Math.ceil(M / (TILE * rowsPerThread(M))), batches];
}

/**
 * How many K parts make enough workgroups (about 256) without slivers of K under 512: a power
 * of two, so few pipeline variants exist.
 */
export function kSplits(M: number, N: number, K: number, batches: number): number {
  const [gx, gy] = gemmGrid(M, N, 1);
  const tiles = gx * gy * batches;
  let s = 1;
  while (s < 64 && tiles * s < 256 && K / (s * 2) >= 512) s *= 2;
  return s;
}
