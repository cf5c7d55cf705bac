import type { DType, ReduceOp, StridedView } from '@flambeau/tensor';
import { castExpr, mathDtype, wgslType } from '../dtypes.js';
import { type KernelHost, type WebGPUStorage, bufferOf } from '../storage.js';
import { ENTRY, ENTRY_WG, PRELUDE, contiguous, groupsFor, numel } from './wgsl.js';

const RED_WG = 64;
/** Reductions over at most this many elements run one thread per output. */
const SHORT = 16;

function identity(op: ReduceOp, t: string): string {
  switch (op) {
    case 'sum': case 'any': return `${t}(0)`;
    case 'prod': case 'all': return `${t}(1)`;
    case 'max': return t === 'f32' ? '-infF()' : t === 'i32' ? 'i32(-2147483647 - 1)' : '0u';
    case 'min': return t === 'f32' ? 'infF()' : t === 'i32' ? '2147483647i' : '4294967295u';
  }
}

function combine(op: ReduceOp, t: string, a: string, b: string): string {
  switch (op) {
    case 'sum': return `${a} + ${b}`;
    case 'prod': return `${a} * ${b}`;
    case 'max': return t === 'f32' ? `maxF(${a}, ${b})` : `max(${a}, ${b})`;
    case 'min': return t === 'f32' ? `minF(${a}, ${b})` : `min(${a}, ${b})`;
    case 'all': return `${a} & ${b}`;
    case 'any': return `${a} | ${b}`;
  }
}

const NAN_MINMAX = /* wgsl */ `
fn maxF(a: f32, b: f32) -> f32 { if (isNanF(a) || isNanF(b)) { return nanF(); } return select(b, a, a > b); }
fn minF(a: f32, b: f32) -> f32 { if (isNanF(a) || isNanF(b)) { return nanF(); } return select(b, a, a < b); }
`;

/** Reduces `dims` of `x` (any subset of axes, any strides); the output drops those dims. */
export function reduce(k: KernelHost, op: ReduceOp, x: StridedView, dims: readonly number[], outDtype: DType): WebGPUStorage {
  const keep = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const outShape = keep.map((d) => x.shape[d]);
  const redShape = dims.map((d) => x.shape[d]);
  const nOut = numel(outShape), nRed = numel(redShape);
  // float16 accumulates in float32, as PyTorch's reductions do.
  const compute: DType = op === 'all' || op === 'any' ? 'bool' : mathDtype(outDtype);
  const t = wgslType(compute);
  const out = k.out(outDtype, nOut);
  const load = castExpr(`xb[u32(base + walk(j, rr, 4u + 2u * ro, 4u + 2u * ro + rr))]`, x.dtype, compute);
  const head = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<${wgslType(outDtype)}>;
@group(0) @binding(2) var<storage, read> xb: array<${wgslType(x.dtype)}>;
${NAN_MINMAX}`;
  const start = `
  let nOut = mt[0];
  if (o >= nOut) { return; }
  let nRed = mt[1]; let ro = mt[2]; let rr = mt[3];
  let base = walk(o, ro, 4u, 4u + ro) + mi(4u + 2u * ro + 2u * rr);
  var acc: ${t} = ${identity(op, t)};`;
  // Short reductions (a bias gradient over a batch, a softmax row of a few classes) take one
  // thread per output; long ones one workgroup per output, combined in workgroup memory.
  const perThread = nRed <= SHORT;
  const code = perThread ? `${head}
${ENTRY} {
  let o = linearId(gid, nwg);
  ${start}
  for (var j = 0u; j < nRed; j++) { let v = ${load}; acc = ${combine(op, t, 'acc', 'v')}; }
  outb[o] = ${castExpr('acc', compute, outDtype)};
}` : `${head}
var<workgroup> part: array<${t}, ${RED_WG}>;
${ENTRY_WG(String(RED_WG))} {
  let o = wid.x + wid.y * nwg.x;
  ${start}
  for (var j = li; j < nRed; j += ${RED_WG}u) { let v = ${load}; acc = ${combine(op, t, 'acc', 'v')}; }
  part[li] = acc;
  workgroupBarrier();
  for (var s = ${RED_WG / 2}u; s > 0u; s >>= 1u) {
    if (li < s) { part[li] = ${combine(op, t, 'part[li]', 'part[li + s]')}; }
    workgroupBarrier();
  }
  if (li == 0u) { outb[o] = ${castExpr('part[0]', compute, outDtype)}; }
}`;
  const meta = [nOut, nRed, outShape.length, redShape.length, ...outShape, ...keep.map((d) => x.strides[d] >>> 0),
    ...redShape, ...dims.map((d) => x.strides[d] >>> 0), x.offset];
  // In the workgroup form the guard on `o` is uniform (the whole group returns together), so the
  // barriers stay in uniform control flow.
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(x)], workgroups: perThread ? groupsFor(nOut) : nOut });
  return out;
}

/**
 * Metadata for kernels that walk whole lines along `dim` (one thread per line): the outer shape,
 * x's and the output's outer strides, then the line length and both strides along `dim`.
 * Layout: [nLines, rOuter, outerShape, xOuter, xOffset, outOuter, len, xDimStride, outDimStride].
 */
export function linesMeta(x: StridedView, dim: number, outShape: readonly number[] = x.shape): number[] {
  const outer = x.shape.map((_, d) => d).filter((d) => d !== dim);
  const oStr = contiguous(outShape);
  const outerOut = outShape.length === x.shape.length ? outer.map((d) => oStr[d]) : contiguous(outer.map((d) => x.shape[d]));
  return [numel(outer.map((d) => x.shape[d])), outer.length, ...outer.map((d) => x.shape[d]), ...outer.map((d) => x.strides[d] >>> 0), x.offset,
    ...outerOut, x.shape[dim], x.strides[dim] >>> 0, outShape.length === x.shape.length ? oStr[dim] : 0];
}

/** WGSL declaring, for line `o`, `xBase`, `oBase`, `len`, `xs` (x stride along dim) and `os`. */
export const LINES = /* wgsl */ `
  let r = mt[1];
  let xBase = walk(o, r, 2u, 2u + r) + mi(2u + 2u * r);
  let oBase = walk(o, r, 2u, 3u + 2u * r);
  let len = mt[3u + 3u * r]; let xs = mi(4u + 3u * r); let os = mi(5u + 3u * r);
`;

export function argReduce(k: KernelHost, op: 'argmax' | 'argmin', x: StridedView, dim: number): WebGPUStorage {
  const meta = linesMeta(x, dim, x.shape.filter((_, d) => d !== dim));
  const n = meta[0];
  const out = k.out('int64', n);
  const t = wgslType(mathDtype(x.dtype));
  const load = (i: string) => castExpr(`xb[${i}]`, x.dtype, mathDtype(x.dtype));
  const better = op === 'argmax' ? '>' : '<';
  const nanWins = t === 'f32' ? '(isNanF(v) && !isNanF(best)) ||' : '';
  const bestKeeps = t === 'f32' ? '!isNanF(best) &&' : '';
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<i32>;
@group(0) @binding(2) var<storage, read> xb: array<${wgslType(x.dtype)}>;
${ENTRY} {
  let o = linearId(gid, nwg);
  if (o >= mt[0]) { return; }
  ${LINES}
  var best = ${load('u32(xBase)')};
  var bi = 0i;
  for (var j = 1i; j < i32(len); j++) {
    let v = ${load('u32(xBase + j * xs)')};
    if (${nanWins} (${bestKeeps} v ${better} best)) { best = v; bi = j; }
  }
  outb[o] = bi;
}`;
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(x)], workgroups: groupsFor(n) });
  return out;
}

export function cumulative(k: KernelHost, op: 'cumsum' | 'cumprod', x: StridedView, dim: number, outDtype: DType): WebGPUStorage {
  const meta = linesMeta(x, dim);
  const n = meta[0];
  const out = k.out(outDtype, numel(x.shape));
  const acc = mathDtype(outDtype);
  const t = wgslType(acc);
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<${wgslType(outDtype)}>;
@group(0) @binding(2) var<storage, read> xb: array<${wgslType(x.dtype)}>;
${ENTRY} {
  let o = linearId(gid, nwg);
  if (o >= mt[0]) { return; }
  ${LINES}
  var acc: ${t} = ${t}(${op === 'cumsum' ? 0 : 1});
  for (var j = 0i; j < i32(len); j++) {
    acc = acc ${op === 'cumsum' ? '+' : '*'} ${castExpr('xb[u32(xBase + j * xs)]', x.dtype, acc)};
    outb[u32(oBase + j * os)] = ${castExpr('acc', acc, outDtype)};
  }
}`;
  k.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(x)], workgroups: numel(x.shape) === 0 ? 0 : groupsFor(n) });
  return out;
}
