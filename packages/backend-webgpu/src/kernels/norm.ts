import { type Attrs, type OpImpl, type OpResult, type Tensor, fromStorage } from '@flambeau/tensor';
import { castExpr, wgslType } from '../dtypes.js';
import { type KernelHost, WebGPUStorage, bufferOf } from '../storage.js';
import { LWG, TREE } from './fused.js';
import { ENTRY_WG, PRELUDE, f32Bits, numel } from './wgsl.js';

/**
 * `nativeLayerNorm` (PyTorch's `native_layer_norm`, what `F.layerNorm` and `nn.LayerNorm` run):
 * inputs [x, weight?, bias?] as flagged by `hasWeight`/`hasBias`, normalised over the last `dims`
 * dimensions. One workgroup per row computes the mean, the biased variance of the centred values
 * (two passes, as the composite does), and writes `(x − mean)·rsqrt(var + eps)·w + b`. Autograd
 * keeps the op's own formula, which recomputes the statistics from x. float16 is loaded into f32
 * and the result stored as f16 (PyTorch's CUDA kernel computes half layer norm in float). Other
 * dtypes and weights on another device run the composite.
 */
function layerNorm(host: KernelHost, inputs: readonly Tensor[], a: Attrs): Tensor {
  const x = inputs[0];
  let k = 1;
  const w = a.hasWeight ? inputs[k++] : null;
  const b = a.hasBias ? inputs[k++] : null;
  const dims = a.dims as number;
  const rowLen = numel(x.shape.slice(x.ndim - dims));
  const rows = numel(x.shape.slice(0, x.ndim - dims));
  const xc = x.contiguous();
  const wc = w?.contiguous() ?? null, bc = b?.contiguous() ?? null;
  const dt = x.dtype;
  const out = host.out(dt, numel(x.shape));
  const extra = [wc && 'wb', bc && 'bb'].filter((v): v is string => !!v);
  const ld = (e: string) => castExpr(e, dt, 'float32');
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> outb: array<${wgslType(dt)}>;
@group(0) @binding(2) var<storage, read> xb: array<${wgslType(dt)}>;
${extra.map((nm, i) => `@group(0) @binding(${3 + i}) var<storage, read> ${nm}: array<${wgslType(dt)}>;`).join('\n')}
var<workgroup> part: array<f32, ${LWG}>;
${ENTRY_WG(String(LWG))} {
  let row = wid.x + wid.y * nwg.x;
  if (row >= mt[0]) { return; }
  let len = mt[1]; let eps = mf(2u);
  let base = row * len + mt[3];
  var s = 0.0;
  for (var j = li; j < len; j += ${LWG}u) { s += ${ld('xb[base + j]')}; }
  ${TREE('s', (p, q) => `${p} + ${q}`)}
  let mu = red_s / f32(len);
  var q = 0.0;
  for (var j = li; j < len; j += ${LWG}u) { let d = ${ld('xb[base + j]')} - mu; q += d * d; }
  ${TREE('q', (p, r) => `${p} + ${r}`)}
  let r = inverseSqrt(red_q / f32(len) + eps);
  for (var j = li; j < len; j += ${LWG}u) {
    let y = (${ld('xb[base + j]')} - mu) * r${wc ? ` * ${ld('wb[j + mt[4]]')}` : ''}${bc ? ` + ${ld('bb[j + mt[5]]')}` : ''};
    outb[row * len + j] = ${castExpr('y', 'float32', dt)};
  }
}`;
  const buffers = [bufferOf(out), bufferOf(xc), ...(wc ? [bufferOf(wc)] : []), ...(bc ? [bufferOf(bc)] : [])];
  host.ctx.dispatch({ code, meta: [rows, rowLen, f32Bits(a.eps as number), xc.offset, wc?.offset ?? 0, bc?.offset ?? 0], buffers, workgroups: rows });
  for (const [c, t] of [[xc, x], [wc, w], [bc, b]] as const) if (c && c !== t) c.dispose();
  return fromStorage(out, x.shape);
}

/** The layer-norm override, keyed by the registry's op name. */
export function normKernels(host: KernelHost): Record<'nativeLayerNorm', OpImpl> {
  return {
    nativeLayerNorm: (inputs, attrs, fallback): OpResult => {
      const dt = inputs[0].dtype;
      const ok = (dt === 'float32' || dt === 'float16') && inputs.every((t) => t.dtype === dt && t.storage instanceof WebGPUStorage && t.storage.backend === (host as unknown) && t.storage.hostScalar === undefined);
      return ok && inputs[0].numel() > 0 ? layerNorm(host, inputs, attrs) : fallback(inputs, attrs, fallback);
    },
  };
}
