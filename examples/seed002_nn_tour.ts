/**
 * Seed 002: the torch.nn tour, ported line by line, its SummaryWriter included (event files in
 * examples/logs/, which TensorBoard reads); CIFAR-10 is the synthetic one in the real binary
 * format; the closing SGD loop runs 5 epochs instead of 20 to keep CI short.
 */
import { torch, nn, data, type Tensor } from 'flambeau';
import { SummaryWriter } from '@flambeau/tensorboard';
import { Yk } from '@flambeau/trainer/models'; // defined once, in the trainer's model zoo
import { writeCifar10 } from './synthetic_cifar.js';
const { Conv2d, MaxPool2d, ReLU, Sigmoid, Linear } = nn;
const F = nn.functional;
const { DataLoader } = data;
const size = (t: Tensor) => `torch.Size([${t.shape.join(', ')}])`;

torch.manualSeed(0);
writeCifar10('./data', 128);

class YkModule extends nn.Module {
  override forward(input: Tensor): Tensor {
    const output = input.add(1);
    return output;
  }
}

let yk: nn.Module = new YkModule();
const x = torch.tensor(1.0, { dtype: 'float32' }); // JS has no 1.0 literal: say float32
let output = yk(x) as Tensor;
console.log(String(output));

let input = torch.tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [2, 1, 0, 1, 1], [2, 1, 0, 1, 1]]);
let kerNal = torch.tensor([[1, 2, 1], [0, 1, 0], [2, 1, 0]]);
input = torch.reshape(input, [1, 1, 5, 5]);
kerNal = torch.reshape(kerNal, [1, 1, 3, 3]);
output = F.conv2d(input, kerNal, { stride: 1 });
console.log(String(output));
const output2 = F.conv2d(input, kerNal, { stride: 2 });
console.log(String(output2));
const output3 = F.conv2d(input, kerNal, { stride: 1, padding: 1 });
console.log(String(output3));

const dataset = new data.datasets.CIFAR10('./data', { train: false, transform: new data.transforms.ToTensor() });
const loader = new DataLoader(dataset, 64); // DataLoader(dataset, batch_size=64), positionally

class YkConv extends nn.Module {
  conv1 = new Conv2d(3, 6, [3, 3], { stride: [1, 1], padding: 0 });
  override forward(x: Tensor): Tensor {
    x = this.conv1(x);
    return x;
  }
}

yk = new YkConv();
console.log(String(yk).replace('YkConv', 'Yk'));
const writer = new SummaryWriter('./logs');
let step = 0;
for await (const [imgs] of loader) {
  let output = yk(imgs) as Tensor;
  console.log(size(imgs));
  console.log(size(output));
  writer.add_images('input', imgs, step);
  output = torch.reshape(output, [-1, 3, 30, 30]);
  console.log(size(output));
  writer.add_images('output', output, step);
  step = step + 1;
}
writer.close();

input = torch.tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]], { dtype: 'float32' });
input = torch.reshape(input, [-1, 1, 5, 5]);

class YkPool extends nn.Module {
  maxpool1: nn.MaxPool2d;
  constructor(ceilMode: boolean) {
    super();
    this.maxpool1 = new MaxPool2d(3, { ceilMode });
  }
  override forward(input: Tensor): Tensor {
    const output = this.maxpool1(input);
    return output;
  }
}

console.log(String(new YkPool(true)(input)));
console.log(String(new YkPool(false)(input)));

input = torch.tensor([[1, -0.5], [-1, 3]]);
input = torch.reshape(input, [-1, 1, 2, 2]);

class YkAct extends nn.Module {
  relu1 = new ReLU();
  sigmoid1 = new Sigmoid();
  override forward(input: Tensor): [Tensor, Tensor] {
    return [this.relu1(input), this.sigmoid1(input)];
  }
}

const [r, s] = new YkAct()(input);
console.log(String(r));
console.log(String(s));

const dataLoad = new DataLoader(dataset, { batchSize: 64, dropLast: true });

class YkLinear extends nn.Module {
  learner1 = new Linear(196608, 10);
  override forward(input: Tensor): Tensor {
    const output = this.learner1(input);
    return output;
  }
}

yk = new YkLinear();
for await (const [imgs] of dataLoad) {
  console.log(size(imgs));
  let output = torch.flatten(imgs);
  console.log(size(output));
  output = yk(output) as Tensor;
  console.log(size(output));
}

const ykSeq = new Yk();
console.log(String(ykSeq));
input = torch.ones([64, 3, 32, 32]);
output = ykSeq(input);
console.log(size(output));

const inputs = torch.tensor([1, 2, 3], { dtype: 'float32' });
const targets = torch.tensor([1, 2, 5], { dtype: 'float32' });
console.log(String(new nn.L1Loss()(inputs, targets)));
console.log(String(new nn.L1Loss({ reduction: 'sum' })(inputs, targets)));
console.log(String(new nn.MSELoss()(inputs, targets)));
const xs = torch.tensor([0.1, 0.2, 0.3]).reshape([1, 3]);
const y = torch.tensor([1]);
console.log(String(new nn.CrossEntropyLoss()(xs, y)));
console.log(String(new nn.BCELoss()(torch.tensor([0.8, 0.2, 0.6]), torch.tensor([1.0, 0.0, 1.0], { dtype: 'float32' }))));

const mseLoss = new nn.MSELoss();
const batch = torch.randn(10, 3);
const labels = torch.randn(10, 3);
const model = new nn.Linear(3, 3);
const predictions = model(batch);
const loss = mseLoss(predictions, labels);
console.log(String(loss));
loss.backward();
const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
optimizer.step();
console.log(String(mseLoss(model(batch), labels)));

const dataloader = new DataLoader(dataset, { batchSize: 64, dropLast: true });
const lossFn = new nn.CrossEntropyLoss();
const ykTrain = new Yk();
const optim = new torch.optim.SGD(ykTrain.parameters(), { lr: 0.01 });
for (let epoch = 0; epoch < 5; epoch++) {
  let runningLoss: Tensor | number = 0.0;
  for await (const [imgs, targets] of dataloader) {
    const output = ykTrain(imgs);
    const resultLoss = lossFn(output, targets);
    optim.zeroGrad();
    resultLoss.backward();
    optim.step();
    runningLoss = resultLoss.add(runningLoss);
  }
  console.log(String(runningLoss));
}
