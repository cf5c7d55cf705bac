/** Seed 000: the three small CNNs (Net, CNN, SimpleCNN) trained with CrossEntropyLoss + Adam on seeded data. */
import { torch, nn, type Tensor } from 'flambeau';
// The three networks are defined once, in the trainer's model zoo.
import { Seed000Net as Net, CNN, SimpleCNN } from '@flambeau/trainer/models';

torch.manualSeed(0);
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
