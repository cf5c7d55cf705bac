import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Tensor, arange, manualSeed, ones, tensor, zeros } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { Parameter } from '@flambeau/nn';
import { type TJ, expectClose, expectExact, fixture, toTensor } from './core-fixtures.js';

interface ClipCase { normType: number | 'inf'; maxNorm: number; grads: TJ[]; total: number; clipped: TJ[] }
const ufx = fixture<Record<'l2' | 'inf' | 'l1', ClipCase> & { value: { grad: TJ; clipped: TJ } }>('utils.json');

function withGrads(grads: TJ[]): Parameter[] {
  return grads.map((g) => {
    const p = new Parameter(zeros(g.shape, { dtype: 'float64' }));
    p.grad = toTensor(g);
    return p;
  });
}

describe('nn.utils', () => {
  for (const name of ['l2', 'inf', 'l1'] as const) {
    it(`clipGradNorm_ (${name}) matches PyTorch`, () => {
      const c = ufx[name];
      const ps = withGrads(c.grads);
      const total = nn.utils.clipGradNorm_(ps, c.maxNorm, c.normType === 'inf' ? Infinity : c.normType);
      expect(total.itemSync()).toBeCloseTo(c.total, 12);
      ps.forEach((p, i) => expectClose(p.grad, c.clipped[i], 1e-12, `grad ${i}`));
    });
  }
  it('clipGradNorm_ refuses non-finite norms when asked', () => {
    const [p] = withGrads([{ shape: [2], dtype: 'float64', data: [1, 2] }]);
    p.grad = tensor([Infinity, 1]);
    expect(() => nn.utils.clipGradNorm_([p], 1, 2, true)).toThrow(/The total norm of order 2.0 for gradients from `parameters` is non-finite/);
    expect(nn.utils.clipGradNorm_([], 1).itemSync()).toBe(0);
  });
  it('clipGradValue_ matches PyTorch', () => {
    const ps = withGrads([ufx.value.grad]);
    nn.utils.clipGradValue_(ps, 0.7);
    expectClose(ps[0].grad, ufx.value.clipped, 1e-15, 'clipped');
  });
  it('parametersToVector / vectorToParameters round trip', () => {
    manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(3, 2), new nn.Linear(2, 1));
    const v = nn.utils.parametersToVector(net.parameters());
    expect(v.shape).toEqual([11]);
    nn.utils.vectorToParameters(arange(11).float(), net.parameters());
    expect(net.get(0).stateDict().weight.tolistSync()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(net.get(1).stateDict().bias.tolistSync()).toEqual([10]);
  });
});

const sfx = fixture<Record<string, TJ>>('safetensors.json');

describe('safetensors save / load', () => {
  it('reads a file written by the PyTorch-side writer', () => {
    const sd = nn.load(new URL('./fixtures/torch_written.safetensors', import.meta.url).pathname);
    expect(Object.keys(sd)).toEqual(Object.keys(sfx));
    for (const [k, want] of Object.entries(sfx)) expectExact(sd[k], want, k);
  });
  it('round-trips a module state dict and writes atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-nn-'));
    const path = join(dir, 'net.safetensors');
    manualSeed(1);
    const net = new nn.Sequential(new nn.Linear(4, 3), new nn.Embedding(5, 2));
    net.registerBuffer('steps', tensor([3]));
    await nn.saveAsync(net, path, { format: 'pt' });
    expect(readdirSync(dir)).toEqual(['net.safetensors']);
    const other = new nn.Sequential(new nn.Linear(4, 3), new nn.Embedding(5, 2));
    other.registerBuffer('steps', tensor([0]));
    other.loadStateDict(nn.load(path));
    const a = net.stateDict();
    const b = other.stateDict();
    for (const k of Object.keys(a)) expect(b[k].equal(a[k]), k).toBe(true);
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(Object.keys(header)).toEqual(['__metadata__', 'steps', '0.weight', '0.bias', '1.weight']);
    expect(header['0.weight']).toEqual({ dtype: 'F32', shape: [3, 4], data_offsets: [8, 56] });
    expect(header.steps.dtype).toBe('I64');
  });
  it('all dtypes survive serialize/deserialize', () => {
    // Host tensors: serialize reads synchronously (saveAsync serves asynchronous devices).
    const cpu = { device: 'cpu' };
    const sd: Record<string, Tensor> = {
      f64: tensor([1.5, -2], { ...cpu, dtype: 'float64' }), i32: tensor([7, -8], { ...cpu, dtype: 'int32' }), i64: tensor([2 ** 40, -3], cpu),
      b: tensor([true, false], cpu), u8: tensor([255, 0], { ...cpu, dtype: 'uint8' }), s: ones([], cpu),
    };
    const back = nn.deserialize(nn.serialize(sd), { device: 'cpu' });
    for (const k of Object.keys(sd)) {
      expect(back[k].dtype, k).toBe(sd[k].dtype);
      expect(back[k].equal(sd[k]), k).toBe(true);
    }
  });
  it('rejects corrupt files with a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-nn-'));
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, Buffer.from([255, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect(() => nn.load(path)).toThrow(`invalid safetensors file ${JSON.stringify(path)}: header length 255 exceeds the file size 9 [InvalidHeaderLength]`);
    const good = nn.serialize({ w: zeros(2, { device: 'cpu' }) });
    const bad = good.subarray(0, good.length - 4);
    expect(() => nn.deserialize(bad)).toThrow(/the tensors cover 8 bytes but the data section holds 4 .*\[MetadataIncompleteBuffer\]/);
  });
});
