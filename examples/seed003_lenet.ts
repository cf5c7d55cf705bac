/** Seed 003: the 60-minute blitz LeNet, ported line by line (forward, backward, loss, SGD update). */
import { torch, nn, optim } from 'flambeau';
// The blitz's `Net` is defined once, in the trainer's model zoo.
import { LeNet as Net } from '@flambeau/trainer/models';

torch.manualSeed(0);

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

net.zeroGrad({ setToNone: true }); // net.zero_grad(set_to_none=True); net.zeroGrad(true) is the positional form
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
