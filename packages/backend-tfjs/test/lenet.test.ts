/**
 * LeNet (the seed 003 model) trains on the tfjs device over tfjs-backend-cpu and follows the CPU
 * backend's losses: same initial weights, same batches, SGD with momentum.
 */
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { nn, optim, torch } from 'flambeau';
import { Net } from '../../../examples/models/seed003_lenet.js';
import { useTfjs } from '../src/index.js';

await useTfjs('cpu');

async function losses(device: string, steps: number): Promise<number[]> {
  torch.manualSeed(0);
  const model = new Net();
  torch.manualSeed(1);
  const xs = torch.randn(steps, 4, 1, 32, 32);
  const ys = torch.randint(10, [steps, 4]);
  model.to(device);
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = lossFn(model(xs.select(0, s).to(device)), ys.select(0, s).to(device));
    opt.zeroGrad();
    loss.backward();
    opt.step();
    out.push(await loss.item());
  }
  return out;
}

describe('LeNet on the tfjs device', () => {
  it('six SGD steps give the CPU backend\'s losses, and the loss falls', async () => {
    const cpu = await losses('cpu', 6);
    const tfjs = await losses('tfjs', 6);
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(tfjs[i] - cpu[i]), `step ${i}: ${tfjs[i]} vs ${cpu[i]}`).toBeLessThan(1e-4 + 1e-4 * Math.abs(cpu[i]));
    expect(tfjs[5]).toBeLessThan(tfjs[0]);
  });
});
