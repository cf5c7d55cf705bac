/**
 * Seed 001: CIFAR-10 with ToTensor + Normalize, DataLoader(batch 4, shuffle, 2 workers), CNNNet
 * (76922 parameters), SGD with momentum, overall and per-class accuracy — ported line by line.
 * Runs on a small synthetic CIFAR-10 in the real binary format (no registry ships the real one).
 */
import { torch, nn, optim, data, type Tensor } from 'flambeau';
import { CNNNet } from '@flambeau/trainer/models'; // defined once, in the trainer's model zoo
import { writeCifar10 } from './synthetic_cifar.js';
const transforms = data.transforms;

torch.manualSeed(0);
writeCifar10('./data', 40);

const transform = new transforms.Compose([
  new transforms.ToTensor(),
  new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
const trainset = new data.datasets.CIFAR10('./data', { train: true, download: false, transform });
const trainloader = new data.DataLoader(trainset, { batchSize: 4, shuffle: true, numWorkers: 2 });
const testset = new data.datasets.CIFAR10('./data', { train: false, download: false, transform });
const testloader = new data.DataLoader(testset, { batchSize: 4, shuffle: true, numWorkers: 2 });
const classes = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

let dataiter = trainloader[Symbol.asyncIterator]();
let [images, labels] = (await dataiter.next()).value as [Tensor, Tensor];
await dataiter.return?.();
let lab = (await labels.tolist()) as number[];
console.log([0, 1, 2, 3].map((j) => classes[lab[j]].padStart(5)).join(' '));
console.log(`torch.Size([${images.shape.join(', ')}])`);

const net = new CNNNet();
console.log(`net have ${[...net.parameters()].reduce((n, x) => n + x.numel(), 0)} paramerters in total`);
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(net.parameters(), 0.001, 0.9); // optim.SGD(params, lr=0.001, momentum=0.9), positionally
console.log(String(net));
console.log(String(new nn.Sequential(...[...net.children()].slice(0, 4))));

for (let epoch = 0; epoch < 1; epoch++) {
  let runningLoss = 0.0;
  let i = 0;
  for await (const [inputs, labels] of trainloader) {
    optimizer.zeroGrad();
    const outputs = net(inputs);
    const loss = criterion(outputs, labels);
    loss.backward();
    optimizer.step();
    runningLoss += await loss.item();
    if (i % 10 === 9) {
      console.log(`[${epoch + 1}, ${String(i + 1).padStart(5)}] loss: ${(runningLoss / 10).toFixed(3)}`);
      runningLoss = 0.0;
    }
    i++;
  }
}
console.log('Finished Training');

dataiter = testloader[Symbol.asyncIterator]();
[images, labels] = (await dataiter.next()).value as [Tensor, Tensor];
await dataiter.return?.();
lab = (await labels.tolist()) as number[];
console.log('GroundTruth: ', [0, 1, 2, 3].map((j) => classes[lab[j]].padStart(5)).join(' '));
const outputs = net(images);
const { indices: predicted } = torch.max(outputs, 1);
const pred = (await predicted.tolist()) as number[];
console.log('Predicted: ', [0, 1, 2, 3].map((j) => classes[pred[j]].padStart(5)).join(' '));

let correct = 0;
let total = 0;
await torch.noGrad(async () => {
  for await (const [images, labels] of testloader) {
    const outputs = net(images);
    const { indices: predicted } = torch.max(outputs, 1);
    total += labels.size(0);
    correct += await predicted.eq(labels).sum().item();
  }
});
console.log(`Accuracy of the network on the ${total} test images: ${Math.trunc((100 * correct) / total)} %`);

const classCorrect = Array.from({ length: 10 }, () => 0);
const classTotal = Array.from({ length: 10 }, () => 0);
await torch.noGrad(async () => {
  for await (const [images, labels] of testloader) {
    const outputs = net(images);
    const { indices: predicted } = torch.max(outputs, 1);
    const c = (await predicted.eq(labels).squeeze().tolist()) as boolean[];
    const lab = (await labels.tolist()) as number[];
    for (let i = 0; i < 4; i++) {
      classCorrect[lab[i]] += Number(c[i]);
      classTotal[lab[i]] += 1;
    }
  }
});
for (let i = 0; i < 10; i++) {
  console.log(`Accuracy of ${classes[i].padStart(5)} : ${String(Math.trunc((100 * classCorrect[i]) / Math.max(classTotal[i], 1))).padStart(2)} %`);
}
