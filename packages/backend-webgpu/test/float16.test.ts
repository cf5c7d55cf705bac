import * as torch from '@flambeau/tensor';
import { DTypeError } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import { describe, expect, it } from 'vitest';
import { float16Suite, halfMismatches } from '../../tensor/test/float16-cases.js';
import { gpu, skipReason } from './helpers.js';

/**
 * float16 on webgpu (WGSL `f16` storage through `shader-f16`; kernels compute in f32 and store
 * f16, PyTorch's CUDA `opmath`): the PyTorch float16 fixtures, the ops that detour through the
 * float32 kernels against the CPU's float16, and the error on adapters without `shader-f16`.
 */
const suite = gpu?.float16 ? describe : describe.skip;

suite(`float16 on webgpu${skipReason ? ` (skipped: ${skipReason})` : gpu && !gpu.float16 ? ' (skipped: this adapter has no shader-f16)' : ''}`, () => {
  const g = gpu!;
  // WGSL's transcendental functions and a different summation order may move a result by one half ulp.
  float16Suite('webgpu', { exact: 0, unary: 1, reduce: 1, matmul: 1, softmax: 1 });

  it('stores two bytes per element', () => {
    const before = g.stats.bytesInUse;
    const t = torch.zeros([65536], { dtype: 'float16' }).to('webgpu');
    expect(g.stats.bytesInUse - before).toBe(65536 * 2);
    t.dispose();
  });

  const close = async (got: torch.Tensor, want: torch.Tensor, ulps: number) => {
    expect(got.dtype).toBe('float16');
    expect(got.shape).toEqual(want.shape);
    expect(halfMismatches(await got.contiguous().dataAsync(), Array.from(want.contiguous().dataSync()), ulps)).toEqual([]);
  };

  it('indexing, views, cat, where, clamp, cumsum, sort and conv/pool follow the CPU float16', async () => {
    torch.manualSeed(3);
    const x = torch.randn([4, 6]).mul(3).half();
    const xg = x.to('webgpu');
    const idx = torch.tensor([3, 0, 2]);
    await close(xg.indexSelect(1, idx.to('webgpu')), x.indexSelect(1, idx), 0);
    await close(xg.gather(1, torch.tensor([[0, 1], [2, 3], [4, 5], [5, 0]]).to('webgpu')), x.gather(1, torch.tensor([[0, 1], [2, 3], [4, 5], [5, 0]])), 0);
    await close(torch.cat([xg.t(), xg.t()], 1), torch.cat([x.t(), x.t()], 1), 0);
    await close(torch.where(xg.gt(0), xg, xg.mul(-2)), torch.where(x.gt(0), x, x.mul(-2)), 0);
    await close(xg.clamp(-1, 1.5), x.clamp(-1, 1.5), 0);
    await close(xg.cumsum(1), x.cumsum(1), 1);
    await close(xg.sort(1, { descending: true }).values, x.sort(1, { descending: true }).values, 0);
    const img = torch.randn([2, 3, 8, 8]).half(), w = torch.randn([4, 3, 3, 3]).half();
    await close(nn.F.conv2d(img.to('webgpu'), w.to('webgpu'), null, { padding: 1 }), nn.F.conv2d(img, w, null, { padding: 1 }), 2);
    await close(nn.F.maxPool2d(img.to('webgpu'), 2), nn.F.maxPool2d(img, 2), 0);
    await close(nn.F.avgPool2d(img.to('webgpu'), 2), nn.F.avgPool2d(img, 2), 1);
    const r = torch.randn([1000], { dtype: 'float16', device: 'webgpu' });
    expect(r.dtype).toBe('float16');
    const m = (await r.mean().dataAsync())[0];
    expect(Math.abs(m)).toBeLessThan(0.15);
  });

  it('the fused layerNorm computes float16 in f32 (one dispatch), as PyTorch\'s CUDA kernel does', async () => {
    torch.manualSeed(4);
    const x = torch.randn([5, 40]).mul(4).add(2).half(), w = torch.randn([40]).half(), b = torch.randn([40]).half();
    const before = g.stats.dispatches;
    const got = nn.F.layerNorm(x.to('webgpu'), [40], w.to('webgpu'), b.to('webgpu'));
    expect(g.stats.dispatches - before).toBe(1);
    await close(got, nn.F.layerNorm(x.float(), [40], w.float(), b.float()).half(), 1);
  });

  it('a model trains in float16 (forward, backward, SGD) and follows the CPU float16 run', async () => {
    const run = async (device: string) => {
      torch.manualSeed(5);
      const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 1));
      model.half().to(device);
      const x = torch.randn([32, 8]).half().to(device), y = torch.randn([32, 1]).half().to(device);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) {
        opt.zeroGrad();
        const loss = (model(x) as torch.Tensor).sub(y).square().mean();
        expect(loss.dtype).toBe('float16');
        loss.backward();
        opt.step();
        losses.push((await loss.dataAsync())[0]);
      }
      return losses;
    };
    const cpu = await run('cpu'), gpuLosses = await run('webgpu');
    gpuLosses.forEach((l, i) => expect(Math.abs(l - cpu[i])).toBeLessThanOrEqual(0.01 * Math.abs(cpu[i]) + 1e-3));
    expect(gpuLosses[4]).toBeLessThan(gpuLosses[0]);
  });
});

describe.skipIf(!gpu)(`float16 without shader-f16${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('refuses float16 with a DTypeError naming the missing feature', () => {
    const g = gpu!;
    // Stand in for an adapter without the feature (SwiftShader), on this device.
    Object.defineProperty(g, 'float16', { value: false, configurable: true });
    try {
      expect(() => torch.tensor([1, 2], { dtype: 'float16' }).to('webgpu')).toThrow(DTypeError);
      expect(() => torch.tensor([1, 2]).to('webgpu').half()).toThrow(/shader-f16.*float32/);
    } finally {
      delete (g as { float16?: boolean }).float16;
    }
    expect(g.float16).toBe(g.info.shaderF16);
  });
});
