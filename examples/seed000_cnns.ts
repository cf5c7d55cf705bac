/** Seed 000: the three small CNNs (Net, CNN, SimpleCNN) trained with CrossEntropyLoss + Adam on seeded data. */
import { torch, nn, type Tensor } from 'flambeau';

torch.manualSeed(0);
const numClasses = 10;

class Net extends nn.Module {
  conv1 = new nn.Conv2d(3, 32, 3, { padding: 1 });
  relu = new nn.ReLU();
  fc = new nn.Linear(32 * 32 * 32, 10);

  override forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = this.relu(x);
    x = x.view(x.size(0), -1);
    x = this.fc(x);
    return x;
  }
}

class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { padding: 1 });
  relu = new nn.ReLU();
  pool = new nn.MaxPool2d(2, { stride: 2 });
  conv2 = new nn.Conv2d(32, 64, 3, { padding: 1 });
  fc1 = new nn.Linear(64 * 8 * 8, 128);
  fc2 = new nn.Linear(128, numClasses);

  override forward(x: Tensor): Tensor {
    x = this.pool(this.relu(this.conv1(x)));
    x = this.pool(this.relu(this.conv2(x)));
    x = x.view(-1, 64 * 8 * 8);
    x = this.relu(this.fc1(x));
    x = this.fc2(x);
    return x;
  }
}

class SimpleCNN extends nn.Module {
  conv1 = new nn.Conv2d(3, 32, 3, { padding: 1 });
  relu = new nn.ReLU();
  pool = new nn.MaxPool2d(2, { stride: 2 });
  conv2 = new nn.Conv2d(32, 64, 3, { padding: 1 });
  fc1: nn.Linear;
  fc2: nn.Linear;

  constructor(numClasses = 10) {
    super();
    this.fc1 = new nn.Linear(64 * 8 * 8, 128);
    this.fc2 = new nn.Linear(128, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.pool(this.relu(this.conv1(x)));
    x = this.pool(this.relu(this.conv2(x)));
    x = x.view(x.size(0), -1);
    x = this.relu(this.fc1(x));
    x = this.fc2(x);
    return x;
  }
}

const runs: [nn.Module, number[]][] = [[new Net(), [8, 3, 32, 32]], [new CNN(), [8, 1, 32, 32]], [new SimpleCNN(), [8, 3, 32, 32]]];
for (const [model, shape] of runs) {
  console.log(String(model));
  console.log([...model.parameters()].reduce((n, p) => n + p.numel(), 0));
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.001 });
  const data = torch.rand(shape);
  const target = torch.randint(0, 10, [shape[0]]);
  for (let epoch = 0; epoch < 3; epoch++) {
    optimizer.zeroGrad();
    const output = model(data) as Tensor;
    const loss = criterion(output, target);
    loss.backward();
    optimizer.step();
    console.log(`epoch ${epoch} loss ${(await loss.item()).toFixed(4)}`);
  }
}
