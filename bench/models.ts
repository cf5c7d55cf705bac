/** The training cases shared by bench/run.ts and bench/ab.ts: the same models PyTorch runs in torch_bench.py. */
import { torch, nn, optim } from 'flambeau';

/** One training step over fixed data, and the optimizer's update alone (gradients computed once). */
export interface TrainCase { step: () => void; update: () => void }

function trainCase(net: nn.Module, opt: optim.Optimizer<object>, x: torch.Tensor, classes: number): TrainCase {
  const y = torch.randint(0, classes, [x.shape[0]]);
  const lossFn = new nn.CrossEntropyLoss();
  const step = () => {
    opt.zeroGrad();
    lossFn(net(x), y).backward();
    opt.step();
  };
  step();
  return { step, update: () => opt.step() };
}

/** The seed CIFAR CNN (API-EXAMPLE), SGD with `momentum`. */
export function cnnCase(batch: number, momentum = 0): TrainCase {
  torch.manualSeed(0);
  const { Sequential, Conv2d, MaxPool2d, Flatten, Linear } = nn;
  const net = new Sequential(new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2), new Conv2d(32, 32, 5, { padding: 2 }),
    new MaxPool2d(2), new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2), new Flatten(), new Linear(1024, 64), new Linear(64, 10));
  return trainCase(net, new optim.SGD(net.parameters(), { lr: 0.01, momentum }), torch.rand(batch, 3, 32, 32), 10);
}

/** MLP 784-128-10 with ReLU, Adam. */
export function mlpCase(batch: number): TrainCase {
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  return trainCase(net, new optim.Adam(net.parameters(), { lr: 1e-3 }), torch.rand(batch, 784), 10);
}
