/**
 * `pnpm bench:ab`: the CPU's fast paths against the defaults they replace, in one process,
 * interleaved (A, B, A, B, …), fastest of N — the only comparison that means something on a
 * loaded machine. The fast paths: the fused optimizer steps (the `sgdStep_`/`adamStep_`/
 * `rmspropStep_` overrides, against the ops' default sequence of tensor ops) and the true
 * in-place kernels (`binaryInto`/`unaryInto`, against op + copy).
 */
import { torch, nn, optim } from 'flambeau';

/** Where each fast path lives: override keys of `cpu.kernels`, optional kernels of `cpu`. */
const FAST: [Record<string, unknown>, string[]][] = [
  [torch.cpu.kernels as Record<string, unknown>, ['sgdStep_', 'adamStep_', 'rmspropStep_']],
  [torch.cpu as unknown as Record<string, unknown>, ['binaryInto', 'unaryInto']],
];
const saved = FAST.map(([o, keys]) => keys.map((k) => o[k]));
function setFused(on: boolean): void {
  FAST.forEach(([o, keys], i) => keys.forEach((k, j) => {
    if (on) o[k] = saved[i][j];
    else delete o[k];
  }));
}

function mlpStep(): { step: () => void; update: () => void } {
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = torch.rand(64, 784);
  const y = torch.randint(0, 10, [64]);
  const lossFn = new nn.CrossEntropyLoss();
  const step = () => {
    opt.zeroGrad();
    lossFn(net(x), y).backward();
    opt.step();
  };
  lossFn(net(x), y).backward();
  return { step, update: () => opt.step() };
}

function cnnStep(): { step: () => void; update: () => void } {
  torch.manualSeed(0);
  const { Sequential, Conv2d, MaxPool2d, Flatten, Linear } = nn;
  const net = new Sequential(new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2), new Conv2d(32, 32, 5, { padding: 2 }),
    new MaxPool2d(2), new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2), new Flatten(), new Linear(1024, 64), new Linear(64, 10));
  const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = torch.rand(64, 3, 32, 32);
  const y = torch.randint(0, 10, [64]);
  const lossFn = new nn.CrossEntropyLoss();
  const step = () => {
    opt.zeroGrad();
    lossFn(net(x), y).backward();
    opt.step();
  };
  lossFn(net(x), y).backward();
  return { step, update: () => opt.step() };
}

/** Fastest of `reps` runs of `fn` with the fast path on and off, interleaved, after warm-up. */
function ab(fn: () => void, reps: number): { fused: number; unfused: number } {
  const best = { fused: Infinity, unfused: Infinity };
  for (let i = 0; i < reps + 3; i++) {
    for (const on of [true, false]) {
      setFused(on);
      const t0 = performance.now();
      fn();
      const dt = performance.now() - t0;
      if (i >= 3) best[on ? 'fused' : 'unfused'] = Math.min(best[on ? 'fused' : 'unfused'], dt);
    }
  }
  setFused(true);
  return best;
}

const report = (name: string, r: { fused: number; unfused: number }) =>
  console.log(`${name} | fast paths ${r.fused.toFixed(2)} ms | defaults ${r.unfused.toFixed(2)} ms | speedup ${(r.unfused / r.fused).toFixed(2)}x`);

const a = torch.rand(1000, 1000);
const b = torch.rand(1000, 1000);
report('a.add_(b), 1000x1000', ab(() => void a.add_(b), 30));
report('a.mul_(0.5).relu_(), 1000x1000', ab(() => void a.mul_(0.5).relu_(), 30));
const mlp = mlpStep();
report('MLP 784-128-10 Adam: optimizer.step() alone', ab(mlp.update, 30));
report('MLP 784-128-10 Adam: whole train step, batch 64', ab(mlpStep().step, 30));
const cnn = cnnStep();
report('CIFAR CNN SGD momentum: optimizer.step() alone', ab(cnn.update, 10));
report('CIFAR CNN SGD momentum: whole train step, batch 64', ab(cnnStep().step, 5));
