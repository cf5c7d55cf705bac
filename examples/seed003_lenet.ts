/** Seed 003: the 60-minute blitz LeNet, ported line by line (forward, backward, loss, SGD update). */
import { torch, nn, optim, type Tensor } from 'flambeau';
const F = nn.functional;

torch.manualSeed(0);

class Net extends nn.Module {
  // 1 input image channel, 6 output channels, 3x3 square convolution
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  // an affine operation: y = Wx + b
  fc1 = new nn.Linear(16 * 6 * 6, 120); // 6*6 from image dimension
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

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

const net = new Net();
console.log(String(net));

const params = [...net.parameters()];
console.log(params.length);
console.log(`torch.Size([${params[0].size().join(', ')}])`);

const input = torch.randn(1, 1, 32, 32);
const out = net(input);
console.log(String(out.detach()));

net.zeroGrad();
out.backward(torch.randn(1, 10));

let output = net(input);
let target = torch.randn(10);
target = target.view(1, -1);
const criterion = new nn.MSELoss();
let loss = criterion(output, target);
console.log(String(loss.detach()));

net.zeroGrad();
console.log('conv1.bias.grad before backward');
console.log(net.conv1.bias!.grad === null ? 'None' : String(net.conv1.bias!.grad));
loss.backward();
console.log('conv1.bias.grad after backward');
console.log(String(net.conv1.bias!.grad));

const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });
for (let i = 0; i < 5; i++) {
  optimizer.zeroGrad();
  output = net(input);
  loss = criterion(output, target);
  loss.backward();
  optimizer.step();
  console.log(`step ${i} loss ${(await loss.item()).toFixed(6)}`);
}
