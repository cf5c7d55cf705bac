/** Seed 003's LeNet (the 60-minute blitz `Net`): 1×32×32 in, two 3×3 convolutions, three linear layers. */
import { nn, type Tensor } from 'flambeau';
const F = nn.functional;

// The class keeps the seed's name `Net`, which is what its module tree prints.
export class Net extends nn.Module {
  // 1 input image channel, 6 output channels, 3x3 square convolution
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  // an affine operation: y = Wx + b
  fc1 = new nn.Linear(16 * 6 * 6, 120); // 6*6 from image dimension
  fc2 = new nn.Linear(120, 84);
  fc3: nn.Linear;

  constructor(numClasses = 10) {
    super();
    this.fc3 = new nn.Linear(84, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1(x)), [2, 2]);
    x = F.maxPool2d(F.relu(this.conv2(x)), 2);
    x = x.view(-1, this.numFlatFeatures(x));
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    x = this.fc3(x);
    return x;
  }

  numFlatFeatures(x: Tensor): number {
    const size = x.size().slice(1); // all dimensions except the batch dimension
    let numFeatures = 1;
    for (const s of size) numFeatures *= s;
    return numFeatures;
  }
}
