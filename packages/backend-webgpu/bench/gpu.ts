/**
 * GPU figures for the bench README, on whatever adapter is present: GEMM TFLOPS at size³ and the
 * seed CIFAR CNN (the API-EXAMPLE model) training images/s at batch 64 and 256, one JSON line each.
 * Not a test; never run in CI (on lavapipe it only shows the kernels run). Usage:
 *   node --conditions=@flambeau/source --import tsx packages/backend-webgpu/bench/gpu.ts [size] [steps] [gemm,cnn]
 * tools/gpu/pack.sh bundles it for a GPU machine without Node.
 */
import * as torch from '@flambeau/tensor';
import '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import { initWebGPU } from '../src/index.js';

const size = Number(process.argv[2] ?? 1024);
const steps = Number(process.argv[3] ?? 10);
const cases = (process.argv[4] ?? 'gemm,cnn').split(',');
const g = await initWebGPU();
const line = (o: object) => console.log(JSON.stringify({ date: new Date().toISOString(), adapter: g.info.description || g.info.device, ...o }));

if (cases.includes('gemm')) {
  const a = g.fromArray(Float32Array.from({ length: size * size }, (_, i) => ((i % 17) - 8) / 16), 'float32');
  const v = { storage: a, dtype: 'float32' as const, shape: [1, size, size], strides: [size * size, size, 1], offset: 0 };
  g.dispose(g.matmul(v, v, 'float32'));
  await g.sync();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) g.dispose(g.matmul(v, v, 'float32'));
  await g.sync();
  const s = (performance.now() - t0) / 1000;
  line({ case: `gemm ${size}^3`, seconds: s / steps, tflops: (2 * size ** 3 * steps) / s / 1e12 });
}

for (const batch of cases.includes('cnn') ? [64, 256] : []) {
  torch.manualSeed(0);
  const { Sequential, Conv2d, MaxPool2d, Flatten, Linear } = nn;
  const net = new Sequential(new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2), new Conv2d(32, 32, 5, { padding: 2 }),
    new MaxPool2d(2), new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2), new Flatten(), new Linear(1024, 64), new Linear(64, 10)).to('webgpu');
  // Plain SGD: momentum buffers made inside tidy() would be freed with the step's temporaries.
  const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
  const x = torch.randn(batch, 3, 32, 32).to('webgpu');
  const y = torch.randint(0, 10, [batch]).to('webgpu');
  const step = async () => {
    const loss = torch.tidy(() => {
      opt.zeroGrad();
      const l = nn.functional.crossEntropy(net.forward(x), y);
      l.backward();
      opt.step();
      return l;
    });
    await loss.item();
    loss.dispose();
  };
  for (let i = 0; i < 3; i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const s = (performance.now() - t0) / 1000;
  line({ case: `cifar cnn train step, batch ${batch}`, seconds: s / steps, imagesPerSecond: (batch * steps) / s });
}
