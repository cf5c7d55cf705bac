import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { type Tensor, manualSeed, randn, tensor } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import {
  LayerNorm, type Module, MultiheadAttention, Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
  TransformerEncoderLayer,
} from '@flambeau/nn';
import { type Case, type InitCase, type TJ, checkCase, checkInit, expectClose, toTensor } from './rnn_transformer_fixtures.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/transformer.json', import.meta.url), 'utf8')) as {
  cases: (Case & { selfAttention?: boolean })[]; inits: InitCase[]; squareSubsequentMask3: TJ;
  nestedFastPath: { state: Record<string, TJ>; input: TJ; runs: { mask: TJ; noGrad: TJ; withGrad: TJ }[] };
};

/** The modules the generator builds, by class name (its small encoder and decoder stacks included). */
function build(kind: string, args: number[], opts: Record<string, unknown>): Module {
  const [E, H, ff] = args;
  const layerOpts = ff === undefined ? opts : { ...opts, dimFeedforward: ff };
  switch (kind) {
    case 'MultiheadAttention': return new MultiheadAttention(E, H, opts);
    case 'TransformerEncoderLayer': return new TransformerEncoderLayer(E, H, layerOpts);
    case 'TransformerDecoderLayer': return new TransformerDecoderLayer(E, H, layerOpts);
    case 'TransformerEncoder': return new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 6 }), 2, new LayerNorm(4));
    case 'TransformerDecoder': return new TransformerDecoder(new TransformerDecoderLayer(4, 2, { dimFeedforward: 6, batchFirst: true }), 2);
    case 'Transformer': return new Transformer(E, H, opts);
    default: throw new Error(kind);
  }
}

const isTJ = (v: unknown): v is TJ => typeof v === 'object' && v !== null && 'shape' in v;

describe('MultiheadAttention and Transformer layers against PyTorch', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      checkCase(build(c.kind, c.args, c.opts), c, () => {
        const leaves = c.inputs.map((x) => toTensor(x as TJ, true));
        const args: unknown[] = c.selfAttention ? [leaves[0], leaves[0], leaves[0]] : [...leaves];
        args.push(Object.fromEntries(Object.entries(c.callOpts).map(([k, v]) => [k, isTJ(v) ? toTensor(v) : v])));
        return [args, leaves];
      }, 2e-5);
    });
  }
});

describe('default initialisation draws what PyTorch draws', () => {
  for (const c of fx.inits) {
    it(c.name, () => checkInit(c, () => build(c.kind, c.args, c.opts), 1e-6));
  }
});

describe('attention API details', () => {
  it('generateSquareSubsequentMask matches PyTorch', () => {
    expectClose(Transformer.generateSquareSubsequentMask(3), fx.squareSubsequentMask3, 1e-12, 'mask');
    expect(Transformer.generateSquareSubsequentMask(3).dataSync()[1]).toBe(-Infinity);
  });

  it('encoder inference zeroes left-aligned padded positions, as PyTorch 1.13 fast path does', () => {
    const { state, input, runs } = fx.nestedFastPath;
    const enc = new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, batchFirst: true }), 2, new LayerNorm(4));
    enc.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, toTensor(v)])));
    enc.eval();
    const x = toTensor(input);
    for (const run of runs) {
      const srcKeyPaddingMask = toTensor(run.mask);
      expectClose(noGrad(() => enc(x, { srcKeyPaddingMask })), run.noGrad, 2e-5, 'no grad');
      expectClose(enc(x, { srcKeyPaddingMask }), run.withGrad, 2e-5, 'with grad');
    }
  });

  it('encoder layers are independent deep copies of the prototype', () => {
    const proto = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6 });
    const enc = new TransformerEncoder(proto, 2);
    const [a, b] = [...enc.layers] as TransformerEncoderLayer[];
    expect(a).not.toBe(b);
    expect(a.linear1.weight).not.toBe(b.linear1.weight);
    expect(a.linear1.weight.equal(proto.linear1.weight)).toBe(true);
    a.linear1.weight.detach().fill_(0);
    expect(b.linear1.weight.equal(proto.linear1.weight)).toBe(true);
    expect(String(a)).toBe(String(proto));
  });

  it('rejects bad shapes with PyTorch messages', () => {
    const mha = new MultiheadAttention(4, 2);
    const x = randn(3, 2, 4);
    expect(() => new MultiheadAttention(5, 2)).toThrow('embed_dim must be divisible by num_heads');
    expect(() => mha(x, x, x, { attnMask: randn(2, 3) })).toThrow('The shape of the 2D attn_mask is torch.Size([2, 3]), but should be (3, 3).');
    expect(() => mha(x, x, x, { keyPaddingMask: tensor([[1, 0, 0]]) })).toThrow('only bool and floating types of key_padding_mask are supported');
    expect(() => mha(x, randn(3, 4), randn(3, 4))).toThrow('For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 2-D tensors respectively');
  });

  it('needWeights: false returns null weights', () => {
    const mha = new MultiheadAttention(4, 2);
    const x = randn(3, 2, 4);
    const [out, w] = mha(x, x, x, { needWeights: false });
    expect(out.shape).toEqual([3, 2, 4]);
    expect(w).toBeNull();
  });

  it('attention dropout is active only in training mode', () => {
    manualSeed(0);
    const mha = new MultiheadAttention(4, 2, { dropout: 0.9 });
    const x: Tensor = randn(3, 2, 4);
    mha.eval();
    const [, w1] = mha(x, x, x);
    expect(w1!.sum(-1).allclose(randn(2, 3).mul(0).add(1), { atol: 1e-6 })).toBe(true);
    mha.train();
    const [, w2] = mha(x, x, x);
    expect(w2!.allclose(w1!)).toBe(false);
  });
});
