/** Seed 001's CIFAR-10 `CNNNet` (76 922 parameters at 10 classes), 3×32×32 in. */
import { nn, type Tensor } from 'flambeau';
const F = nn.functional;

export class CNNNet extends nn.Module {
  conv1 = new nn.Conv2d(3, 8, 5, { stride: 1 });
  pool1 = new nn.MaxPool2d(2, { stride: 2 });
  conv2 = new nn.Conv2d(8, 16, 3, { stride: 1 });
  pool2 = new nn.MaxPool2d(2, { stride: 2 });
  fc1 = new nn.Linear(576, 128);
  fc2: nn.Linear;

  constructor(numClasses = 10) {
    super();
    this.fc2 = new nn.Linear(128, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.pool1(F.relu(this.conv1(x)));
    x = this.pool2(F.relu(this.conv2(x)));
    x = x.view(-1, 16 * 6 * 6);
    // The seed applies ReLU to the logits too; kept as written.
    x = F.relu(this.fc2(F.relu(this.fc1(x))));
    return x;
  }
}
