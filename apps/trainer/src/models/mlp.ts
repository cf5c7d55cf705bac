/** A two-hidden-layer perceptron over flattened images (the demo's network, one layer deeper). */
import { nn, type Tensor } from 'flambeau';

export class MLP extends nn.Module {
  flatten: nn.Flatten;
  fc1: nn.Linear;
  relu: nn.ReLU;
  dropout: nn.Dropout;
  fc2: nn.Linear;
  fc3: nn.Linear;

  constructor(inFeatures: number, numClasses = 10) {
    super();
    this.flatten = new nn.Flatten();
    this.fc1 = new nn.Linear(inFeatures, 256);
    this.relu = new nn.ReLU();
    this.dropout = new nn.Dropout(0.2);
    this.fc2 = new nn.Linear(256, 128);
    this.fc3 = new nn.Linear(128, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.dropout(this.relu(this.fc1(this.flatten(x))));
    x = this.relu(this.fc2(x));
    return this.fc3(x);
  }
}
