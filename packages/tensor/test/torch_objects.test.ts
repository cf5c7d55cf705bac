import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { DTypeError, RuntimeError, Size, Tensor, ValueError } from '../src/index.js';

// PyTorch 1.13's names and printouts (tools/gen_torch_objects_fixtures.py).
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/torch_objects.json', import.meta.url), 'utf8')) as {
  dtypes: { name: string; str: string; repr: string; canonical: string; isFloatingPoint: boolean; isSigned: boolean; isComplex: boolean; tensorType: string }[];
  tensors: { call: string; repr: string; dtype: string }[];
  sizes: { shape: number[]; str: string; numel: number; sizeStr: string }[];
  data: {
    dataRequiresGrad: boolean; dataIsLeaf: boolean; after: number[]; versionBefore: number; versionAfter: number; pRequiresGrad: boolean;
    setShape: number[]; setDtype: string; setRequiresGrad: boolean; errors: Record<string, string>;
  };
};

const byName = torch as unknown as Record<string, torch.Dtype>;

describe('dtype objects', () => {
  for (const d of FIXTURE.dtypes) {
    it(`torch.${d.name} is ${d.str}`, () => {
      const o = byName[d.name];
      expect(o).toBeInstanceOf(torch.Dtype);
      expect(String(o)).toBe(d.str);
      expect(`${o}`).toBe(d.repr);
      expect(o.name).toBe(d.canonical);
      // Interned: an alias is the same object, as torch.float is torch.float32.
      expect(o).toBe(torch.Dtype.of(o.name));
      expect([o.isFloatingPoint, o.isSigned, o.isComplex]).toEqual([d.isFloatingPoint, d.isSigned, d.isComplex]);
      expect(torch.zeros(1, { dtype: o }).type()).toBe(d.tensorType);
      expect(torch.zeros(1, { dtype: o }).dtype).toBe(d.canonical);
    });
  }

  for (const c of FIXTURE.tensors) {
    it(`${c.call} prints as PyTorch`, async () => {
      const t = new Function('torch', `return ${c.call};`)(torch) as Tensor;
      // Printed from the CPU, the device the printout (which names no other device) is PyTorch's for.
      expect(String(await t.toAsync('cpu'))).toBe(c.repr);
      expect(String(torch.Dtype.of(t.dtype))).toBe(c.dtype);
    });
  }

  it('are accepted by setDefaultDtype, and refused where a dtype is not a dtype', () => {
    torch.setDefaultDtype(torch.double);
    try {
      expect(torch.tensor([0.5]).dtype).toBe('float64');
    } finally {
      torch.setDefaultDtype(torch.float32);
    }
    expect(() => torch.zeros(2, { dtype: 'float33' as never })).toThrow(new DTypeError("zeros(): argument 'dtype' must be torch.dtype, not str"));
    expect(() => torch.zeros(2, { dtype: torch.float32 as never, device: torch.long as never })).toThrow(new DTypeError("zeros(): argument 'device' must be torch.device, not torch.dtype"));
    expect(() => torch.zeros(1).type('foo')).toThrow(new ValueError(FIXTURE.data.errors.badType));
  });
});

describe('torch.Size', () => {
  for (const s of FIXTURE.sizes) {
    it(s.str, () => {
      const x = torch.zeros(s.shape);
      expect(String(x.shape)).toBe(s.str);
      expect(String(x.size())).toBe(s.sizeStr);
      expect(Object.getPrototypeOf(x.shape)).toBe(Array.prototype);
      expect(x.size().numel()).toBe(s.numel);
      expect([...x.shape]).toEqual(s.shape);
    });
  }

  it('is an array of ints; what derives from it is a plain array, and size() is a copy', () => {
    const x = torch.zeros(2, 3);
    expect(Array.isArray(x.shape)).toBe(true);
    expect(x.shape.map((d) => d * 2)).toEqual([4, 6]);
    expect(Object.getPrototypeOf(x.shape.slice(1))).toBe(Array.prototype);
    expect(JSON.stringify(x.shape)).toBe('[2,3]');
    const s = x.size();
    s[0] = 7;
    expect(x.shape[0]).toBe(2);
    expect(x.size(0)).toBe(2);
    expect(x.size(-1)).toBe(3);
    expect(String(Size([4]))).toBe('torch.Size([4])');
  });
});

describe("Tensor.data, PyTorch's", () => {
  const D = FIXTURE.data;
  it('shares storage outside autograd: p.data.add_(g, { alpha }) updates p', () => {
    const p = torch.ones(3, { requiresGrad: true });
    const d = p.data;
    expect([d.requiresGrad, d.isLeaf]).toEqual([D.dataRequiresGrad, D.dataIsLeaf]);
    expect(d.gradFn).toBeNull();
    d.add_(torch.tensor([1, 2, 3]), { alpha: -0.5 });
    expect(p.tolistSync()).toEqual(D.after);
    expect(p.requiresGrad).toBe(D.pRequiresGrad);
    expect(p._version.value).toBe(D.versionAfter - D.versionBefore);
  });
  it('p.data = t re-points p, keeping requiresGrad; refuses non-tensors and integer data for a tensor requiring grad', () => {
    const q = torch.ones(2, { requiresGrad: true });
    q.data = torch.zeros(3, { dtype: torch.float64 });
    expect([...q.shape]).toEqual(D.setShape);
    expect(String(torch.Dtype.of(q.dtype))).toBe(D.setDtype);
    expect(q.requiresGrad).toBe(D.setRequiresGrad);
    expect(() => { (q as { data: unknown }).data = 5; }).toThrow(new DTypeError(D.errors.setInt));
    expect(() => { q.data = torch.zeros(3, { dtype: torch.int64 }); }).toThrow(new RuntimeError(D.errors.setInteger));
  });
  it('the elements themselves are dataAsync() and dataSync()', async () => {
    const x = torch.tensor([1, 2]);
    expect(Array.from(await x.dataAsync())).toEqual([1, 2]);
    expect(Array.from(x.dataSync())).toEqual([1, 2]);
  });
});

describe('factory functions bind their options through the parser', () => {
  it("reject an unknown name with PyTorch's TypeError", () => {
    expect(() => torch.onesLike(torch.zeros(1), { foo: 1 } as never)).toThrow(new DTypeError(FIXTURE.data.errors.ones_like));
    expect(() => torch.tensor([1], { foo: 1 } as never)).toThrow(new DTypeError(FIXTURE.data.errors.tensor));
    expect(() => torch.zerosLike(torch.zeros(1), { requiresGrad: true, dtyp: torch.float } as never)).toThrow(FIXTURE.data.errors.zeros_like);
    // Overloaded in PyTorch ("received an invalid combination of arguments"): one list here, the single-signature wording.
    expect(() => torch.zeros(2, { bais: 1 } as never)).toThrow(new DTypeError("zeros() got an unexpected keyword argument 'bais'"));
    const calls: [string, () => unknown][] = [
      ['ones', () => torch.ones(2, { bias: true } as never)], ['empty', () => torch.empty([2], { bias: true } as never)],
      ['full', () => torch.full([2], 1, { bias: true } as never)], ['rand', () => torch.rand(2, { bias: true } as never)],
      ['randn', () => torch.randn(2, { bias: true } as never)], ['arange', () => torch.arange(3, { bias: true } as never)],
      ['empty_like', () => torch.emptyLike(torch.zeros(1), { bias: true } as never)], ['full_like', () => torch.fullLike(torch.zeros(1), 2, { bias: true } as never)],
      ['rand_like', () => torch.randLike(torch.zeros(1), { bias: true } as never)], ['randn_like', () => torch.randnLike(torch.zeros(1), { bias: true } as never)],
      ['randint', () => torch.randint(3, [2], { bias: true } as never)], ['randperm', () => torch.randperm(3, { bias: true } as never)],
      ['normal', () => torch.normal(0, 1, [2], { bias: true } as never)], ['linspace', () => torch.linspace(0, 1, 3, { bias: true } as never)],
      ['eye', () => torch.eye(2, { bias: true } as never)], ['bernoulli', () => torch.bernoulli(torch.zeros(1), { bias: true } as never)],
      ['new_zeros', () => torch.zeros(1).newZeros([2], { bias: true } as never)], ['new_full', () => torch.zeros(1).newFull([2], 1, { bias: true } as never)],
    ];
    for (const [name, call] of calls) expect(call, name).toThrow(new DTypeError(`${name}() got an unexpected keyword argument 'bias'`));
    expect(() => torch.zeros(2, { requires_grad: true } as never)).toThrow(/^zeros\(\) got an unexpected keyword argument 'requires_grad'. Did you mean 'requiresGrad'\?/);
  });
  it('take the size by name too, and keep the forms that worked', () => {
    expect([...torch.zeros({ size: [2, 3] } as never).shape]).toEqual([2, 3]);
    expect(torch.ones(2, 2, { dtype: 'int64', requiresGrad: false }).dtype).toBe('int64');
    expect(torch.eye(2, 3, { dtype: torch.long }).tolistSync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(torch.eye(2, { m: 1 }).tolistSync()).toEqual([[1], [0]]);
    expect(torch.rand(2, { requiresGrad: true }).requiresGrad).toBe(true);
  });
});

describe('newZeros/newOnes/newFull/newEmpty and diag, by position or by name', () => {
  it('take PyTorch parameters and reject others', () => {
    const x = torch.tensor([1, 2]);
    expect(x.newFull([2], 5, { requiresGrad: false }).tolistSync()).toEqual([5, 5]);
    expect(x.newEmpty([1, 2]).dtype).toBe('int64');
    expect(x.newOnes([2], { dtype: torch.float32, requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => x.newZeros([2], { dtype: torch.float32, requires_grad: true } as never)).toThrow(/^new_zeros\(\) got an unexpected keyword argument 'requires_grad'. Did you mean 'requiresGrad'\?/);
    expect(x.diag(1).tolistSync()).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(x.diag({ diagonal: -1 }).tolistSync()).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
    expect(() => x.diag('1' as never)).toThrow(new DTypeError("diag(): argument 'diagonal' must be int, not str"));
  });
});
