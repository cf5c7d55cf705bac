import { type Attrs, type Tensor, RuntimeError, fromStorage } from '@flambeau/tensor';
import { type KernelHost, bufferOf } from '../storage.js';
import { LINES, linesMeta } from './reduce.js';
import { ENTRY, ENTRY_WG, PRELUDE, f32Bits, groupsFor, numel } from './wgsl.js';

/**
 * Fused kernels for the spine's override map (`Backend.kernels`): each is an `OpImpl`,
 * `(inputs, attrs) => Tensor | Tensor[]`, replacing a composite of several dispatches with one.
 */
const LWG = 64;

function requireF32(t: Tensor, op: string): void {
  if (t.dtype !== 'float32') throw new RuntimeError(`webgpu ${op}: expected float32, got ${t.dtype}`);
}

const TREE = (v: string, op: (a: string, b: string) => string) => `
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

/**
 * `native_layer_norm`: inputs [x, weight?, bias?], attrs { normalizedShape, eps }; returns
 * [out, mean, rstd] with mean/rstd of shape x.shape[:-len(normalizedShape)] (what backward needs).
 */
function layerNorm(host: KernelHost, inputs: readonly Tensor[], attrs: Attrs): Tensor[] {
  const [x, weight, bias] = inputs;
  requireF32(x, 'layer_norm');
  const normShape = attrs.normalizedShape as number[];
  const eps = (attrs.eps as number | undefined) ?? 1e-5;
  const rowLen = numel(normShape);
  const lead = x.shape.slice(0, x.ndim - normShape.length);
  const rows = numel(lead);
  const xc = x.contiguous();
  const out = host.out('float32', numel(x.shape));
  const mean = host.out('float32', rows), rstd = host.out('float32', rows);
  const affine = weight !== undefined && weight !== null;
  const hasBias = bias !== undefined && bias !== null;
  const wc = affine ? weight.contiguous() : null, bc = hasBias ? bias.contiguous() : null;
  const extra = [wc && 'wb', bc && 'bb'].filter(Boolean) as string[];
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<f32>;
@group(0) @binding(2) var<storage, read_write> meanb: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstdb: array<f32>;
@group(0) @binding(4) var<storage, read> xb: array<f32>;
${extra.map((n, i) => `@group(0) @binding(${5 + i}) var<storage, read> ${n}: array<f32>;`).join('\n')}
var<workgroup> part: array<f32, ${LWG}>;
${ENTRY_WG(String(LWG))} {
  let row = wid.x + wid.y * nwg.x;
  if (row >= mt[0]) { return; }
  let len = mt[1]; let eps = mf(2u);
  let base = row * len;
  var s = 0.0;
  for (var j = li; j < len; j += ${LWG}u) { s += xb[base + j]; }
  ${TREE('s', (a, b) => `${a} + ${b}`)}
  let mu = red_s / f32(len);
  var q = 0.0;
  for (var j = li; j < len; j += ${LWG}u) { let d = xb[base + j] - mu; q += d * d; }
  ${TREE('q', (a, b) => `${a} + ${b}`)}
  let r = inverseSqrt(red_q / f32(len) + eps);
  for (var j = li; j < len; j += ${LWG}u) {
    outb[base + j] = (xb[base + j] - mu) * r${wc ? ' * wb[j]' : ''}${bc ? ' + bb[j]' : ''};
  }
  if (li == 0u) { meanb[row] = mu; rstdb[row] = r; }
}`;
  const bufs = [bufferOf(out), bufferOf(mean), bufferOf(rstd), bufferOf(xc), ...(wc ? [bufferOf(wc)] : []), ...(bc ? [bufferOf(bc)] : [])];
  host.ctx.dispatch({ code, meta: [rows, rowLen, f32Bits(eps)], buffers: bufs, workgroups: rows });
  return [fromStorage(out, x.shape), fromStorage(mean, lead), fromStorage(rstd, lead)];
}

function requireDense(t: Tensor, what: string): void {
  const c = t.isContiguous() && t.offset === 0 && t.storage.size === t.numel();
  if (!c) throw new RuntimeError(`webgpu fused optimizer step: ${what} must be a dense contiguous tensor`);
}

/** One elementwise update over parameter-shaped dense buffers, in place. */
function updateKernel(host: KernelHost, tensors: Tensor[], writable: number, body: string, scalars: number[], names: string[]): void {
  const n = tensors[0].numel();
  tensors.forEach((t, i) => { requireF32(t, 'optimizer step'); requireDense(t, names[i]); });
  const code = `${PRELUDE}
${tensors.map((_, i) => `@group(0) @binding(${i + 1}) var<storage, ${i < writable ? 'read_write' : 'read'}> ${names[i]}: array<f32>;`).join('\n')}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  ${body}
}`;
  host.ctx.dispatch({ code, meta: [n, ...scalars.map(f32Bits)], buffers: tensors.map((t) => bufferOf(t)), workgroups: groupsFor(n) });
}

/**
 * `sgdStep`: inputs [param, grad, momentumBuffer?]; attrs { lr, momentum, dampening, weightDecay,
 * nesterov, maximize, firstStep } — torch.optim.SGD's update for one parameter, in place.
 */
function sgdStep(host: KernelHost, inputs: readonly Tensor[], a: Attrs): Tensor {
  const [p, g, buf] = inputs;
  const momentum = (a.momentum as number) ?? 0;
  const names = buf && momentum !== 0 ? ['pb', 'mb', 'gb'] : ['pb', 'gb'];
  const tensors = buf && momentum !== 0 ? [p, buf, g] : [p, g];
  const body = `
  let lr = mf(1u); let mom = mf(2u); let damp = mf(3u); let wd = mf(4u);
  var d = gb[i]${a.maximize ? ' * -1.0' : ''};
  d += wd * pb[i];
  ${buf && momentum !== 0 ? `
  var m = select(mom * mb[i] + (1.0 - damp) * d, d, ${a.firstStep ? 'true' : 'false'});
  mb[i] = m;
  d = ${a.nesterov ? 'd + mom * m' : 'm'};` : ''}
  pb[i] = pb[i] - lr * d;`;
  updateKernel(host, tensors, tensors.length - 1, body, [a.lr as number, momentum, (a.dampening as number) ?? 0, (a.weightDecay as number) ?? 0], names);
  return p;
}

/**
 * `adamStep` (Adam and AdamW): inputs [param, grad, expAvg, expAvgSq]; attrs { lr, beta1, beta2,
 * eps, weightDecay, step, decoupled (AdamW), maximize } — torch.optim.Adam's update, in place.
 */
function adamStep(host: KernelHost, inputs: readonly Tensor[], a: Attrs): Tensor {
  const [p, g, m, v] = inputs;
  const step = a.step as number;
  const b1 = a.beta1 as number, b2 = a.beta2 as number;
  const lr = a.lr as number, wd = (a.weightDecay as number) ?? 0;
  const body = `
  let lr = mf(1u); let b1 = mf(2u); let b2 = mf(3u); let eps = mf(4u); let wd = mf(5u); let bc1 = mf(6u); let bc2sqrt = mf(7u);
  var gr = gb[i]${a.maximize ? ' * -1.0' : ''};
  var pv = pb[i];
  ${a.decoupled ? 'pv = pv * (1.0 - lr * wd);' : 'gr += wd * pv;'}
  let mm = b1 * mb[i] + (1.0 - b1) * gr;
  let vv = b2 * vb[i] + (1.0 - b2) * gr * gr;
  mb[i] = mm; vb[i] = vv;
  pb[i] = pv - (lr / bc1) * mm / (sqrt(vv) / bc2sqrt + eps);`;
  const scalars = [lr, b1, b2, (a.eps as number) ?? 1e-8, wd, 1 - b1 ** step, Math.sqrt(1 - b2 ** step)];
  updateKernel(host, [p, m, v, g], 3, body, scalars, ['pb', 'mb', 'vb', 'gb']);
  return p;
}

type OpImpl = (inputs: readonly Tensor[], attrs: Attrs) => Tensor | Tensor[];

/** The override map a WebGPU backend offers the dispatcher, keyed by op name. */
export function fusedKernels(host: KernelHost): Record<string, OpImpl> {
  return {
    softmax: ([x], a) => softmaxLike(host, x, a.dim as number, false),
    logSoftmax: ([x], a) => softmaxLike(host, x, a.dim as number, true),
    layerNorm: (inputs, a) => layerNorm(host, inputs, a),
    sgdStep: (inputs, a) => sgdStep(host, inputs, a),
    adamStep: (inputs, a) => adamStep(host, inputs, a),
  };
}
