import { type Args, RuntimeError, type Tensor, cat, declare, pad, parseArgs, zeros, zerosLike } from '@flambeau/tensor';
import { dropout } from './dropout.js';
import { linear } from './linear.js';

const MHA_FORWARD = declare('F.multiHeadAttentionForward', 'multi_head_attention_forward(Tensor query, Tensor key, Tensor value, int embedDimToCheck, int numHeads, Tensor? inProjWeight, Tensor? inProjBias, Tensor? biasK, Tensor? biasV, bool addZeroAttn, float dropoutP, Tensor outProjWeight, Tensor? outProjBias, bool training=True, Tensor? keyPaddingMask=None, bool needWeights=True, Tensor? attnMask=None, bool useSeparateProjWeight=False, Tensor? qProjWeight=None, Tensor? kProjWeight=None, Tensor? vProjWeight=None, Tensor? staticK=None, Tensor? staticV=None, bool averageAttnWeights=True)');

export interface MultiHeadAttentionOptions {
  /** Training mode: attention dropout is applied only then (default true, as PyTorch). */
  training?: boolean;
  /** `(N, S)` or `(S)`: true (or -inf) marks keys to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** `(L, S)` or `(N*numHeads, L, S)`: bool (true = masked) or float (added to the scores). */
  attnMask?: Tensor | null;
  /** Use `qProjWeight`, `kProjWeight`, `vProjWeight` instead of the packed `inProjWeight`. */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** Precomputed `(N*numHeads, S, headDim)` keys / values replacing the projected ones. */
  staticK?: Tensor | null;
  staticV?: Tensor | null;
  /** Average the weights over heads (default true); else `(N, numHeads, L, S)`. */
  averageAttnWeights?: boolean;
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new RuntimeError(msg);
}

function shapeStr(s: readonly number[]): string {
  return `torch.Size([${s.join(', ')}])`;
}

/** Batched or not, as `_mha_shape_check` decides. */
function mhaShapeCheck(q: Tensor, k: Tensor, v: Tensor, kpm: Tensor | null, mask: Tensor | null, numHeads: number): boolean {
  if (q.ndim === 3) {
    check(k.ndim === 3 && v.ndim === 3, `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${k.ndim}-D and ${v.ndim}-D tensors respectively`);
    check(kpm === null || kpm.ndim === 2, `For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${kpm?.ndim}-D tensor instead`);
    check(mask === null || mask.ndim === 2 || mask.ndim === 3, `For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${mask?.ndim}-D tensor instead`);
    return true;
  }
  if (q.ndim === 2) {
    check(k.ndim === 2 && v.ndim === 2, `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${k.ndim}-D and ${v.ndim}-D tensors respectively`);
    check(kpm === null || kpm.ndim === 1, `For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${kpm?.ndim}-D tensor instead`);
    if (mask !== null) {
      check(mask.ndim === 2 || mask.ndim === 3, `For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${mask.ndim}-D tensor instead`);
      if (mask.ndim === 3) {
        const want = [numHeads, q.shape[0], k.shape[0]];
        check(mask.shape.every((s, i) => s === want[i]), `Expected \`attn_mask\` shape to be (${want.join(', ')}) but got ${shapeStr(mask.shape)}`);
      }
    }
    return false;
  }
  throw new RuntimeError(`query should be unbatched 2D or batched 3D tensor but received ${q.ndim}-D query tensor`);
}

/** q, k, v projections from the packed `(3E, E)` weight; identity of the inputs picks the fused path, as PyTorch does. */
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): Tensor[] {
  const E = q.shape[q.ndim - 1];
  if (k === v) {
    if (q === k) return linear(q, w, b).chunk(3, -1);
    const [wQ, wKV] = w.split([E, 2 * E]);
    const [bQ, bKV] = b ? b.split([E, 2 * E]) : [null, null];
    return [linear(q, wQ, bQ), ...linear(k, wKV, bKV).chunk(2, -1)];
  }
  const [wQ, wK, wV] = w.chunk(3);
  const [bQ, bK, bV] = b ? b.chunk(3) : [null, null, null];
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

function isFloatOrBool(t: Tensor): boolean {
  return t.dtype === 'bool' || t.isFloatingPoint();
}

/**
 * Multi-head attention with the projections given as tensors (PyTorch's
 * `F.multi_head_attention_forward`): inputs `(L, N, E)` / `(S, N, E)`, or unbatched `(L, E)`.
 * Returns `[output (L, N, E), weights (N, L, S) or null]`.
 *
 * @example
 * const [out, w] = F.multiHeadAttentionForward(q, k, v, 8, 2, inW, inB, null, null, false, 0, outW, outB, { training: false });
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  biasK: Tensor | null,
  biasV: Tensor | null,
  addZeroAttn: boolean,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  ...rest: Args<
    [training: boolean, keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, useSeparateProjWeight: boolean, qProjWeight: Tensor | null, kProjWeight: Tensor | null, vProjWeight: Tensor | null, staticK: Tensor | null, staticV: Tensor | null, averageAttnWeights: boolean],
    MultiHeadAttentionOptions
  >
): [Tensor, Tensor | null] {
  const opts = parseArgs(MHA_FORWARD, [query, key, value, embedDimToCheck, numHeads, inProjWeight, inProjBias, biasK, biasV, addZeroAttn, dropoutP, outProjWeight, outProjBias, ...rest]) as Required<MultiHeadAttentionOptions>;
  const { training, needWeights, staticK, staticV } = opts;
  let { keyPaddingMask, attnMask } = opts;

  const batched = mhaShapeCheck(query, key, value, keyPaddingMask, attnMask, numHeads);
  if (!batched) {
    // Keep q/k/v identity (self-attention) through the unsqueeze.
    const uq = query.unsqueeze(1);
    const uk = key === query ? uq : key.unsqueeze(1);
    const uv = value === key ? uk : value === query ? uq : value.unsqueeze(1);
    [query, key, value] = [uq, uk, uv];
    if (keyPaddingMask) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = query.shape;
  let srcLen = key.shape[0];
  if (keyPaddingMask && !isFloatOrBool(keyPaddingMask)) throw new RuntimeError('only bool and floating types of key_padding_mask are supported');
  check(embedDim === embedDimToCheck, `was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.trunc(embedDim / numHeads);
  check(headDim * numHeads === embedDim, `embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);

  let q: Tensor, k: Tensor, v: Tensor;
  if (!opts.useSeparateProjWeight) {
    check(key.shape.every((s, i) => s === value.shape[i]) && key.ndim === value.ndim, `key shape ${shapeStr(key.shape)} does not match value shape ${shapeStr(value.shape)}`);
    check(inProjWeight !== null, 'use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = inProjectionPacked(query, key, value, inProjWeight!, inProjBias);
  } else {
    check(key.shape[0] === value.shape[0] && key.shape[1] === value.shape[1], `key's sequence and batch dims (${key.shape.slice(0, 2).join(', ')}) do not match value's (${value.shape.slice(0, 2).join(', ')})`);
    const { qProjWeight: wq, kProjWeight: wk, vProjWeight: wv } = opts;
    check(!!wq, 'use_separate_proj_weight is True but q_proj_weight is None');
    check(!!wk, 'use_separate_proj_weight is True but k_proj_weight is None');
    check(!!wv, 'use_separate_proj_weight is True but v_proj_weight is None');
    const [bQ, bK, bV] = inProjBias ? inProjBias.chunk(3) : [null, null, null];
    const expectW = (w: Tensor, rows: number, cols: number, what: string) =>
      check(w.ndim === 2 && w.shape[0] === rows && w.shape[1] === cols, `expecting ${what} weights shape of (${rows}, ${cols}), but got ${shapeStr(w.shape)}`);
    expectW(wq!, embedDim, embedDim, 'query');
    expectW(wk!, embedDim, key.shape[2], 'key');
    expectW(wv!, embedDim, value.shape[2], 'value');
    [q, k, v] = [linear(query, wq!, bQ), linear(key, wk!, bK), linear(value, wv!, bV)];
  }

  if (attnMask) {
    if (attnMask.dtype === 'uint8') {
      console.warn('Byte tensor for attn_mask in nn.MultiheadAttention is deprecated. Use bool tensor instead.');
      attnMask = attnMask.to('bool');
    } else if (!isFloatOrBool(attnMask)) {
      throw new RuntimeError(`Only float, byte, and bool types are supported for attn_mask, not ${attnMask.dtype}`);
    }
    if (attnMask.ndim === 2) {
      if (attnMask.shape[0] !== tgtLen || attnMask.shape[1] !== srcLen) {
        throw new RuntimeError(`The shape of the 2D attn_mask is ${shapeStr(attnMask.shape)}, but should be (${tgtLen}, ${srcLen}).`);
      }
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.ndim === 3) {
      const want = [bsz * numHeads, tgtLen, srcLen];
      if (attnMask.shape.some((s, i) => s !== want[i])) {
        throw new RuntimeError(`The shape of the 3D attn_mask is ${shapeStr(attnMask.shape)}, but should be (${want.join(', ')}).`);
      }
    } else {
      throw new RuntimeError(`attn_mask's dimension ${attnMask.ndim} is not supported`);
    }
  }

  if (biasK && biasV) {
    check(staticK === null, 'bias cannot be added to static key.');
    check(staticV === null, 'bias cannot be added to static value.');
    k = cat([k, biasK.repeat(1, bsz, 1)]);
    v = cat([v, biasV.repeat(1, bsz, 1)]);
    if (attnMask) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  } else {
    check(biasK === null && biasV === null, 'bias_k and bias_v must both be given or both be None');
  }

  q = q.contiguous().view(tgtLen, bsz * numHeads, headDim).transpose(0, 1);
  if (staticK === null) k = k.contiguous().view(k.shape[0], bsz * numHeads, headDim).transpose(0, 1);
  else {
    check(staticK.shape[0] === bsz * numHeads, `expecting static_k.size(0) of ${bsz * numHeads}, but got ${staticK.shape[0]}`);
    check(staticK.shape[2] === headDim, `expecting static_k.size(2) of ${headDim}, but got ${staticK.shape[2]}`);
    k = staticK;
  }
  if (staticV === null) v = v.contiguous().view(v.shape[0], bsz * numHeads, headDim).transpose(0, 1);
  else {
    check(staticV.shape[0] === bsz * numHeads, `expecting static_v.size(0) of ${bsz * numHeads}, but got ${staticV.shape[0]}`);
    check(staticV.shape[2] === headDim, `expecting static_v.size(2) of ${headDim}, but got ${staticV.shape[2]}`);
    v = staticV;
  }

  if (addZeroAttn) {
    const zshape = [bsz * numHeads, 1, headDim];
    k = cat([k, zeros(zshape, { dtype: k.dtype, device: k.device })], 1);
    v = cat([v, zeros(zshape, { dtype: v.dtype, device: v.device })], 1);
    if (attnMask) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  }
  srcLen = k.shape[1];

  if (keyPaddingMask) {
    check(
      keyPaddingMask.ndim === 2 && keyPaddingMask.shape[0] === bsz && keyPaddingMask.shape[1] === srcLen,
      `expecting key_padding_mask shape of (${bsz}, ${srcLen}), but got ${shapeStr(keyPaddingMask.shape)}`,
    );
    const kpm = keyPaddingMask.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
    if (attnMask === null) attnMask = kpm;
    else if (attnMask.dtype === 'bool') attnMask = attnMask.logicalOr(kpm);
    else attnMask = attnMask.maskedFill(kpm.dtype === 'bool' ? kpm : kpm.ne(0), -Infinity);
  }
  if (attnMask && attnMask.dtype === 'bool') attnMask = zerosLike(attnMask, { dtype: q.dtype }).maskedFill(attnMask, -Infinity);

  if (!training) dropoutP = 0;
  const E = q.shape[2];
  const qScaled = q.div(Math.sqrt(E));
  const scores = qScaled.matmul(k.transpose(-2, -1));
  let weights = (attnMask ? attnMask.add(scores) : scores).softmax(-1);
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true);
  let out = weights.matmul(v).transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
  out = linear(out, outProjWeight, outProjBias).view(tgtLen, bsz, out.shape[1]);

  if (!batched) out = out.squeeze(1);
  if (!needWeights) return [out, null];
  weights = weights.view(bsz, numHeads, tgtLen, srcLen);
  if (opts.averageAttnWeights) weights = weights.sum(1).div(numHeads);
  return [out, batched ? weights : weights.squeeze(0)];
}

