import { describe, expect, it } from 'vitest';
import { Tensor, manualSeed, ones, randn, tensor, zeros } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { F, Linear, Module, Parameter } from '@flambeau/nn';
import { fixture } from './core-fixtures.js';

const fx = fixture<{
  ykRepr: string; netRepr: string; netStateKeys: string[]; netNamedParameters: string[]; netNamedModules: string[]; netParamCount: number;
  seqRepr: string; emptySeqRepr: string; seqSliceRepr: string; embReprs: string[]; otherReprs: string[];
  errors: Record<string, { type: string; message: string }>; nonstrict: { missingKeys: string[]; unexpectedKeys: string[] };
}>('module.json');

// The same tree as tools/gen_nn_fixtures.py's Net, written the way a user ports it.
class Inner extends Module {
  conv_like = new nn.Linear(4, 4);
  act = new nn.ReLU();
  override forward(x: Tensor): Tensor { return this.act(this.conv_like(x)); }
}
class Net extends Module {
  features = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Dropout(0.25), new nn.Sequential(new nn.Linear(16, 16), new nn.GELU()));
  blocks = new nn.ModuleList([new Inner(), new Inner()]);
  heads = new nn.ModuleDict({ cls: new nn.Linear(16, 10), box: new nn.Linear(16, 4, { bias: false }) });
  emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
  flat = new nn.Flatten();
  loss = new nn.CrossEntropyLoss();
  override forward(x: Tensor): Tensor { return this.heads.get('cls')(this.features(x)); }
}

class Small extends Module {
  fc = new Linear(4, 10);
  override forward(x: Tensor): Tensor { return this.fc(x); }
}

function thrown(fn: () => unknown): { type: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { type: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('did not throw');
}

describe('module tree', () => {
  const net = new Net();
  it('prints exactly like PyTorch print(net)', () => {
    expect(String(net)).toBe(fx.netRepr);
    expect(`${net}`).toBe(fx.netRepr);
  });
  it('names state, parameters and modules like PyTorch', () => {
    expect(Object.keys(net.stateDict())).toEqual(fx.netStateKeys);
    expect(net.namedParameters().map(([k]) => k)).toEqual(fx.netNamedParameters);
    expect(net.namedModules().map(([k]) => k)).toEqual(fx.netNamedModules);
    expect(net.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(fx.netParamCount);
  });
  it('is callable with typed forward', () => {
    const y: Tensor = net(randn(2, 8));
    expect(y.shape).toEqual([2, 10]);
  });
  it('other printouts', () => {
    expect(String(new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 2)))).toBe(fx.seqRepr);
    expect(String(new nn.Sequential())).toBe(fx.emptySeqRepr);
    expect(String(new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 2)).slice(1))).toBe(fx.seqSliceRepr);
    expect([String(new nn.Embedding(10, 3, { paddingIdx: 0, maxNorm: 1.0 })), String(new nn.Embedding(4, 2, { maxNorm: 2.5, normType: 1 }))]).toEqual(fx.embReprs);
    expect([
      new nn.Unflatten(1, [2, 5]), new nn.Softmax(), new nn.Dropout(), new nn.Bilinear(2, 3, 4, { bias: false }),
      new nn.ReLU(true), new nn.LeakyReLU(0.2, true), new nn.MSELoss(), new nn.Hardtanh(-2.0, 2.5),
    ].map(String)).toEqual(fx.otherReprs);
  });
  it('prints the seed CNNNet as PyTorch does (001)', () => {
    class CNNNet extends Module {
      conv1 = new nn.Conv2d(3, 8, 5, { stride: 1 });
      pool1 = new nn.MaxPool2d(2, { stride: 2 });
      conv2 = new nn.Conv2d(8, 16, 3, { stride: 1 });
      pool2 = new nn.MaxPool2d(2, { stride: 2 });
      fc1 = new nn.Linear(576, 128);
      fc2 = new nn.Linear(128, 10);
      override forward(x: Tensor): Tensor {
        x = this.pool1(F.relu(this.conv1(x))) as Tensor;
        x = this.pool2(F.relu(this.conv2(x))) as Tensor;
        x = x.view(-1, 16 * 6 * 6);
        return F.relu(this.fc2(F.relu(this.fc1(x))));
      }
    }
    const cnn = new CNNNet();
    expect(String(cnn)).toBe([
      'CNNNet(',
      '  (conv1): Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))',
      '  (pool1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
      '  (conv2): Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1))',
      '  (pool2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
      '  (fc1): Linear(in_features=576, out_features=128, bias=True)',
      '  (fc2): Linear(in_features=128, out_features=10, bias=True)',
      ')',
    ].join('\n'));
    expect(cnn.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(76922);
    expect(cnn(zeros(2, 3, 32, 32)).shape).toEqual([2, 10]);
    const head = new nn.Sequential(...cnn.children().slice(0, 4));
    expect(String(head)).toBe([
      'Sequential(',
      '  (0): Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))',
      '  (1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
      '  (2): Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1))',
      '  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
      ')',
    ].join('\n'));
    expect(head(zeros(1, 3, 32, 32)).shape).toEqual([1, 16, 6, 6]);
    expect(() => cnn(zeros(1, 3, 36, 36))).toThrow('shape \'[-1, 576]\' is invalid for input of size 784');
  });
});

describe('the API-EXAMPLE port (seed 002)', () => {
  it('builds from field initialisers, trains one step, prints like PyTorch', () => {
    const { Sequential, Conv2d, MaxPool2d, Flatten, Linear: Lin } = nn;
    class Yk extends nn.Module {
      model1 = new Sequential(new Conv2d(3, 32, 5, { padding: 2 }), new MaxPool2d(2), new Conv2d(32, 32, 5, { padding: 2 }),
        new MaxPool2d(2), new Conv2d(32, 64, 5, { padding: 2 }), new MaxPool2d(2),
        new Flatten(), new Lin(1024, 64), new Lin(64, 10));
      override forward(x: Tensor) {
        x = this.model1(x);
        return x;
      }
    }
    manualSeed(0);
    const yk = new Yk();
    const loss = new nn.CrossEntropyLoss();
    const resultLoss = loss(yk(randn(2, 3, 32, 32)), tensor([3, 7]));
    resultLoss.backward();
    expect(yk.parameters().every((p) => p.grad !== null && p.grad.shape.join() === p.shape.join())).toBe(true);
    expect(String(yk)).toBe(fx.ykRepr);
  });
});

describe('errors match PyTorch', () => {
  it('loadStateDict: missing, unexpected, size mismatch (also when not strict)', () => {
    const small = new Small();
    expect(thrown(() => small.loadStateDict({ 'fc.weight': zeros(10, 5) }))).toEqual(fx.errors.load_missing_and_size);
    expect(thrown(() => small.loadStateDict({ 'fc.weight': zeros(10, 4), 'fc.bias': zeros(10), 'extra.w': zeros(1) }))).toEqual(fx.errors.load_unexpected);
    expect(thrown(() => small.loadStateDict({ 'fc.weight': zeros(10, 5) }, { strict: false }))).toEqual(fx.errors.load_nonstrict_size);
    expect(small.loadStateDict({ 'fc.weight': zeros(10, 4), extra: zeros(1) }, { strict: false })).toEqual(fx.nonstrict);
    expect(small.fc.weight.sum().itemSync()).toBe(0);
  });
  it('Linear with the wrong in_features', () => {
    expect(thrown(() => new Linear(576, 128)(zeros(64, 1024)))).toEqual(fx.errors.linear_in_features);
    expect(thrown(() => new Linear(576, 128)(zeros(2, 3, 1024)))).toEqual(fx.errors.linear_in_features_3d);
  });
  it('losses, dropout, embedding', () => {
    expect(thrown(() => F.crossEntropy(zeros(3, 10), tensor([1, 10, 2])))).toEqual(fx.errors.ce_target_oob);
    expect(thrown(() => F.crossEntropy(zeros(3, 10), tensor([1, 2])))).toEqual(fx.errors.ce_batch_mismatch);
    expect(thrown(() => F.binaryCrossEntropy(zeros(3, 2), zeros(3)))).toEqual(fx.errors.bce_size);
    expect(thrown(() => F.dropout(zeros(2), 1.5))).toEqual(fx.errors.dropout_p);
    expect(thrown(() => new nn.Embedding(5, 2)(tensor([5])))).toEqual(fx.errors.embedding_oob);
  });
  it('attribute assignment type checks and forward missing', () => {
    const s = new Small();
    expect(() => { (s as unknown as { fc: number }).fc = 3; }).toThrow("cannot assign 'int' as child module 'fc' (torch.nn.Module or None expected)");
    expect(() => { (s.fc as unknown as { weight: Tensor }).weight = zeros(10, 4); }).toThrow("cannot assign 'Tensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(() => new Module()()).toThrow('Module [Module] is missing the required "forward" function');
    expect(() => s.registerBuffer('fc', zeros(1))).toThrow("attribute 'fc' already exists");
    expect(() => s.registerParameter('a.b', null)).toThrow('parameter name can\'t contain "."');
  });
});

describe('registration', () => {
  it('assignment registers, reassignment replaces in place, null keeps the slot', () => {
    const m = new Small();
    m.fc = new Linear(4, 3);
    expect(Object.keys(m.stateDict())).toEqual(['fc.weight', 'fc.bias']);
    (m as unknown as { extra: Parameter }).extra = new Parameter(ones(2));
    m.registerBuffer('running', zeros(2));
    m.registerBuffer('tmp', zeros(1), { persistent: false });
    expect(Object.keys(m.stateDict())).toEqual(['extra', 'running', 'fc.weight', 'fc.bias']);
    expect(m.buffers().length).toBe(2);
    m.fc.bias = null;
    expect(Object.keys(m.stateDict())).toEqual(['extra', 'running', 'fc.weight']);
    expect('running' in m).toBe(true);
    delete (m as unknown as { running?: Tensor }).running;
    expect(m.namedBuffers().map(([k]) => k)).toEqual(['tmp']);
  });
  it('shared parameters appear once in parameters() but under each key in stateDict()', () => {
    const a = new Linear(3, 3);
    const seq = new nn.Sequential(a, new nn.ReLU(), a);
    expect(seq.parameters().length).toBe(2);
    expect(seq.namedParameters({ removeDuplicate: false }).length).toBe(4);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.children().length).toBe(2);
    expect(seq.modules().length).toBe(3);
  });
  it('subclass field declared without initialiser keeps a parent registration', () => {
    class Base extends Module {
      constructor() {
        super();
        this.registerParameter('w', new Parameter(ones(2)));
      }
    }
    class Child extends Base {
      declare w: Parameter;
      b = 1;
    }
    const c = new Child();
    expect(c.parameters().length).toBe(1);
    expect(c.w).toBeInstanceOf(Parameter);
  });
});

describe('containers', () => {
  it('Sequential: varargs, record, get/slice/length/iteration/append/insert/pop', () => {
    const seq = new nn.Sequential({ conv: new nn.Linear(2, 3), act: new nn.ReLU() });
    expect(Object.keys(seq.stateDict())).toEqual(['conv.weight', 'conv.bias']);
    expect(seq.get(-1)).toBeInstanceOf(nn.ReLU);
    expect(seq.length).toBe(2);
    expect([...seq].length).toBe(2);
    const s2 = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    expect(s2[0]).toBe(s2.get(0));
    s2.append(new nn.Sigmoid());
    expect(s2.length).toBe(4);
    s2.insert(1, new nn.Identity());
    expect(s2.namedChildren().map(([k, m]) => `${k}:${m._getName()}`)).toEqual(['0:Linear', '1:Identity', '2:ReLU', '3:Linear', '4:Sigmoid']);
    expect(s2.pop()).toBeInstanceOf(nn.Sigmoid);
    expect(s2(zeros(5, 2)).shape).toEqual([5, 1]);
    expect(() => s2.get(10)).toThrow('index 10 is out of range');
  });
  it('ModuleList and ModuleDict', () => {
    const l = new nn.ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    l.append(new Linear(2, 2));
    expect(l.length).toBe(3);
    l.delete(0);
    expect(l.namedChildren().map(([k]) => k)).toEqual(['0', '1']);
    let x = ones(1, 2);
    for (const layer of l) x = layer(x);
    expect(x.shape).toEqual([1, 2]);
    expect(() => l(x)).toThrow('Module [ModuleList] is missing the required "forward" function');
    const d = new nn.ModuleDict({ a: new nn.ReLU(), b: new nn.Tanh() });
    expect([...d]).toEqual(['a', 'b']);
    d.set('c', new nn.Sigmoid());
    expect(d.keys()).toEqual(['a', 'b', 'c']);
    expect(d.pop('a')).toBeInstanceOf(nn.ReLU);
    expect(d.has('a')).toBe(false);
    expect(() => d.get('zz')).toThrow("'zz'");
  });
});

describe('modes, hooks, gradients, conversion', () => {
  it('train/eval propagate; apply visits children first', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.features.get(2).training).toBe(true);
    const names: string[] = [];
    new nn.Sequential(new nn.ReLU(), new nn.Tanh()).apply((m) => names.push(m._getName()));
    expect(names).toEqual(['ReLU', 'Tanh', 'Sequential']);
  });
  it('forward pre-hooks and hooks can replace inputs and outputs, and be removed', () => {
    const m = new nn.Identity();
    const h1 = m.registerForwardPreHook((_m, args) => [(args[0] as Tensor).mul(2)]);
    const h2 = m.registerForwardHook((_m, _args, out) => (out as Tensor).add(1));
    expect(m(ones(1)).itemSync()).toBe(3);
    h1.remove();
    expect(m(ones(1)).itemSync()).toBe(2);
    h2.remove();
    expect(m(ones(1)).itemSync()).toBe(1);
  });
  it('zeroGrad, requiresGrad_, backward through a model', () => {
    manualSeed(0);
    const net = new nn.Sequential(new Linear(3, 4), new nn.ReLU(), new Linear(4, 2));
    const loss = new nn.CrossEntropyLoss()(net(randn(5, 3)), tensor([0, 1, 1, 0, 1]));
    loss.backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad({ setToNone: false });
    expect(net.parameters().every((p) => p.grad !== null && p.grad.abs().sum().itemSync() === 0)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    net.requiresGrad_(false);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
  });
  it('double()/float()/to() convert in place, keeping parameter identity', () => {
    const m = new nn.Embedding(3, 2);
    m.registerBuffer('count', tensor([1]));
    const w = m.weight;
    m.double();
    expect(m.weight).toBe(w);
    expect(m.weight.dtype).toBe('float64');
    expect(m.namedBuffers()[0][1].dtype).toBe('int64');
    m.to('float32');
    expect(m.weight.dtype).toBe('float32');
    expect(() => m.to('int64')).toThrow('nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64');
  });
  it('deepcopy gives independent parameters with the same values and tree', () => {
    const net = new Net();
    const copy = net.deepcopy();
    expect(String(copy)).toBe(String(net));
    expect(copy).toBeInstanceOf(Net);
    const a = net.stateDict();
    const b = copy.stateDict();
    for (const k of Object.keys(a)) expect(b[k].equal(a[k])).toBe(true);
    (copy.heads.get('cls') as Linear).weight.detach().fill_(0);
    expect((net.heads.get('cls') as Linear).weight.abs().sum().itemSync()).toBeGreaterThan(0);
  });
});
