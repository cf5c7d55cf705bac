/** LeNet's training losses on a device: the seed 003 model, fixed weights and batches, SGD with momentum. */
import { nn, optim, torch } from 'flambeau';
import { LeNet as Net } from '../../../apps/trainer/src/models/index.js';

export async function lenetLosses(device: string, steps: number): Promise<number[]> {
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

/** Whether two loss curves agree within float32 training noise. */
export function sameLosses(got: number[], want: number[]): string[] {
  return want.flatMap((w, i) => (Math.abs(got[i] - w) < 1e-4 + 1e-4 * Math.abs(w) ? [] : [`step ${i}: ${got[i]} vs ${w}`]));
}
