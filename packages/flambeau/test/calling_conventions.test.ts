import { describe, expect, it } from 'vitest';
import { torch, nn, data, optim } from '../src/index.js';

// The calls issue 10 found misread, each doing what PyTorch 1.13 does (values computed with it) or raising its error.
const F = nn.functional;
const x = torch.tensor([[-2, -0.5], [0.5, 2]]);

function error(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

describe('PyTorch calls a port writes, positional or by name', () => {
  it('torch.clamp(x, { min: 0 })', () => {
    expect(torch.clamp(x, { min: 0 }).tolistSync()).toEqual([[0, 0], [0.5, 2]]);
    expect(torch.clamp(x, -1, 1).tolistSync()).toEqual([[-1, -0.5], [0.5, 1]]);
    expect(x.clamp({ max: 0 }).tolistSync()).toEqual([[-2, -0.5], [0, 0]]);
  });
  it('F.hardtanh(x, { minVal, maxVal })', () => {
    expect(F.hardtanh(x, { minVal: -0.5, maxVal: 0.5 }).tolistSync()).toEqual([[-0.5, -0.5], [0.5, 0.5]]);
    expect(F.hardtanh(x, -0.5, 0.5).tolistSync()).toEqual([[-0.5, -0.5], [0.5, 0.5]]);
  });
  it('F.conv2d(x, w, { bias: b, stride: 2 }) uses the bias and the stride', () => {
    const input = torch.ones(1, 1, 4, 4);
    const w = torch.ones(1, 1, 2, 2);
    const b = torch.tensor([10], { dtype: 'float32' });
    const y = F.conv2d(input, w, { bias: b, stride: 2 });
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(y.tolistSync()).toEqual([[[[14, 14], [14, 14]]]]);
    expect(F.conv2d(input, w, b, 2).tolistSync()).toEqual(y.tolistSync());
  });
  it('new nn.Conv2d(1, 32, 3, 1) takes the stride positionally', () => {
    expect(new nn.Conv2d(1, 32, 3, 2).stride).toEqual([2, 2]);
    expect(String(new nn.Conv2d(1, 32, 3, 1))).toBe('Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))');
    expect(String(new nn.Conv2d(1, 32, 3, 2, 1))).toBe('Conv2d(1, 32, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))');
  });
  it('new nn.Linear(4, 2, false) has no bias', () => {
    expect(new nn.Linear(4, 2, false).bias).toBeNull();
    expect(String(new nn.Linear(4, 2, { bias: false }))).toBe('Linear(in_features=4, out_features=2, bias=False)');
    expect(new nn.Linear(4, 2, { dtype: 'float64' }).weight.dtype).toBe('float64');
  });
  it('normalization layers take eps and momentum positionally', () => {
    expect(String(new nn.BatchNorm2d(32, 0.001, 0.2))).toBe('BatchNorm2d(32, eps=0.001, momentum=0.2, affine=True, track_running_stats=True)');
    expect(new nn.BatchNorm1d(4, { momentum: null }).momentum).toBeNull();
    expect(String(new nn.LayerNorm(10, 1e-6))).toBe('LayerNorm((10,), eps=1e-06, elementwise_affine=True)');
    expect(String(new nn.GroupNorm(2, 4, 1e-5, false))).toBe('GroupNorm(2, 4, eps=1e-05, affine=False)');
  });
  it('new nn.LSTM(32, 32, 2) builds two layers', () => {
    const lstm = new nn.LSTM(32, 32, 2);
    expect(lstm.numLayers).toBe(2);
    expect(String(lstm)).toBe('LSTM(32, 32, num_layers=2)');
  });
  it('new nn.AvgPool2d(4, 2) strides by 2', () => {
    const pool = new nn.AvgPool2d(4, 2);
    expect(String(pool)).toBe('AvgPool2d(kernel_size=4, stride=2, padding=0)');
    expect(pool.forward(torch.ones(1, 1, 8, 8)).shape).toEqual([1, 1, 3, 3]);
  });
  it('new nn.Embedding(10, 3, 0) sets padding_idx', () => {
    const emb = new nn.Embedding(10, 3, 0);
    expect(emb.paddingIdx).toBe(0);
    expect(String(emb)).toBe('Embedding(10, 3, padding_idx=0)');
    expect(emb.weight.select(0, 0).tolistSync()).toEqual([0, 0, 0]);
  });
  it('x.sum([1, 3], true) keeps the dims', () => {
    const t = torch.ones(2, 3, 4, 5);
    expect(t.sum([1, 3], true).shape).toEqual([2, 1, 4, 1]);
    expect(t.sum({ dim: [1, 3], keepdim: true }).shape).toEqual([2, 1, 4, 1]);
    expect(torch.sum(t, 0).shape).toEqual([3, 4, 5]);
  });
  it('x.std(0, false) is the biased estimate', () => {
    const t = torch.tensor([1, 2, 3, 4], { dtype: 'float32' });
    // torch.tensor([1., 2., 3., 4.]).std(0, False) = 1.1180, .std(0) = 1.2910
    expect(t.std(0, false).itemSync()).toBeCloseTo(1.118034, 5);
    expect(t.std(0).itemSync()).toBeCloseTo(1.290994, 5);
    expect(t.var({ correction: 0 }).itemSync()).toBeCloseTo(1.25, 6);
  });
  it('torch.arange(0, 5, { step: 2 })', () => {
    expect(torch.arange(0, 5, { step: 2 }).tolistSync()).toEqual([0, 2, 4]);
    expect(torch.arange(5).tolistSync()).toEqual([0, 1, 2, 3, 4]);
    expect(torch.arange(1, 2, 0.5, { dtype: 'float64' }).dtype).toBe('float64');
  });
  it("new DataLoader(ds, { batch_size: 5 }) raises, suggesting batchSize", () => {
    const ds = new data.TensorDataset(torch.arange(10));
    const e = error(() => new data.DataLoader(ds, { batch_size: 5 } as never));
    expect(e).toBeInstanceOf(torch.DTypeError);
    expect(e.message).toBe("DataLoader() got an unexpected keyword argument 'batch_size'. Did you mean 'batchSize'? (Flambeau spells keyword arguments in camelCase)");
    expect(new data.DataLoader(ds, 5).batchSize).toBe(5);
    expect(new data.DataLoader(ds, { batchSize: 5 }).batchSize).toBe(5);
  });
  it('new nn.Dropout({ p: 0.2 }) sets p', () => {
    expect(new nn.Dropout({ p: 0.2 }).p).toBe(0.2);
    expect(String(new nn.Dropout(0.2))).toBe('Dropout(p=0.2, inplace=False)');
  });
  it('nn.Dropout(1.5) raises ValueError at construction', () => {
    const e = error(() => new nn.Dropout(1.5));
    expect(e).toBeInstanceOf(torch.ValueError);
    expect(e.message).toBe('dropout probability has to be between 0 and 1, but got 1.5');
  });
  it('F.softmax(x, { dim: 1 })', () => {
    const s = F.softmax(torch.tensor([[0, Math.log(3)]]), { dim: 1 });
    expect(s.tolistSync()[0]).toEqual([expect.closeTo(0.25, 6), expect.closeTo(0.75, 6)]);
    expect(error(() => F.softmax(x, 'one' as never)).message).toBe("softmax(): argument 'dim' must be int, not str");
  });
  it('F.maxPool2d(x, { kernelSize: 3 })', () => {
    const input = torch.arange(16, { dtype: 'float32' }).reshape(1, 1, 4, 4);
    expect(F.maxPool2d(input, { kernelSize: 3 }).tolistSync()).toEqual([[[[10]]]]);
    expect(F.maxPool2d(input, 2, 1).shape).toEqual([1, 1, 3, 3]);
    expect(error(() => F.maxPool2d(input, { kernel_size: 3 } as never)).message).toMatch(/^max_pool2d\(\) got an unexpected keyword argument 'kernel_size'\. Did you mean 'kernelSize'\?/);
  });
});

describe('optimizers take PyTorch positional arguments', () => {
  const w = () => [new nn.Parameter(torch.ones(2))];
  it('new optim.SGD(params, 0.1, 0.9) sets lr and momentum', () => {
    const opt = new optim.SGD(w(), 0.1, 0.9);
    expect(opt.paramGroups[0].lr).toBe(0.1);
    expect(opt.paramGroups[0].momentum).toBe(0.9);
    expect(new optim.Adam(w(), 0.01, [0.8, 0.9]).paramGroups[0].betas).toEqual([0.8, 0.9]);
    expect(new optim.RMSprop(w(), { lr: 0.1, momentum: 0.5 }).paramGroups[0].momentum).toBe(0.5);
  });
  it('rejects a snake_case option', () => {
    expect(error(() => new optim.AdamW(w(), { weight_decay: 0.1 } as never)).message)
      .toBe("AdamW() got an unexpected keyword argument 'weight_decay'. Did you mean 'weightDecay'? (Flambeau spells keyword arguments in camelCase)");
  });
});

describe('each class of mistake raises TypeError with PyTorch wording', () => {
  const input = torch.ones(1, 1, 4, 4);
  const w = torch.ones(1, 1, 2, 2);
  it('unknown name', () => {
    expect(error(() => F.conv2d(input, w, { bais: torch.ones(1) } as never)).message).toBe("conv2d() got an unexpected keyword argument 'bais'. Did you mean 'bias'?");
  });
  it('snake_case name', () => {
    expect(error(() => new nn.Conv2d(1, 2, 3, { padding_mode: 'reflect' } as never)).message).toMatch(/^Conv2d\(\) got an unexpected keyword argument 'padding_mode'\. Did you mean 'paddingMode'\?/);
  });
  it('wrong type', () => {
    const e = error(() => F.conv2d(input, w, { stride: '2' } as never));
    expect(e).toBeInstanceOf(torch.DTypeError);
    expect(e.message).toBe("conv2d(): argument 'stride' must be tuple of ints, not str");
  });
  it('duplicate', () => {
    expect(error(() => F.conv2d(input, w, null, 2, { stride: 2 } as never)).message).toBe("conv2d() got multiple values for argument 'stride'");
  });
  it('missing', () => {
    const Conv = nn.Conv2d as unknown as new (...a: unknown[]) => unknown;
    expect(error(() => new Conv(1, { outChannels: 2 })).message)
      .toBe("Conv2d() missing 1 required positional argument: 'kernelSize'");
  });
});

describe('the torch namespace a port expects', () => {
  it('offers the function form of tensor methods', () => {
    const v = torch.tensor([0, 1], { dtype: 'float32' });
    expect(torch.neg(v).tolistSync()).toEqual([-0, -1]);
    expect(torch.sin(v).tolistSync()).toEqual(v.sin().tolistSync());
    expect(torch.logsumexp(v, 0).itemSync()).toBeCloseTo(Math.log(1 + Math.E), 6);
    expect(torch.norm(torch.tensor([3, 4], { dtype: 'float32' })).itemSync()).toBe(5);
    expect(torch.scatterAdd(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.ones(3)).tolistSync()).toEqual([2, 0, 1]);
    expect(torch.var(torch.tensor([1, 2, 3, 4], { dtype: 'float32' }), { correction: 0 }).itemSync()).toBeCloseTo(1.25, 6);
  });
  it('diag builds and reads diagonals as torch.diag', () => {
    // torch.diag(torch.tensor([1, 2]), 1) → [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    expect(torch.diag(torch.tensor([1, 2]), 1).tolistSync()).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(torch.tensor([[1, 2], [3, 4]]).diag().tolistSync()).toEqual([1, 4]);
    expect(torch.tensor([[1, 2], [3, 4]]).diag(-1).tolistSync()).toEqual([3]);
    const g = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    g.diag().sum().backward();
    expect(g.grad!.tolistSync()).toEqual([1, 1]);
  });
  it('newZeros / newOnes / newFull / newEmpty keep dtype and device', () => {
    const d = torch.zeros([2], { dtype: 'float64' });
    expect(d.newOnes([2, 3]).dtype).toBe('float64');
    expect(d.newFull([2], 7).tolistSync()).toEqual([7, 7]);
    expect(d.newZeros([1], { dtype: 'int64' }).dtype).toBe('int64');
    expect(d.newEmpty([4]).shape).toEqual([4]);
  });
  it('topk, max(dim) and sort return a named tuple: [values, indices] and .values/.indices', () => {
    const v = torch.tensor([3, 1, 2]);
    const [values, indices] = v.topk(2);
    expect(values.tolistSync()).toEqual([3, 2]);
    expect(indices.tolistSync()).toEqual([0, 2]);
    const r = torch.max(torch.tensor([[1, 5], [7, 2]]), 1);
    expect(r.values.tolistSync()).toEqual([5, 7]);
    expect(r.indices.tolistSync()).toEqual([1, 0]);
    const [sv] = v.sort({ descending: true });
    expect(sv.tolistSync()).toEqual([3, 2, 1]);
  });
  it('torch.cuda.isAvailable() and torch.backends.mps.isAvailable() are false', () => {
    expect(torch.cuda.isAvailable()).toBe(false);
    expect(torch.backends.mps.isAvailable()).toBe(false);
  });
});

describe('each class of mistake on layer, loss, optimizer, scheduler and data constructors', () => {
  type Ctor = new (...a: unknown[]) => unknown;
  const params = () => [new nn.Parameter(torch.ones(2))];
  const ds = new data.TensorDataset(torch.arange(4));
  const sgd = () => new optim.SGD(params(), 0.1);
  // [name, constructor, its required leading arguments]
  const subjects: [string, Ctor, () => unknown[]][] = [
    ['Linear', nn.Linear as unknown as Ctor, () => [4, 2]],
    ['CrossEntropyLoss', nn.CrossEntropyLoss as unknown as Ctor, () => []],
    ['Adam', optim.Adam as unknown as Ctor, () => [params()]],
    ['StepLR', optim.lrScheduler.StepLR as unknown as Ctor, () => [sgd(), 2]],
    ['DataLoader', data.DataLoader as unknown as Ctor, () => [ds]],
    ['RandomSampler', data.RandomSampler as unknown as Ctor, () => [ds]],
  ];
  // A keyword each takes (camelCase), its snake_case spelling, a value of the wrong type, and what the type error says.
  const keyword: Record<string, [string, string, unknown, string]> = {
    Linear: ['bias', 'bias', 'yes', "argument 'bias' must be bool, not str"],
    CrossEntropyLoss: ['ignoreIndex', 'ignore_index', 1.5, "argument 'ignoreIndex' must be int, not float"],
    Adam: ['weightDecay', 'weight_decay', 'none', "argument 'weightDecay' must be float, not str"],
    StepLR: ['lastEpoch', 'last_epoch', [1], "argument 'lastEpoch' must be int, not list"],
    DataLoader: ['dropLast', 'drop_last', 1, "argument 'dropLast' must be bool, not int"],
    RandomSampler: ['numSamples', 'num_samples', 'x', "argument 'numSamples' must be Number, not str"],
  };
  for (const [name, Cls, lead] of subjects) {
    const [kw, snake, wrong, typeMessage] = keyword[name];
    it(`${name}: unknown name, snake_case name, wrong type`, () => {
      const unknown = error(() => new Cls(...lead(), { [`${kw}x`]: 1 }));
      expect(unknown).toBeInstanceOf(torch.DTypeError);
      expect(unknown.message).toBe(`${name}() got an unexpected keyword argument '${kw}x'. Did you mean '${kw}'?`);
      if (snake !== kw) {
        expect(error(() => new Cls(...lead(), { [snake]: 1 })).message)
          .toBe(`${name}() got an unexpected keyword argument '${snake}'. Did you mean '${kw}'? (Flambeau spells keyword arguments in camelCase)`);
      }
      expect(error(() => new Cls(...lead(), { [kw]: wrong })).message).toBe(`${name}(): ${typeMessage}`);
    });
  }
  it('duplicate and missing', () => {
    expect(error(() => new (nn.Linear as unknown as Ctor)(4, 2, true, { bias: false })).message).toBe("Linear() got multiple values for argument 'bias'");
    expect(error(() => new (optim.Adam as unknown as Ctor)(params(), 0.1, { lr: 0.2 })).message).toBe("Adam() got multiple values for argument 'lr'");
    expect(error(() => new (data.DataLoader as unknown as Ctor)(ds, 2, { batchSize: 3 })).message).toBe("DataLoader() got multiple values for argument 'batchSize'");
    expect(error(() => new (nn.Linear as unknown as Ctor)(4)).message).toBe("Linear() missing 1 required positional argument: 'outFeatures'");
    expect(error(() => new (optim.lrScheduler.StepLR as unknown as Ctor)(sgd())).message).toBe("StepLR() missing 1 required positional argument: 'stepSize'");
    expect(error(() => new (data.Subset as unknown as Ctor)(ds)).message).toBe("Subset() missing 1 required positional argument: 'indices'");
    expect(error(() => new (nn.Dropout as unknown as Ctor)(0.1, false, true)).message).toBe('Dropout() takes from 0 to 2 positional arguments but 3 were given');
  });
  it('the PyTorch forms bind: positional and by name give the same object', () => {
    expect(new nn.CrossEntropyLoss(null, null, 3).ignoreIndex).toBe(3);
    expect(new nn.CrossEntropyLoss({ ignoreIndex: 3, labelSmoothing: 0.1 }).labelSmoothing).toBe(0.1);
    expect(new nn.MSELoss({ reduction: 'sum' }).reduction).toBe('sum');
    // size_average / reduce: PyTorch's deprecated pair, resolved as legacy_get_string.
    expect(new nn.MSELoss(false).reduction).toBe('sum');
    expect(new nn.L1Loss(null, false).reduction).toBe('none');
    expect(new optim.Adagrad(params(), 0.5, 0.1).paramGroups[0].lrDecay).toBe(0.1);
    expect(new optim.lrScheduler.CosineAnnealingLR(sgd(), 10, 0.01).etaMin).toBe(0.01);
    expect(new data.BatchSampler([0, 1, 2], { batchSize: 2, dropLast: true }).length).toBe(1);
    expect(new nn.TransformerEncoderLayer(8, 2, 16, 0.0, 'gelu', { batchFirst: true }).self_attn.batchFirst).toBe(true);
  });
});

describe('options of to(), add/sub and cat/stack', () => {
  const x = torch.randn(2, 3);
  it('toAsync binds its options the same way', async () => {
    expect((await x.toAsync({ device: 'cpu', dtype: torch.float64 })).dtype).toBe('float64');
    await expect(x.toAsync({ devise: 'cpu' } as never)).rejects.toThrow("to() got an unexpected keyword argument 'devise'");
  });
  it('bind by name and refuse unknown names with PyTorch\'s TypeError', () => {
    expect(() => x.to({ device: 'cpu', bogus: 1 } as never)).toThrow("to() got an unexpected keyword argument 'bogus'");
    expect(x.to({ dtype: torch.float64 }).dtype).toBe('float64');
    expect(x.to({ device: torch.device('cpu'), dtype: 'int32', copy: true }).dtype).toBe('int32');
    expect(() => x.add(x, { bogus: 1 } as never)).toThrow("add() got an unexpected keyword argument 'bogus'");
    expect(() => x.sub(1, { alpah: 2 } as never)).toThrow("unexpected keyword argument 'alpah'");
    expect(() => x.clone().add_(x, { bogus: 1 } as never)).toThrow("add_() got an unexpected keyword argument 'bogus'");
    expect(Array.from(x.add(x, { alpha: 2 }).sub(x.mul(3)).abs().dataSync()).every((v) => v < 1e-6)).toBe(true);
    expect(torch.cat([x, x], { dim: 1 }).shape).toEqual([2, 6]);
    expect(torch.stack([x, x], 1).shape).toEqual([2, 2, 3]);
    expect(() => torch.cat([x, x], { bogus: 1 } as never)).toThrow("cat() got an unexpected keyword argument 'bogus'");
    expect(() => torch.stack([x, x], { dims: 1 } as never)).toThrow("stack() got an unexpected keyword argument 'dims'");
    expect(new nn.Linear(2, 2).to(torch.float64).weight.dtype).toBe('float64');
    expect(new nn.Linear(2, 2).to({ dtype: torch.float64, device: 'cpu' }).bias!.dtype).toBe('float64');
    expect(() => new nn.Linear(2, 2).to({ dtyp: 'float64' } as never)).toThrow("to() got an unexpected keyword argument 'dtyp'");
  });
});
