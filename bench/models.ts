/** The models shared by bench/run.ts, bench/ab.ts and bench/rss_child.ts: the ones torch_bench.py builds. */
import { torch, nn, optim } from 'flambeau';

/** One training step over fixed data, and the optimizer's update alone (gradients computed once). */
export interface TrainCase { step: () => void; update: () => void }

export type ModelName = 'cnn' | 'lenet' | 'mlp';

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

/** The seed CIFAR CNN (API-EXAMPLE). */
function cifarCnn(): nn.Module {
  const { Sequential, Conv2d, MaxPool2d, Flatten, Linear } = nn;
  return new Sequential(new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2), new Conv2d(32, 32, 5, { padding: 2 }),
    new MaxPool2d(2), new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2), new Flatten(), new Linear(1024, 64), new Linear(64, 10));
}

/** Seed 003's LeNet (the 60-minute blitz `Net`, apps/trainer's LeNet) on 1×32×32 images. */
function lenet(): nn.Module {
  const { Sequential, Conv2d, ReLU, MaxPool2d, Flatten, Linear } = nn;
  return new Sequential(new Conv2d(1, 6, 3), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 3), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(576, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));
}

/** MLP 784-128-10 with ReLU. */
function mlp(): nn.Module {
  return new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
}

/** Each model, its input shape (without the batch) and its optimizer, as torch_bench.py's MODELS. */
const MODELS: Record<ModelName, { make: () => nn.Module; input: number[]; opt: (net: nn.Module, momentum: number) => optim.Optimizer<object> }> = {
  cnn: { make: cifarCnn, input: [3, 32, 32], opt: (net, momentum) => new optim.SGD(net.parameters(), { lr: 0.01, momentum }) },
  lenet: { make: lenet, input: [1, 32, 32], opt: (net, momentum) => new optim.SGD(net.parameters(), { lr: 0.01, momentum }) },
  mlp: { make: mlp, input: [784], opt: (net) => new optim.Adam(net.parameters(), { lr: 1e-3 }) },
};

/** A training step of `model` at `batch` (SGD with `momentum` for the CNNs, Adam for the MLP). */
export function modelCase(model: ModelName, batch: number, momentum = 0): TrainCase {
  torch.manualSeed(0);
  const m = MODELS[model];
  const net = m.make();
  return trainCase(net, m.opt(net, momentum), torch.rand(batch, ...m.input), 10);
}

/** Inference of `model` at `batch`: eval mode, no graph. */
export function inferCase(model: ModelName, batch: number): () => void {
  torch.manualSeed(0);
  const m = MODELS[model];
  const net = m.make();
  net.eval();
  const x = torch.rand(batch, ...m.input);
  return () => void torch.noGrad(() => net(x));
}

/** The seed CIFAR CNN, SGD with `momentum`. */
export const cnnCase = (batch: number, momentum = 0): TrainCase => modelCase('cnn', batch, momentum);

/** MLP 784-128-10 with ReLU, Adam. */
export const mlpCase = (batch: number): TrainCase => modelCase('mlp', batch);
