import type { Attrs, OpImpl, OpResult, Tensor } from '@flambeau/tensor';
import { type KernelHost, WebGPUStorage, bufferOf } from '../storage.js';
import { ENTRY, PRELUDE, f32Bits, groupsFor } from './wgsl.js';

/**
 * Fused optimizer steps for the registry's `sgdStep_`, `adamStep_` and `rmspropStep_` (defined in
 * @flambeau/optim): one in-place pass per parameter instead of a dozen elementwise dispatches.
 * Each follows the CPU's fused step (packages/tensor/src/cpu/optim.ts) operation for operation in
 * float32, with its scalars rounded to float32 on the host, so it matches the unfused sequence
 * within float32 rounding (the shader compiler may contract a multiply-add). Calls it has no fast
 * path for — another dtype, a strided tensor, two tensors sharing a storage — run the op's default.
 */

type Tensors = readonly Tensor[];

/** Whether every tensor is a dense float32 tensor of `host`, shaped like the first, on its own storage. */
function fusable(host: KernelHost, ts: Tensors): boolean {
  const p = ts[0];
  const storages = new Set<unknown>();
  for (const t of ts) {
    if (!(t.storage instanceof WebGPUStorage) || t.storage.backend !== (host as unknown) || t.dtype !== 'float32' || !t.isContiguous()) return false;
    if (t.storage.hostScalar !== undefined || t.ndim !== p.ndim || t.shape.some((s, i) => s !== p.shape[i])) return false;
    storages.add(t.storage);
  }
  return storages.size === ts.length;
}

/**
 * Dispatches `body` over the n elements of `ts` (bound as `names`, the gradient at index 1 read-only,
 * the others read-write; element i of tensor k is `names[k][o_k + i]` with `o_k` its offset) with
 * `scalars` as float32 metadata read by `mf(1u + j)`… after the offsets.
 */
function update(host: KernelHost, ts: Tensors, names: string[], body: string, scalars: number[]): void {
  const n = ts[0].numel();
  const offsets = ts.map((t) => t.offset);
  const sb = 1 + ts.length;
  const code = `${PRELUDE}
${names.map((nm, k) => `@group(0) @binding(${k + 1}) var<storage, ${k === 1 ? 'read' : 'read_write'}> ${nm}: array<f32>;`).join('\n')}
fn sc(j: u32) -> f32 { return mf(${sb}u + j); }
${ENTRY} {
  let e = linearId(gid, nwg);
  if (e >= mt[0]) { return; }
${names.map((nm, k) => `  let i${nm} = mt[${1 + k}u] + e;`).join('\n')}
${body}
}`;
  host.ctx.dispatch({ code, meta: [n, ...offsets, ...scalars.map(f32Bits)], buffers: ts.map((t) => bufferOf(t)), workgroups: groupsFor(n) });
  // The parameter and its state were written (input 1, the gradient, was only read).
  ts.forEach((t, k) => { if (k !== 1) t._version.value++; });
}

const bool = (b: boolean) => (b ? 'true' : 'false');

/** SGD: inputs [param, grad, momentumBuffer?]; momentum, dampening, Nesterov, L2 decay, maximize. */
function sgdStep(host: KernelHost, ts: Tensors, a: Attrs): Tensor {
  const n = a as Attrs & Record<string, number>;
  const hasBuf = ts.length > 2;
  const names = hasBuf ? ['P', 'G', 'B'] : ['P', 'G'];
  const body = `
  let p = P[iP];
  var d = ${a.maximize ? '-' : ''}G[iG];
  ${n.weightDecay !== 0 ? 'd = d + p * sc(0u);' : ''}
  ${hasBuf ? `
  let b = ${a.first ? 'd' : 'B[iB] * sc(1u) + d * sc(2u)'};
  B[iB] = b;
  d = ${a.nesterov ? 'd + b * sc(1u)' : 'b'};` : ''}
  P[iP] = p + d * sc(3u);`;
  update(host, ts, names, body, [n.weightDecay, n.momentum, 1 - n.dampening, -n.lr]);
  return ts[0];
}

/** Adam / AdamW: inputs [param, grad, expAvg, expAvgSq, maxExpAvgSq?]; decoupled decay, amsgrad, maximize. */
function adamStep(host: KernelHost, ts: Tensors, a: Attrs): Tensor {
  const n = a as Attrs & Record<string, number>;
  const amsgrad = ts.length > 4;
  const decoupled = a.decoupled === true;
  const body = `
  var p = P[iP];
  ${decoupled ? 'p = p * sc(0u);' : ''}
  var g = ${a.maximize ? '-' : ''}G[iG];
  ${!decoupled && n.weightDecay !== 0 ? 'g = g + p * sc(1u);' : ''}
  let m = M[iM] * sc(2u) + g * sc(3u);
  let v = V[iV] * sc(4u) + (g * g) * sc(5u);
  M[iM] = m;
  V[iV] = v;
  var second = v;
  ${amsgrad ? `
  let x = X[iX];
  second = select(max(x, v), nanF(), isNanF(x) || isNanF(v));
  X[iX] = second;` : ''}
  let denom = sqrt(second) / sc(6u) + sc(7u);
  P[iP] = p + (m / denom) * sc(8u);`;
  const scalars = [1 - n.lr * n.weightDecay, n.weightDecay, n.beta1, 1 - n.beta1, n.beta2, 1 - n.beta2,
    Math.sqrt(1 - n.beta2 ** n.step), n.eps, -(n.lr / (1 - n.beta1 ** n.step))];
  update(host, ts, amsgrad ? ['P', 'G', 'M', 'V', 'X'] : ['P', 'G', 'M', 'V'], body, scalars);
  return ts[0];
}

/** RMSprop: inputs [param, grad, squareAvg, momentumBuffer (momentum > 0)?, gradAvg (centered)?]. */
function rmspropStep(host: KernelHost, ts: Tensors, a: Attrs): Tensor {
  const n = a as Attrs & Record<string, number>;
  const hasBuf = n.momentum > 0;
  const centered = a.centered === true;
  const names = ['P', 'G', 'S', ...(hasBuf ? ['B'] : []), ...(centered ? ['A'] : [])];
  const body = `
  let p = P[iP];
  var g = ${a.maximize ? '-' : ''}G[iG];
  ${n.weightDecay !== 0 ? 'g = g + p * sc(0u);' : ''}
  let s = S[iS] * sc(1u) + (g * g) * sc(2u);
  S[iS] = s;
  ${centered ? `
  let ga = A[iA] * sc(1u) + g * sc(2u);
  A[iA] = ga;
  let avg = sqrt(s - ga * ga) + sc(3u);` : 'let avg = sqrt(s) + sc(3u);'}
  ${hasBuf ? `
  let b = B[iB] * sc(4u) + g / avg;
  B[iB] = b;
  P[iP] = p + b * sc(5u);` : 'P[iP] = p + (g / avg) * sc(5u);'}`;
  update(host, ts, names, body, [n.weightDecay, n.alpha, 1 - n.alpha, n.eps, n.momentum, -n.lr]);
  return ts[0];
}

type Step = (host: KernelHost, ts: Tensors, a: Attrs) => Tensor;

function override(host: KernelHost, step: Step): OpImpl {
  return (inputs, attrs, fallback): OpResult => (fusable(host, inputs) ? step(host, inputs, attrs) : fallback(inputs, attrs, fallback));
}

/** The optimizer-step overrides, keyed by the registry's op names. */
export function optimizerKernels(host: KernelHost): Record<'sgdStep_' | 'adamStep_' | 'rmspropStep_', OpImpl> {
  return { sgdStep_: override(host, sgdStep), adamStep_: override(host, adamStep), rmspropStep_: override(host, rmspropStep) };
}
