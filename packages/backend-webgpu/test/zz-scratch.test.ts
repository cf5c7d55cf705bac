import { it } from 'vitest';
import * as torch from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import { initWebGPU } from '../src/index.js';
import { trainLeNet } from './lenet.js';
it('x', async () => { const g = await initWebGPU();
  let t = performance.now();
  await trainLeNet('webgpu', 10, 'oneHot'); console.log('lenet 10 steps', performance.now() - t);
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(16, 32), new nn.ReLU(), new nn.Linear(32, 4)).to('webgpu');
  const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
  const x = torch.randn(8, 16).to('webgpu'), y = torch.randn(8, 4).to('webgpu');
  t = performance.now();
  for (let s = 0; s < 400; s++) {
    const loss = torch.tidy(() => { opt.zeroGrad(); const l = net.forward(x).sub(y).square().mean(); l.backward(); opt.step(); return l; });
    const v = await loss.item(); loss.dispose();
    if (s % 50 === 0) console.log(s, v.toFixed(5), JSON.stringify(g.stats));
  }
  console.log('mlp 400 steps', performance.now() - t);
});
