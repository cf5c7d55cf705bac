/**
 * LeNet-5 training shared by the browser page (index.html → main.ts), the Node test that compares
 * it with the CPU (packages/backend-webgpu/test/lenet.test.ts) and the headless-Chromium check.
 */
import * as torch from '@flambeau/tensor';
import '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';

const F = nn.functional;

/** LeNet-5 for 1×28×28 inputs (conv 5×5 → pool → conv 5×5 → pool → three linear layers). */
export class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5, 1, 2); // Conv2d(1, 6, 5, stride=1, padding=2), positionally
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

/** Batches on the CPU: images [B, 1, 28, 28] float32 and int64 labels [B]. */
export interface Batch { x: torch.Tensor; y: torch.Tensor }

/** Four synthetic batches of 8 drawn after `manualSeed(0)` and the net's initialisation. */
export function syntheticBatches(): Batch[] {
  const xs = torch.randn(4, 8, 1, 28, 28);
  const ys = torch.randint(0, 10, [4, 8]);
  return [0, 1, 2, 3].map((i) => ({ x: xs.select(0, i), y: ys.select(0, i) }));
}

/** MNIST batches from raw IDX bytes (images without their 16-byte header, labels without 8). */
export function mnistBatches(images: Uint8Array, labels: Uint8Array, batch = 8): Batch[] {
  const n = Math.floor(labels.length / batch);
  const x = torch.tensor(Array.from(images.subarray(0, n * batch * 784), (v) => v / 255)).reshape(n, batch, 1, 28, 28);
  // torchvision's MNIST normalisation.
  const xn = x.sub(0.1307).div(0.3081);
  const y = torch.tensor(Array.from(labels.subarray(0, n * batch))).reshape(n, batch);
  return Array.from({ length: n }, (_, i) => ({ x: xn.select(0, i).contiguous(), y: y.select(0, i).contiguous() }));
}

/**
 * Trains LeNet from seed 0 on `device` for `steps` SGD steps (lr 0.01, momentum 0.9), cycling
 * through `batches` (synthetic when omitted), and returns the loss of every step, read back each
 * step as a training loop does.
 *
 * @example
 * const losses = await trainLeNet('webgpu', 50, 'oneHot');
 */
export async function trainLeNet(device: string, steps: number, loss: LossKind = 'crossEntropy', batches?: Batch[]): Promise<number[]> {
  torch.manualSeed(0);
  const net = new LeNet();
  const data = batches ?? syntheticBatches();
  net.to(device);
  const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { x: xb, y: yb } = data[s % data.length];
    const x = xb.to(device);
    const y = loss === 'crossEntropy' ? yb.to(device) : F.oneHot(yb, 10).float().to(device);
    opt.zeroGrad();
    const logits = net.forward(x);
    const l = loss === 'crossEntropy' ? F.crossEntropy(logits, y) : logits.logSoftmax(1).mul(y).sum(1).mean().neg();
    l.backward();
    opt.step();
    losses.push(await l.item());
  }
  return losses;
}
