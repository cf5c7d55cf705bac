import { type OpImpl, type Tensor, RuntimeError, fromStorage } from '@flambeau/tensor';
import { type KernelHost, bufferOf } from '../storage.js';
import { LINES, linesMeta } from './reduce.js';
import { ENTRY_WG, PRELUDE, numel } from './wgsl.js';

/**
 * Fused kernels for the spine's override map (`Backend.kernels`): each is an `OpImpl`,
 * `(inputs, attrs) => Tensor | Tensor[]`, replacing a composite of several dispatches with one.
 */
export const LWG = 64;

function requireF32(t: Tensor, op: string): void {
  if (t.dtype !== 'float32') throw new RuntimeError(`webgpu ${op}: expected float32, got ${t.dtype}`);
}

/** Combines each thread's `v` across the workgroup into `red_<v>` (a `part` array of LWG floats must exist). */
export const TREE = (v: string, op: (a: string, b: string) => string) => `
  part[li] = ${v};
  workgroupBarrier();
  for (var s = ${LWG / 2}u; s > 0u; s >>= 1u) { if (li < s) { part[li] = ${op('part[li]', 'part[li + s]')}; } workgroupBarrier(); }
  let red_${v} = part[0];
  workgroupBarrier();`;

/** softmax / logSoftmax along `dim`: one workgroup per line (max, sum of exponentials, write). */
function softmaxLike(host: KernelHost, x: Tensor, dimAttr: number, log: boolean): Tensor {
  requireF32(x, log ? 'log_softmax' : 'softmax');
  const dim = dimAttr < 0 ? dimAttr + x.ndim : dimAttr;
  const meta = linesMeta(x, dim);
  const out = host.out('float32', numel(x.shape));
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
@group(0) @binding(2) var<storage, read> xb: array<f32>;
var<workgroup> part: array<f32, ${LWG}>;
fn maxF(a: f32, b: f32) -> f32 { if (isNanF(a) || isNanF(b)) { return nanF(); } return max(a, b); }
${ENTRY_WG(String(LWG))} {
  let o = wid.x + wid.y * nwg.x;
  if (o >= mt[0]) { return; }
  ${LINES}
  var m = -infF();
  for (var j = li; j < len; j += ${LWG}u) { m = maxF(m, xb[u32(xBase + i32(j) * xs)]); }
  ${TREE('m', (a, b) => `maxF(${a}, ${b})`)}
  var s = 0.0;
  for (var j = li; j < len; j += ${LWG}u) { s += exp(xb[u32(xBase + i32(j) * xs)] - red_m); }
  ${TREE('s', (a, b) => `${a} + ${b}`)}
  let lse = log(red_s);
  for (var j = li; j < len; j += ${LWG}u) {
    let z = xb[u32(xBase + i32(j) * xs)] - red_m;
    outb[u32(oBase + i32(j) * os)] = ${log ? 'z - lse' : 'exp(z) / red_s'};
  }
}`;
  host.ctx.dispatch({ code, meta, buffers: [bufferOf(out), bufferOf(x)], workgroups: meta[0] });
  return fromStorage(out, x.shape);
}


/** The override map a WebGPU backend offers the dispatcher, keyed by op name. */
export function fusedKernels(host: KernelHost): Record<string, OpImpl> {
  return {
    // Other dtypes (float16) run the op's composite, which computes half in float32.
    softmax: ([x], a, fallback) => (x.dtype === 'float32' ? softmaxLike(host, x, a.dim as number, false) : fallback([x], a, fallback)),
    logSoftmax: ([x], a, fallback) => (x.dtype === 'float32' ? softmaxLike(host, x, a.dim as number, true) : fallback([x], a, fallback)),
  };
}
