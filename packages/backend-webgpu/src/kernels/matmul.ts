import type { DType, StridedView } from '@flambeau/tensor';
import { castExpr, wgslType } from '../dtypes.js';
import { type KernelHost, type WebGPUStorage, bufferOf } from '../storage.js';
import { PRELUDE, viewWords } from './wgsl.js';

/** Tile edge; each thread of a TILE×TILE workgroup computes a RM×RN block of the output. */
const TILE = 16;
const R = 4;
const BT = TILE * R;

/**
 * Batched GEMM a [B, M, K] · b [B, K, N] over arbitrary strides (transposed operands and
 * broadcast batches read in place, no copies): BT×BT output tiles, K consumed in TILE-deep slabs
 * staged in workgroup memory, each thread accumulating a 4×4 register block.
 */
export function matmul(k: KernelHost, a: StridedView, b: StridedView, outDtype: DType): WebGPUStorage {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const out = k.out(outDtype, B * M * N);
  const t = wgslType(outDtype);
  const la = (e: string) => castExpr(e, a.dtype, outDtype);
  const lb = (e: string) => castExpr(e, b.dtype, outDtype);
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<${t}>;
@group(0) @binding(2) var<storage, read> ab: array<${wgslType(a.dtype)}>;
@group(0) @binding(3) var<storage, read> bb: array<${wgslType(b.dtype)}>;
var<workgroup> As: array<array<${t}, ${TILE}>, ${BT}>;
var<workgroup> Bs: array<array<${t}, ${BT}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = mt[0]; let K = mt[1]; let N = mt[2];
  // a strides (batch, row, k) + offset at 3..6, b strides (batch, k, col) + offset at 7..10.
  let q = wid.z;
  let aBase = i32(q) * mi(3u) + mi(6u);
  let bBase = i32(q) * mi(7u) + mi(10u);
  let row0 = wid.y * ${BT}u; let col0 = wid.x * ${BT}u;
  var acc: array<array<${t}, ${R}>, ${R}>;
  for (var k0 = 0u; k0 < K; k0 += ${TILE}u) {
    for (var r = 0u; r < ${R}u; r++) {
      let ar = row0 + lid.y * ${R}u + r; let ak = k0 + lid.x;
      var av: ${t} = ${t}(0);
      if (ar < M && ak < K) { av = ${la('ab[u32(aBase + i32(ar) * mi(4u) + i32(ak) * mi(5u))]')}; }
      As[lid.y * ${R}u + r][lid.x] = av;
      let bk = k0 + lid.y; let bc = col0 + lid.x * ${R}u + r;
      var bv: ${t} = ${t}(0);
      if (bk < K && bc < N) { bv = ${lb('bb[u32(bBase + i32(bk) * mi(8u) + i32(bc) * mi(9u))]')}; }
      Bs[lid.y][lid.x * ${R}u + r] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE}u; kk++) {
      var bcol: array<${t}, ${R}>;
      for (var c = 0u; c < ${R}u; c++) { bcol[c] = Bs[kk][lid.x * ${R}u + c]; }
      for (var r = 0u; r < ${R}u; r++) {
        let av = As[lid.y * ${R}u + r][kk];
        for (var c = 0u; c < ${R}u; c++) { acc[r][c] += av * bcol[c]; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < ${R}u; r++) {
    let row = row0 + lid.y * ${R}u + r;
    if (row >= M) { continue; }
    for (var c = 0u; c < ${R}u; c++) {
      let col = col0 + lid.x * ${R}u + c;
      if (col < N) { outb[(q * M + row) * N + col] = acc[r][c]; }
    }
  }
}`;
  const meta = [M, K, N, ...viewWords(a), ...viewWords(b)];
  const n = B * M * N;
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(a), bufferOf(b)], workgroups: n, grid: [Math.ceil(N / BT), Math.ceil(M / BT), B] });
  return out;
}
