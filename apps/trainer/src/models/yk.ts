/** Seed 002's Sequential CIFAR-10 network `Yk`, 3×32×32 in. */
import { nn, type Tensor } from 'flambeau';
const { Sequential, Conv2d, MaxPool2d, Flatten, Linear } = nn;

export class Yk extends nn.Module {
  model1: nn.Sequential;

  constructor(numClasses = 10) {
    super();
    this.model1 = new Sequential(new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2), new Conv2d(32, 32, 5, { padding: 2 }), new MaxPool2d(2),
      new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2), new Flatten(), new Linear(1024, 64), new Linear(64, numClasses));
  }

  override forward(x: Tensor): Tensor {
    x = this.model1(x);
    return x;
  }
}
