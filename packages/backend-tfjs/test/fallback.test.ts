/**
 * The up-front report of kernels a tfjs backend lacks, and the CPU fallback that runs them. A tfjs
 * backend without Conv2DBackpropFilter (as tfjs-backend-wasm 4.22 is) is built here from the cpu
 * backend's kernels minus that one.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { nn, torch } from 'flambeau';
import { describeTfjsBackend, tfjs, useTfjs } from '../src/index.js';

const F = nn.functional;

describe('tfjs backend selection and fallbacks', () => {
  it('on tfjs-backend-cpu only the always-CPU kernels and the missing tfjs kernels fall back', async () => {
    const d = await useTfjs('cpu');
    expect(d.tfjsBackend).toBe('cpu');
    expect(d.readSync).toBe(true);
    const kernels = d.fallbacks.map((f) => f.kernel);
    for (const k of ['sort', 'multinomial', 'nonzero', 'unary/erfc', 'binary/bitwiseOr', 'binary/bitwiseXor']) expect(kernels).toContain(k);
    expect(kernels).not.toContain('conv2d');
    expect(kernels).not.toContain('matmul');
    expect(d.unavailable).toEqual([]);
    expect(d.summary).toMatch(/^tfjs \(cpu\): CPU fallback/);
    expect(tfjs.readSync).toBeTypeOf('function');
  });

  it('a tfjs backend without Conv2DBackpropFilter reports it up front and still trains through the CPU kernel', async () => {
    tf.registerBackend('nofilter', () => new MathBackendCPU(), 0);
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (k.kernelName !== 'Conv2DBackpropFilter') tf.registerKernel({ ...k, backendName: 'nofilter' });
    }
    await tf.setBackend('nofilter');
    const d = describeTfjsBackend();
    expect(d.fallbacks).toContainEqual({ kernel: 'conv2dBackwardWeight', reason: 'no Conv2DBackpropFilter kernel in tfjs nofilter' });

    torch.manualSeed(0);
    const x = torch.randn(2, 3, 6, 6);
    const w = torch.randn(4, 3, 3, 3, { requiresGrad: true });
    F.conv2d(x, w, null, { padding: 1 }).square().sum().backward();
    const wt = w.detach().to('tfjs').requiresGrad_();
    F.conv2d(x.to('tfjs'), wt, null, { padding: 1 }).square().sum().backward();
    const want = Array.from(await w.grad!.dataAsync());
    const got = Array.from(await wt.grad!.dataAsync());
    expect(wt.grad!.device.type).toBe('tfjs');
    got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(1e-3 * (1 + Math.abs(want[i]))));
    await tf.setBackend('cpu');
  });

  it('asking for tfjs-node-gpu when it is not installed names its requirements', async () => {
    await expect(useTfjs('tfjs-node-gpu')).rejects.toThrow(/@tensorflow\/tfjs-node-gpu could not be loaded.*CUDA 11\.2 and cuDNN 8\.1.*downloads libtensorflow/);
    await expect(useTfjs('tfjs-node')).rejects.toThrow(/@tensorflow\/tfjs-node could not be loaded.*libtensorflow/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('an unknown choice is refused', async () => {
    await expect(useTfjs('cuda' as never)).rejects.toThrow(/unknown tfjs backend 'cuda'/);
  });
});
