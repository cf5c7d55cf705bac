import type { DType, StridedView } from '@flambeau/tensor';
import { castExpr, mathDtype, wgslType } from '../dtypes.js';
import { type KernelHost, type WebGPUStorage, bufferOf } from '../storage.js';
import { gemmGrid, gemmShader } from './gemm.js';
import { viewWords } from './wgsl.js';

/**
 * Batched GEMM a [B, M, K] · b [B, K, N] → [B, M, N] over arbitrary strides: transposed operands
 * and broadcast batches (stride 0) are read in place, never copied. With `bias` (a [M, N] view,
 * broadcast by zero strides, of the output dtype) the kernel adds it to the finished f32 sum as it
 * stores, so `addmm` is one dispatch.
 */
export function matmul(k: KernelHost, a: StridedView, b: StridedView, outDtype: DType, bias?: StridedView): WebGPUStorage {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const out = k.out(outDtype, B * M * N);
  // float16 operands are multiplied and accumulated in f32 and the result stored as f16.
  const acc = mathDtype(outDtype);
  const t = wgslType(acc);
  // meta: M K N | a strides (batch, row, k) + offset at 3..6 | b strides (batch, k, col) + offset at 7..10
  const code = gemmShader(t, `
@group(0) @binding(1) var<storage, read_write> outb: array<${wgslType(outDtype)}>;
@group(0) @binding(2) var<storage, read> ab: array<${wgslType(a.dtype)}>;
@group(0) @binding(3) var<storage, read> bb: array<${wgslType(b.dtype)}>;${bias ? `
@group(0) @binding(4) var<storage, read> biasb: array<${wgslType(bias.dtype)}>;` : ''}`, `
fn loadA(q: u32, r: u32, k: u32) -> ${t} { return ${castExpr('ab[u32(i32(q) * mi(3u) + i32(r) * mi(4u) + i32(k) * mi(5u) + mi(6u))]', a.dtype, acc)}; }
fn loadB(q: u32, k: u32, c: u32) -> ${t} { return ${castExpr('bb[u32(i32(q) * mi(7u) + i32(k) * mi(8u) + i32(c) * mi(9u) + mi(10u))]', b.dtype, acc)}; }
fn store(q: u32, part: u32, r: u32, c: u32, v: ${t}) { outb[(q * mt[0] + r) * mt[2] + c] = ${castExpr(bias ? `v + ${castExpr('biasb[u32(i32(r) * mi(11u) + i32(c) * mi(12u) + mi(13u))]', bias.dtype, acc)}` : 'v', acc, outDtype)}; }`, M);
  // meta (bias): its row and column strides + offset at 11..13
  const meta = [M, K, N, ...viewWords(a), ...viewWords(b), ...(bias ? viewWords(bias) : [])];
  const buffers = [bufferOf(out), bufferOf(a), bufferOf(b), ...(bias ? [bufferOf(bias)] : [])];
  k.ctx.dispatch({ code, meta, buffers, workgroups: B * M * N, grid: gemmGrid(M, N, B) });
  return out;
}
