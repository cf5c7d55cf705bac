import * as torch from '@flambeau/tensor';
import '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';

const F = nn.functional;

/** LeNet-5 for 1×28×28 inputs (conv 5×5 → pool → conv 5×5 → pool → three linear layers). */
export class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    x = F.maxPool2d(F.relu(this.conv1(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2(x)), 2);
    x = x.flatten(1);
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    return this.fc3(x);
  }
}

/**
 * How the loss is computed: `F.crossEntropy` (gather/scatter on class indices), or the same
 * cross-entropy written as −Σ one-hot · log-softmax, which needs no index kernels.
 */
export type LossKind = 'crossEntropy' | 'oneHot';

/**
 * Trains LeNet from seed 0 on `device` for `steps` SGD steps over fixed synthetic batches and
 * returns the loss of every step (read back each step, as a training loop does).
 */
export async function trainLeNet(device: string, steps: number, loss: LossKind = 'crossEntropy', batch = 8): Promise<number[]> {
  torch.manualSeed(0);
  const net = new LeNet();
  // Four fixed batches, cycled: the net can fit them, so the loss falls within 50 steps.
  const xs = torch.randn(4, batch, 1, 28, 28);
  const ys = torch.randint(0, 10, [4, batch]);
  net.to(device);
  const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const x = xs.select(0, s % 4).to(device);
    const y = loss === 'crossEntropy' ? ys.select(0, s % 4).to(device) : F.oneHot(ys.select(0, s % 4), 10).float().to(device);
    opt.zeroGrad();
    const logits = net.forward(x);
    const l = loss === 'crossEntropy' ? F.crossEntropy(logits, y) : logits.logSoftmax(1).mul(y).sum(1).mean().neg();
    l.backward();
    opt.step();
    losses.push(await l.item());
  }
  return losses;
}
