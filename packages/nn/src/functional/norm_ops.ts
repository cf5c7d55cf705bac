import { type Attrs, type Tensor, defineOp, dispatch1 } from '@flambeau/tensor';
import { type SavedContext, registerFormula } from '@flambeau/autograd';
import { sumTo } from './loss_ops.js';

/**
 * Batch, layer and group norm as single ops, PyTorch's `native_batch_norm` / `native_layer_norm` /
 * `native_group_norm` (hence `NativeBatchNormBackward0` ...). Inputs are `[x, weight?, bias?,
 * runningMean?, runningVar?]` as flagged in the attrs; backwards recompute the statistics from x
 * with tensor ops, so double backward works through them.
 */
interface NormAttrs { eps: number; hasWeight: boolean; hasBias: boolean }

function optional(inputs: readonly Tensor[], a: NormAttrs): { w: Tensor | null; b: Tensor | null; rest: Tensor[] } {
  let i = 1;
  const w = a.hasWeight ? inputs[i++] : null;
  const b = a.hasBias ? inputs[i++] : null;
  return { w, b, rest: inputs.slice(i) };
}

/** (x − mean)·rsqrt(var + eps) over `dims`, with the biased variance. */
function normalize(x: Tensor, dims: number[], eps: number): Tensor {
  const centered = x.sub(x.mean(dims, { keepdim: true }));
  return centered.mul(centered.square().mean(dims, { keepdim: true }).add(eps).rsqrt());
}

/** Gradient of `normalize` at x for the gradient `gy` of its output, and the normalized x. */
function normalizeBackward(gy: Tensor, x: Tensor, dims: number[], eps: number): { gx: Tensor; xhat: Tensor } {
  const centered = x.sub(x.mean(dims, { keepdim: true }));
  const rstd = centered.square().mean(dims, { keepdim: true }).add(eps).rsqrt();
  const xhat = centered.mul(rstd);
  const mean = (t: Tensor) => t.mean(dims, { keepdim: true });
  return { gx: gy.sub(mean(gy)).sub(xhat.mul(mean(gy.mul(xhat)))).mul(rstd), xhat };
}

const channelShape = (x: { shape: readonly number[] }): number[] => x.shape.map((s, i) => (i === 1 ? s : 1));
const allButChannel = (ndim: number): number[] => [...Array(ndim).keys()].filter((d) => d !== 1);

/** Applies the per-channel (or trailing) affine. */
function affine(out: Tensor, w: Tensor | null, b: Tensor | null, shape: number[] | null): Tensor {
  if (w) out = out.mul(shape ? w.view(shape) : w);
  if (b) out = out.add(shape ? b.view(shape) : b);
  return out;
}

/** The affine's gradients and the gradient reaching the normalized value. */
function affineBackward(g: Tensor, xhat: () => Tensor, c: SavedContext, w: Tensor | null, shape: number[] | null): { gy: Tensor; grads: (Tensor | null)[] } {
  const a = c.attrs as unknown as NormAttrs;
  const grads: (Tensor | null)[] = [];
  let i = 1;
  const toParam = (t: Tensor, at: number) => sumTo(t, shape ?? c.inputs[at].shape).reshape([...c.inputs[at].shape]);
  if (a.hasWeight) {
    grads[i] = c.needs[i] ? toParam(g.mul(xhat()), i) : null;
    i++;
  }
  if (a.hasBias) grads[i] = c.needs[i] ? toParam(g, i) : null;
  return { gy: w ? g.mul(shape ? w.view(shape) : w) : g, grads };
}

const saveAll = (_needs: readonly boolean[], attrs: Attrs) => {
  const n = 1 + Number(attrs.hasWeight) + Number(attrs.hasBias) + (attrs.training === false ? 2 : 0);
  return { inputs: [...Array(n).keys()] };
};

defineOp('composite', 'nativeBatchNorm(Tensor input, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar, bool training, float momentum, float eps, bool hasWeight, bool hasBias) -> Tensor', (inputs, attrs) => {
  const a = attrs as unknown as NormAttrs & { training: boolean };
  const x = inputs[0];
  const { w, b, rest } = optional(inputs, a);
  const cs = channelShape(x);
  const out = a.training
    ? normalize(x, allButChannel(x.ndim), a.eps)
    : x.sub(rest[0].view(cs)).mul(rest[1].view(cs).add(a.eps).rsqrt());
  return affine(out, w, b, cs);
});

registerFormula('nativeBatchNorm', {
  name: 'NativeBatchNormBackward0',
  save: saveAll,
  backward: ([g], c) => {
    const a = c.attrs as unknown as NormAttrs & { training: boolean };
    const inputs = c.inputs.map((_, i) => c.input(i));
    const x = inputs[0];
    const { w, rest } = optional(inputs, a);
    const cs = channelShape(x);
    const dims = allButChannel(x.ndim);
    const rstd = () => rest[1].view(cs).add(a.eps).rsqrt();
    const xhat = () => (a.training ? normalize(x, dims, a.eps) : x.sub(rest[0].view(cs)).mul(rstd()));
    const { gy, grads } = affineBackward(g, xhat, c, w, cs);
    if (c.needs[0]) grads[0] = a.training ? normalizeBackward(gy, x, dims, a.eps).gx : gy.mul(rstd());
    return grads;
  },
});

defineOp('composite', 'nativeLayerNorm(Tensor input, Tensor? weight, Tensor? bias, int dims, float eps, bool hasWeight, bool hasBias) -> Tensor', (inputs, attrs) => {
  const a = attrs as unknown as NormAttrs & { dims: number };
  const x = inputs[0];
  const { w, b } = optional(inputs, a);
  return affine(normalize(x, layerDims(x.ndim, a.dims), a.eps), w, b, null);
});

const layerDims = (ndim: number, k: number): number[] => [...Array(k).keys()].map((i) => ndim - k + i);

registerFormula('nativeLayerNorm', {
  name: 'NativeLayerNormBackward0',
  save: saveAll,
  backward: ([g], c) => {
    const a = c.attrs as unknown as NormAttrs & { dims: number };
    const inputs = c.inputs.map((_, i) => c.input(i));
    const x = inputs[0];
    const dims = layerDims(x.ndim, a.dims);
    const { w } = optional(inputs, a);
    const { gy, grads } = affineBackward(g, () => normalize(x, dims, a.eps), c, w, null);
    if (c.needs[0]) grads[0] = normalizeBackward(gy, x, dims, a.eps).gx;
    return grads;
  },
});

defineOp('composite', 'nativeGroupNorm(Tensor input, Tensor? weight, Tensor? bias, int groups, float eps, bool hasWeight, bool hasBias) -> Tensor', (inputs, attrs) => {
  const a = attrs as unknown as NormAttrs & { groups: number };
  const x = inputs[0];
  const { w, b } = optional(inputs, a);
  const out = normalize(x.reshape([x.shape[0], a.groups, -1]), [2], a.eps).reshape(x.shape as number[]);
  return affine(out, w, b, channelShape(x));
});

registerFormula('nativeGroupNorm', {
  name: 'NativeGroupNormBackward0',
  save: saveAll,
  backward: ([g], c) => {
    const a = c.attrs as unknown as NormAttrs & { groups: number };
    const inputs = c.inputs.map((_, i) => c.input(i));
    const x = inputs[0];
    const { w } = optional(inputs, a);
    const grouped = (t: Tensor) => t.reshape([x.shape[0], a.groups, -1]);
    const xhat = () => normalize(grouped(x), [2], a.eps).reshape(x.shape as number[]);
    const { gy, grads } = affineBackward(g, xhat, c, w, channelShape(x));
    if (c.needs[0]) grads[0] = normalizeBackward(grouped(gy), grouped(x), [2], a.eps).gx.reshape(x.shape as number[]);
    return grads;
  },
});

/** Runs one of the norm ops with its optional tensors flagged. */
export function normOp(op: string, x: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined, rest: Tensor[], attrs: Attrs): Tensor {
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : []), ...rest];
  return dispatch1(op, inputs, { ...attrs, hasWeight: !!weight, hasBias: !!bias });
}
