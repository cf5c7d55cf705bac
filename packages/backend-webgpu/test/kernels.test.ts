import { type Conv2dAttrs, type Pool2dAttrs, contiguousStrides, cpu } from '@flambeau/tensor';
import { describe, expect, it } from 'vitest';
import { gpu, skipReason } from './helpers.js';
import { Pair, expectMatch, randn, rng } from './reference.js';

// Each kernel on random data against the CPU backend, at shapes bigger than the conformance
// tables: several workgroups, ranks beyond 4, tails that do not fill a tile.
const suite = gpu ? describe : describe.skip;

suite(`webgpu kernels against the CPU backend${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const g = gpu!;
  const p = new Pair(g);

  it('binary broadcasts over rank 6 (expanded and permuted operands)', async () => {
    const shape = [2, 3, 2, 4, 3, 5];
    // a: a permuted contiguous [5, 3, 4, 2, 3, 2] buffer; b: a [3, 1, 4, 1, 5] tensor expanded.
    const [ag, ac] = p.view(randn(720, 1), 'float32', shape, contiguousStrides([...shape].reverse()).reverse());
    const bStr = [0, 20, 0, 5, 0, 1];
    const [bg, bc] = p.view(randn(60, 2), 'float32', shape, bStr);
    for (const op of ['add', 'mul', 'maximum', 'atan2', 'lt'] as const) {
      const out = op === 'lt' ? 'bool' : 'float32';
      await expectMatch(g, g.binary(op, ag, bg, 'float32', out), cpu.binary(op, ac, bc, 'float32', out));
    }
    // A host scalar on the left (the spine's `rsub`): the CPU reference gets it as an expanded tensor.
    const scalar = { storage: cpu.fromArray(new Float32Array([1.5]), 'float32'), dtype: 'float32' as const, shape, strides: shape.map(() => 0), offset: 0 };
    await expectMatch(g, g.binary('sub', 1.5, bg, 'float32', 'float32'), cpu.binary('sub', scalar, bc, 'float32', 'float32'));
    const mask = <S>(s: S) => ({ storage: s, dtype: 'bool' as const, shape, strides: contiguousStrides(shape), offset: 0 });
    await expectMatch(g, g.where(mask(g.binary('lt', ag, bg, 'float32', 'bool')), ag, -2, 'float32'), cpu.where(
      mask(cpu.binary('lt', ac, bc, 'float32', 'bool')), ac, { ...scalar, storage: cpu.fromArray(new Float32Array([-2]), 'float32') }, 'float32'));
  });

  it('unary and casts on a rank-5 transposed view', async () => {
    const shape = [3, 2, 4, 5, 2];
    const [xg, xc] = p.view(randn(240, 3, 4), 'float32', shape, [2, 1, 6, 24, 120]);
    for (const op of ['exp', 'tanh', 'sigmoid', 'erf', 'log1p', 'round'] as const) {
      await expectMatch(g, g.unary(op, xg, 'float32'), cpu.unary(op, xc, 'float32'));
    }
    await expectMatch(g, g.copy(xg, 'int32'), cpu.copy(xc, 'int32'));
  });

  it('reductions over any axes, including one long reduction', async () => {
    const shape = [3, 4, 5, 6, 7];
    const [xg, xc] = p.view(randn(2520, 4), 'float32', shape);
    for (const dims of [[0], [1, 3], [0, 2, 4], [0, 1, 2, 3, 4]]) {
      for (const op of ['sum', 'max', 'min'] as const) await expectMatch(g, g.reduce(op, xg, dims, 'float32'), cpu.reduce(op, xc, dims, 'float32'), 1e-4, 1e-4);
    }
    const [lg, lc] = p.view(randn(100_000, 5), 'float32', [100_000]);
    await expectMatch(g, g.reduce('sum', lg, [0], 'float32'), cpu.reduce('sum', lc, [0], 'float32'), 1e-4, 1e-3);
    await expectMatch(g, g.argReduce('argmax', xg, 3), cpu.argReduce('argmax', xc, 3));
    await expectMatch(g, g.cumulative('cumsum', xg, 2, 'float32'), cpu.cumulative('cumsum', xc, 2, 'float32'), 1e-4, 1e-4);
  });

  it('tiled GEMM: odd sizes, transposed and broadcast operands', async () => {
    const [B, M, K, N] = [3, 67, 129, 45];
    const [ag, ac] = p.view(randn(B * M * K, 6), 'float32', [B, M, K]);
    // b is the transpose of a stored [N, K], shared by every batch (batch stride 0).
    const [bg, bc] = p.view(randn(N * K, 7), 'float32', [B, K, N], [0, 1, K]);
    await expectMatch(g, g.matmul(ag, bg, 'float32'), cpu.matmul(ac, bc, 'float32'), 1e-4, 1e-4);
    const [ig, ic] = p.view(Int32Array.from(randn(B * M * K, 8, 10), Math.round), 'int32', [B, M, K]);
    const [jg, jc] = p.view(Int32Array.from(randn(B * K * N, 9, 10), Math.round), 'int32', [B, K, N]);
    await expectMatch(g, g.matmul(ig, jg, 'int32'), cpu.matmul(ic, jc, 'int32'));
  });

  const convCases: [string, number[], number[], Conv2dAttrs][] = [
    ['lenet-like', [4, 3, 12, 12], [6, 3, 5, 5], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }],
    ['strided-padded-grouped', [2, 4, 9, 11], [6, 2, 3, 3], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 2 }],
    // 70 output channels and K = 16·9: several GEMM tiles along every axis.
    ['dilated-multi-tile', [2, 16, 15, 13], [70, 16, 3, 3], { stride: [1, 1], padding: [2, 1], dilation: [2, 1], groups: 1 }],
    // K = 4·24·24 for the weight gradient: split-K into 4 parts, summed by a reduction.
    ['split-k-weight-grad', [4, 3, 24, 24], [8, 3, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 }],
  ];
  for (const [name, xs, ws, a] of convCases) {
    it(`conv2d forward and both backward passes (${name})`, async () => {
      const [xg, xc] = p.view(randn(xs.reduce((u, v) => u * v), 10), 'float32', xs);
      const [wg, wc] = p.view(randn(ws.reduce((u, v) => u * v), 11), 'float32', ws);
      const outC = cpu.conv2d(xc, wc, a);
      await expectMatch(g, g.conv2d(xg, wg, a), outC, 1e-4, 1e-4);
      const OH = Math.floor((xs[2] + 2 * a.padding[0] - a.dilation[0] * (ws[2] - 1) - 1) / a.stride[0]) + 1;
      const OW = Math.floor((xs[3] + 2 * a.padding[1] - a.dilation[1] * (ws[3] - 1) - 1) / a.stride[1]) + 1;
      const gs = [xs[0], ws[0], OH, OW];
      const [gg, gc] = p.view(randn(gs.reduce((u, v) => u * v), 12), 'float32', gs);
      await expectMatch(g, g.conv2dBackwardInput(gg, wg, xs, a), cpu.conv2dBackwardInput(gc, wc, xs, a), 1e-4, 1e-4);
      await expectMatch(g, g.conv2dBackwardWeight(gg, xg, ws, a), cpu.conv2dBackwardWeight(gc, xc, ws, a), 1e-4, 1e-4);
    });
  }

  it('max and average pooling forward and backward', async () => {
    const xs = [3, 4, 10, 9];
    const [xg, xc] = p.view(randn(1080, 13), 'float32', xs);
    const a: Pool2dAttrs = { kernelSize: [2, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: false, countIncludePad: false, divisorOverride: null };
    const [vg, ig] = g.maxPool2d(xg, a);
    const [vc, ic] = cpu.maxPool2d(xc, a);
    await expectMatch(g, vg, vc);
    await expectMatch(g, ig, ic);
    const os = [3, 4, 6, 5];
    const [gg, gc] = p.view(randn(360, 14), 'float32', os);
    const iv = (s: typeof ig) => ({ storage: s, dtype: 'int64' as const, shape: os, strides: contiguousStrides(os), offset: 0 });
    await expectMatch(g, g.maxPool2dBackward(gg, iv(ig), xs), cpu.maxPool2dBackward(gc, iv(ic), xs));
    await expectMatch(g, g.avgPool2d(xg, a), cpu.avgPool2d(xc, a));
    await expectMatch(g, g.avgPool2dBackward(gg, xs, a), cpu.avgPool2dBackward(gc, xs, a));
  });

  it('gather, scatter-add, index_select, index_add and sort on random data', async () => {
    const r = rng(15);
    const [xg, xc] = p.view(randn(40 * 30, 16), 'float32', [40, 30]);
    const idx = Float64Array.from({ length: 40 * 7 }, () => Math.floor(r() * 30));
    const [ig, ic] = p.view(idx, 'int64', [40, 7]);
    await expectMatch(g, g.gather(xg, 1, ig), cpu.gather(xc, 1, ic));
    const [sg, sc] = p.view(randn(40 * 7, 17), 'float32', [40, 7]);
    await expectMatch(g, g.scatter(xg, 1, ig, sg, 'add'), cpu.scatter(xc, 1, ic, sc, 'add'));
    const sel = Float64Array.from({ length: 50 }, () => Math.floor(r() * 40));
    const [lg, lc] = p.view(sel, 'int64', [50]);
    await expectMatch(g, g.indexSelect(xg, 0, lg), cpu.indexSelect(xc, 0, lc));
    const [ag, ac] = p.view(randn(50 * 30, 18), 'float32', [50, 30]);
    await expectMatch(g, g.indexAdd(xg, 0, lg, ag), cpu.indexAdd(xc, 0, lc, ac), 1e-4, 1e-4);
    // 300 indices: the atomic path (an embedding backward's shape: long index, small table).
    const many = Float64Array.from({ length: 300 }, () => Math.floor(r() * 40));
    const [mg, mc] = p.view(many, 'int64', [300]);
    const [bg, bc] = p.view(randn(300 * 30, 19), 'float32', [30, 300], [1, 30]);
    await expectMatch(g, g.indexAdd(xg, 0, mg, { ...bg, shape: [300, 30], strides: [1, 300] }), cpu.indexAdd(xc, 0, mc, { ...bc, shape: [300, 30], strides: [1, 300] }), 1e-4, 1e-4);
    const [vg, og] = g.sort(xg, 1, true);
    const [vc, oc] = cpu.sort(xc, 1, true);
    await expectMatch(g, vg, vc);
    await expectMatch(g, og, oc);
  });

  it('arange and fill match the CPU', async () => {
    await expectMatch(g, g.arange('float32', -1.5, 0.25, 37), cpu.copy({ storage: cpu.fromArray(Float32Array.from({ length: 37 }, (_, i) => -1.5 + 0.25 * i), 'float32'), dtype: 'float32', shape: [37], strides: [1], offset: 0 }, 'float32'));
    const got = await g.read(g.arange('int64', 5, -3, 4));
    expect(Array.from(got)).toEqual([5, 2, -1, -4]);
    expect(got).toBeInstanceOf(Float64Array);
  });
});
