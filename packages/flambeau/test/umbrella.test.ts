import { describe, expect, it } from 'vitest';
import { torch, nn, optim, data, type Tensor } from 'flambeau';

/** API-EXAMPLE.md's program, through the umbrella package, on a small in-memory dataset. */
describe("import { torch, nn, optim, data } from 'flambeau'", () => {
  it('exposes the PyTorch namespaces', () => {
    expect(torch.nn).toBe(nn);
    expect(torch.optim).toBe(optim);
    expect(torch.utils.data).toBe(data);
    expect(typeof torch.noGrad).toBe('function');
    expect(typeof torch.manualSeed).toBe('function');
    expect(torch.save).toBe(nn.save);
    expect(torch.load).toBe(nn.load);
  });

  it('runs the API-EXAMPLE training loop and the loss goes down', async () => {
    torch.manualSeed(0);
    const { Sequential, Conv2d, MaxPool2d, Flatten, Linear } = nn;
    class Yk extends nn.Module {
      model1 = new Sequential(new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2), new Conv2d(32, 32, 5, { padding: 2 }),
        new MaxPool2d(2), new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2),
        new Flatten(), new Linear(1024, 64), new Linear(64, 10));
      override forward(x: Tensor) {
        x = this.model1(x);
        return x;
      }
    }
    const dataset = new data.TensorDataset(torch.rand(16, 3, 32, 32), torch.randint(0, 10, [16]));
    const dataloader = new data.DataLoader(dataset, { batchSize: 8, dropLast: true });
    const loss = new nn.CrossEntropyLoss();
    const yk = new Yk();
    const opt = new optim.SGD(yk.parameters(), { lr: 0.01 });
    const perEpoch: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      let runningLoss = 0;
      for await (const [imgs, targets] of dataloader) {
        const output = yk(imgs);
        const resultLoss = loss(output, targets);
        opt.zeroGrad();
        resultLoss.backward();
        opt.step();
        runningLoss += await resultLoss.item();
      }
      perEpoch.push(runningLoss);
    }
    expect(perEpoch[2]).toBeLessThan(perEpoch[0]);
    expect(String(yk).split('\n')[0]).toBe('Yk(');
    expect(String(yk)).toContain('(6): Flatten(start_dim=1, end_dim=-1)');
  });
});
