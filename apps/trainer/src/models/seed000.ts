/** Seed 000's three small CNNs: `Net` (3×32×32), `CNN` (1×32×32) and `SimpleCNN` (3×32×32). */
import { nn, type Tensor } from 'flambeau';

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(3, 32, 3, { padding: 1 });
  relu = new nn.ReLU();
  fc: nn.Linear;

  constructor(numClasses = 10) {
    super();
    this.fc = new nn.Linear(32 * 32 * 32, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = this.relu(x);
    x = x.view(x.size(0), -1);
    x = this.fc(x);
    return x;
  }
}

export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { padding: 1 });
  relu = new nn.ReLU();
  pool = new nn.MaxPool2d(2, { stride: 2 });
  conv2 = new nn.Conv2d(32, 64, 3, { padding: 1 });
  fc1 = new nn.Linear(64 * 8 * 8, 128);
  fc2: nn.Linear;

  constructor(numClasses = 10) {
    super();
    this.fc2 = new nn.Linear(128, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.pool(this.relu(this.conv1(x)));
    x = this.pool(this.relu(this.conv2(x)));
    x = x.view(-1, 64 * 8 * 8);
    x = this.relu(this.fc1(x));
    x = this.fc2(x);
    return x;
  }
}

export class SimpleCNN extends nn.Module {
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
