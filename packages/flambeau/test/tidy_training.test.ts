import { describe, expect, it } from 'vitest';
import { torch, nn, optim, type Tensor } from 'flambeau';

type Make = (ps: Tensor[]) => optim.Optimizer;

/** Three steps of a small CNN-free net with BatchNorm (a buffer updated each step), optionally each inside torch.tidy. */
function train(makeOpt: Make, tidy: boolean): { losses: number[]; params: number[][]; grads: number[][]; buffers: number[][] } {
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3));
  const opt = makeOpt(net.parameters());
  const x = torch.randn(16, 4);
  const y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  const lossFn = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    const body = () => {
      opt.zeroGrad();
      const loss = lossFn(net(x), y);
      loss.backward();
      opt.step();
      return loss.itemSync();
    };
    losses.push(tidy ? torch.tidy(body) : body());
  }
  const flat = (ts: Iterable<Tensor | null>) => [...ts].map((t) => (t === null ? [] : (t.flatten().tolistSync() as number[])));
  return { losses, params: flat(net.parameters()), grads: flat(net.parameters().map((p) => p.grad)), buffers: flat(net.buffers()) };
}

describe('a whole training step inside torch.tidy', () => {
  const cases: [string, Make][] = [
    ['SGD with momentum and weight decay', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 })],
    ['Adam (amsgrad)', (ps) => new optim.Adam(ps, { lr: 0.01, amsgrad: true })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: 3 steps work and match the untidied run exactly`, () => {
      const plain = train(make, false);
      const tidied = train(make, true);
      expect(tidied).toEqual(plain);
      // The run really trains (the losses move) and the state made in step 0 was read later.
      expect(plain.losses[2]).not.toBe(plain.losses[0]);
    });
  }
  it('tidy still frees the intermediates of the step', () => {
    torch.manualSeed(0);
    const net = new nn.Linear(3, 2);
    const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    let h: Tensor | null = null;
    torch.tidy(() => {
      h = net(torch.ones(1, 3));
      const loss = h.relu().sum();
      loss.backward();
      opt.step();
    });
    expect(h!.isDisposed).toBe(true);
    expect(net.weight.isDisposed).toBe(false);
    expect(net.weight.grad!.isDisposed).toBe(false);
    const buf = opt.state.get(net.weight)!.momentum_buffer as Tensor;
    expect(buf.isDisposed).toBe(false);
  });
});
