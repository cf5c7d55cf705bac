import * as torch from '@flambeau/tensor';
import { DTypeError, RuntimeError, cpu } from '@flambeau/tensor';
import { describe, expect, it } from 'vitest';
import { initWebGPU } from '../src/index.js';
import { randomFill } from '../src/kernels/random.js';
import { gpu, skipReason } from './helpers.js';
import { randn } from './reference.js';

const suite = gpu ? describe : describe.skip;

/** Philox4x32-10 with BigInt products: an implementation independent of the WGSL one. */
function philoxRef(ctr: number[], key: number[]): number[] {
  let c = [...ctr], k = [...key];
  const mul = (a: number, b: number) => { const p = BigInt(a) * BigInt(b); return [Number(p >> 32n) >>> 0, Number(p & 0xffffffffn) >>> 0]; };
  for (let r = 0; r < 10; r++) {
    const [h0, l0] = mul(0xd2511f53, c[0]);
    const [h1, l1] = mul(0xcd9e8d57, c[2]);
    c = [(h1 ^ c[1] ^ k[0]) >>> 0, l1, (h0 ^ c[3] ^ k[1]) >>> 0, l0];
    k = [(k[0] + 0x9e3779b9) >>> 0, (k[1] + 0xbb67ae85) >>> 0];
  }
  return c;
}

suite(`webgpu runtime${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const g = gpu!;
  const view = (s: torch.Storage, shape: number[]) => ({ storage: s, dtype: s.dtype, shape, strides: torch.contiguousStrides(shape), offset: 0 });

  it('refuses float64 with a message naming .float()', () => {
    expect(() => g.fromArray(new Float64Array([1, 2]), 'float64')).toThrow(DTypeError);
    expect(() => g.fromArray(new Float64Array([1, 2]), 'float64')).toThrow(/float64.*\.float\(\)/);
    expect(() => torch.tensor([1.5, 2]).double().to('webgpu')).toThrow(/\.float\(\)/);
  });

  it('stores int64 as int32 and names the value outside the range at upload', async () => {
    expect(() => g.fromArray(new Float64Array([1, 2 ** 31]), 'int64')).toThrow(RuntimeError);
    expect(() => g.fromArray(new Float64Array([1, 2 ** 31]), 'int64')).toThrow(/2147483648 at index 1 is outside the int32 range/);
    const s = g.fromArray(new Float64Array([-(2 ** 31), 2 ** 31 - 1, 7]), 'int64');
    const back = await g.read(s);
    expect(back).toBeInstanceOf(Float64Array);
    expect(Array.from(back)).toEqual([-(2 ** 31), 2 ** 31 - 1, 7]);
  });

  it('bool and uint8 round-trip as one word per element', async () => {
    expect(Array.from(await g.read(g.fromArray(new Uint8Array([0, 1, 255, 7]), 'uint8')))).toEqual([0, 1, 255, 7]);
    expect(Array.from(await g.read(g.fromArray(new Uint8Array([0, 1, 1, 0]), 'bool')))).toEqual([0, 1, 1, 0]);
  });

  it('asks for an adapter index that exists', async () => {
    await expect(initWebGPU('webgpu:7')).rejects.toThrow(/webgpu:7 requested but only \d WebGPU adapter/);
    await expect(() => initWebGPU('cuda')).toThrow(/expected 'webgpu' or 'webgpu:N'/);
    expect(g.index).toBe(0);
    expect(torch.getBackend('webgpu')).toBe(g);
  });

  it('encodes many dispatches per submit and reads back only on read()', async () => {
    const x = g.fromArray(randn(256, 1), 'float32');
    const before = g.stats.submits;
    let y = view(x, [256]);
    for (let i = 0; i < 20; i++) y = view(g.unary('neg', y, 'float32'), [256]);
    expect(g.stats.submits).toBe(before);
    const got = await g.read(y.storage);
    expect(g.stats.submits).toBe(before + 1);
    expect(Array.from(got)).toEqual(Array.from(randn(256, 1)));
  });

  it('reuses one pipeline for every shape and rank of an elementwise op', () => {
    const run = (shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const s = g.fromArray(randn(n, 2), 'float32');
      g.dispose(g.unary('cosh', view(s, shape), 'float32'));
      g.dispose(s);
    };
    run([3]);
    const p = g.stats.pipelines;
    run([5, 7]);
    run([2, 3, 4, 5, 6]);
    expect(g.stats.pipelines).toBe(p);
  });

  it('Philox draws: the published test vector, and element i uses counter offset + i', async () => {
    // Random123 known-answer vector: philox4x32-10, counter 0 and key 0 → 0x6627e8d5 first word.
    expect(philoxRef([0, 0, 0, 0], [0, 0])[0]).toBe(0x6627e8d5);
    const n = 1000;
    const seed = 1234567, offset = 2 ** 32 - 500; // crosses a 32-bit carry in the counter
    const s = g.out('float32', n);
    randomFill(g, view(s, [n]), 'uniform', 0, 1, seed, offset);
    const got = await g.read(s);
    const want = Array.from({ length: n }, (_, i) => {
      const c = offset + i;
      const w = philoxRef([c >>> 0, Math.floor(c / 2 ** 32), 0, 0], [seed, 0])[0];
      return (w >>> 8) / 2 ** 24;
    });
    expect(Array.from(got)).toEqual(want);
    const z = g.out('float32', 1);
    randomFill(g, view(z, [1]), 'uniform', 0, 1, 0, 0);
    expect((await g.read(z))[0]).toBe((0x6627e8d5 >>> 8) / 2 ** 24);
  });

  it('manualSeed makes webgpu draws reproducible; successive draws differ', async () => {
    torch.manualSeed(3);
    const a = await torch.rand([64], { device: 'webgpu' }).dataAsync();
    const b = await torch.rand([64], { device: 'webgpu' }).dataAsync();
    torch.manualSeed(3);
    const c = await torch.rand([64], { device: 'webgpu' }).dataAsync();
    expect(Array.from(c)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });

  it('normal, bernoulli, randint and exponential fills have the right moments', async () => {
    const n = 40_000;
    // Moments of 40 000 draws: each bound is about 4 standard errors wide.
    const draw = async (kind: 'normal' | 'bernoulli' | 'randint' | 'exponential', a: number, b: number, dtype: torch.DType = 'float32') => {
      const s = g.out(dtype, n);
      randomFill(g, view(s, [n]), kind, a, b, 42, 0);
      return Array.from(await g.read(s));
    };
    const stats = (xs: number[]) => { const m = xs.reduce((p, q) => p + q, 0) / xs.length; return [m, Math.sqrt(xs.reduce((p, q) => p + (q - m) ** 2, 0) / xs.length)]; };
    const [nm, ns] = stats(await draw('normal', 2, 3));
    expect(Math.abs(nm - 2)).toBeLessThan(0.06);
    expect(Math.abs(ns - 3)).toBeLessThan(0.05);
    const [bm] = stats(await draw('bernoulli', 0.3, 0));
    expect(Math.abs(bm - 0.3)).toBeLessThan(0.01);
    const ri = await draw('randint', -3, 4, 'int64');
    expect(Math.min(...ri)).toBe(-3);
    expect(Math.max(...ri)).toBe(3);
    const [em] = stats(await draw('exponential', 2, 0));
    expect(Math.abs(em - 0.5)).toBeLessThan(0.01);
  });

  it('fused softmax and logSoftmax match the composite ops on the CPU', async () => {
    const x = torch.tensor(Array.from(randn(6 * 70, 3, 4))).reshape(6, 70);
    const xg = x.to('webgpu');
    const check = async (gt: torch.Tensor, want: torch.Tensor) => {
      const a = await gt.dataAsync(), b = want.contiguous().dataSync();
      expect(gt.shape).toEqual(want.shape);
      const bad = Array.from(b).flatMap((w, i) => (Math.abs(a[i] - w) <= 1e-5 + 1e-5 * Math.abs(w) ? [] : [`[${i}] ${a[i]} vs ${w}`]));
      expect(bad.slice(0, 5)).toEqual([]);
    };
    await check(g.fused.softmax([xg], { dim: 1 }) as torch.Tensor, x.softmax(1));
    await check(g.fused.logSoftmax([xg.t()], { dim: 0 }) as torch.Tensor, x.t().logSoftmax(0));
  });

  it('an out-of-range gather index raises PyTorch\'s error at the next read (device-side check)', async () => {
    const x = torch.tensor([[1, 2], [3, 4]]).float().to('webgpu');
    const y = x.gather(1, torch.tensor([[0, 5], [1, 0]]).to('webgpu'));
    await expect(y.dataAsync()).rejects.toThrow(/index 5 is out of bounds for dimension 1 with size 2/);
    // Reported once; good indices then read normally.
    expect(Array.from(await x.gather(1, torch.tensor([[1, 0], [0, 0]]).to('webgpu')).dataAsync())).toEqual([2, 1, 3, 3]);
  });

  it('tensors move to webgpu and compute through the op layer', async () => {
    const a = torch.tensor([[1, 2], [3, 4]]).float();
    const b = a.to('webgpu');
    expect(String(b.device)).toBe('webgpu:0');
    const c = b.matmul(b).add(1).relu();
    expect(Array.from(await c.dataAsync())).toEqual(Array.from(a.matmul(a).add(1).relu().dataSync()));
    expect(cpu.name).toBe('cpu');
  });
});

describe.skipIf(!gpu)(`webgpu failures surface as errors${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('a lost device makes the next call throw, naming the loss', async () => {
    const { openDevice } = await import('../src/device.js');
    const { WebGPUBackend } = await import('../src/backend.js');
    const b = new WebGPUBackend(await openDevice(0));
    const s = b.fromArray(new Float32Array([1, 2, 3]), 'float32');
    b.ctx.device.destroy();
    await b.ctx.device.lost;
    expect(() => b.unary('exp', { storage: s, dtype: 'float32', shape: [3], strides: [1], offset: 0 }, 'float32')).toThrow(/webgpu device was lost \(destroyed/);
    await expect(b.read(s)).rejects.toThrow(RuntimeError);
  });

  it('a kernel that fails validation is reported at the next call', async () => {
    const { openDevice } = await import('../src/device.js');
    const { WebGPUBackend } = await import('../src/backend.js');
    const b = new WebGPUBackend(await openDevice(0));
    b.ctx.dispatch({ code: '@compute @workgroup_size(1) fn main() { let x: u32 = undefined_name; }', meta: [0], buffers: [], workgroups: 1 });
    await expect(b.sync()).rejects.toThrow(/webgpu kernel failed: .*undefined_name/s);
    // Reported once; the device keeps working.
    expect(Array.from(await b.read(b.fromArray(new Float32Array([1]), 'float32')))).toEqual([1]);
    b.ctx.device.destroy();
  });
});

describe.skipIf(!gpu)(`webgpu size limits${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('refuses a tensor larger than the largest storage binding, naming the limit', () => {
    const limit = gpu!.ctx.device.limits.maxStorageBufferBindingSize;
    const n = Math.floor(limit / 4) + 1;
    expect(() => gpu!.out('float32', n)).toThrow(new RegExp(`${n} elements .* exceeds this adapter's largest storage binding \\(${limit} bytes\\)`));
  });
});

describe('without an adapter', () => {
  it('isAvailable() is false and initWebGPU says what to install', async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const r = spawnSync(process.execPath, ['--conditions=@flambeau/source', '--import', 'tsx', fileURLToPath(new URL('./no-adapter-child.ts', import.meta.url))], {
      encoding: 'utf8', timeout: 60_000, cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' },
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    expect(line, r.stderr.slice(-500)).toBeDefined();
    const got = JSON.parse(line!) as { available: boolean; error: string };
    expect(got.available).toBe(false);
    expect(got.error).toMatch(/^RuntimeError: WebGPU .*(no adapter|not available).*(mesa-vulkan-drivers|npm i webgpu)/);
  }, 70_000);
});
