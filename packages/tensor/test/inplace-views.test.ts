import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

describe('views share storage and version counters', () => {
  it('every view op aliases the base storage', () => {
    const x = torch.arange(24, { dtype: 'float32' }).reshape(2, 3, 4);
    const views = [
      x.view(6, 4), x.reshape(4, 6), x.permute(2, 0, 1), x.transpose(0, 2), x.flatten(), x.unflatten(2, [2, 2]),
      x.narrow(1, 1, 2), x.select(0, 1), x.unsqueeze(1), x.index(torch.slice(null, null, 2)), x.index('...', 1),
      x.unfold(2, 2, 1), x.diagonal(0, 1, 2), x.detach(), x.index(null), x.expand(3, 2, 3, 4), x.squeeze(),
      x.view(2, 12).t(), x.split(1, 1)[2], x.chunk(2, 2)[1], x.unbind(0)[1],
    ];
    for (const v of views) {
      expect(v.storage).toBe(x.storage);
      expect(v._version).toBe(x._version);
    }
  });

  it('writes through a view change the base and bump the shared version', () => {
    const x = torch.zeros(3, 4);
    const v0 = x._version.value;
    const col = x.select(1, 2);
    col.fill_(5);
    expect(x._version.value).toBe(v0 + 1);
    x.t().index(torch.slice(null, null, 2)).add_(1);
    expect(x._version.value).toBe(v0 + 2);
    expect(x.tolistSync()).toEqual([[1, 0, 6, 0], [1, 0, 6, 0], [1, 0, 6, 0]]);
    const d = x.diagonal();
    d.mul_(10);
    expect(x.tolistSync()).toEqual([[10, 0, 6, 0], [1, 0, 6, 0], [1, 0, 60, 0]]);
    expect(x._version.value).toBe(v0 + 3);
  });

  it('in-place ops bump the version once each; out-of-place ops do not', () => {
    const x = torch.tensor([1.5, -2.5, 3.25]);
    const bumps: [string, () => unknown][] = [
      ['add_', () => x.add_(1)], ['sub_', () => x.sub_(0.5)], ['mul_', () => x.mul_(2)], ['div_', () => x.div_(4)],
      ['pow_', () => x.pow_(2)], ['neg_', () => x.neg_()], ['abs_', () => x.abs_()], ['clamp_', () => x.clamp_(0, 3)],
      ['exp_', () => x.exp_()], ['log_', () => x.log_()], ['sqrt_', () => x.sqrt_()], ['sigmoid_', () => x.sigmoid_()],
      ['tanh_', () => x.tanh_()], ['relu_', () => x.relu_()], ['floor_', () => x.floor_()], ['round_', () => x.round_()],
      ['reciprocal_', () => x.reciprocal_()], ['fill_', () => x.fill_(2)], ['zero_', () => x.zero_()], ['copy_', () => x.copy_(torch.ones(3))],
      ['maskedFill_', () => x.maskedFill_(torch.tensor([true, false, true]), 7)], ['uniform_', () => x.uniform_()],
      ['normal_', () => x.normal_()], ['bernoulli_', () => x.bernoulli_(0.5)], ['indexPut_', () => x.indexPut_([0], 3)],
      ['scatter_', () => x.scatter_(0, torch.tensor([1]), 9)], ['addcmul_', () => x.addcmul_(x, x)], ['lerp_', () => x.lerp_(torch.ones(3), 0.5)],
      ['maximum_', () => x.maximum_(torch.zeros(3))], ['clip_', () => x.clip_(-1, 1)],
    ];
    for (const [name, f] of bumps) {
      const before = x._version.value;
      f();
      expect(x._version.value, name).toBe(before + 1);
    }
    const before = x._version.value;
    x.add(1); x.exp(); x.view(3); x.clone(); x.sum(); x.sort(); x.contiguous();
    expect(x._version.value).toBe(before);
  });

  it('clone and contiguous copies do not share storage', () => {
    const x = torch.arange(6).reshape(2, 3);
    const c = x.clone();
    c.fill_(0);
    expect(x.tolistSync()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(x.contiguous()).toBe(x);
    const t = x.t().contiguous();
    expect(t.storage).not.toBe(x.storage);
    expect(t.isContiguous()).toBe(true);
    expect(t.tolistSync()).toEqual([[0, 3], [1, 4], [2, 5]]);
  });
});

describe('errors are FlambeauError subclasses with PyTorch messages', () => {
  const cases: [string, () => unknown, new (m: string) => torch.FlambeauError, string][] = [
    ['broadcast', () => torch.zeros(2, 3).add(torch.zeros(2, 4)), torch.RuntimeError,
      'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1'],
    ['matmul', () => torch.zeros(64, 1024).matmul(torch.zeros(576, 128)), torch.RuntimeError,
      'mat1 and mat2 shapes cannot be multiplied (64x1024 and 576x128)'],
    ['view', () => torch.zeros(2, 3).t().view(6), torch.RuntimeError,
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead."],
    ['dim', () => torch.zeros(2, 3).sum(2), torch.IndexError, 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'],
    ['index', () => torch.zeros(2, 3).index(2), torch.IndexError, 'index 2 is out of bounds for dimension 0 with size 2'],
    ['dtype', () => torch.zeros(3, { dtype: 'int64' }).add_(1.5), torch.RuntimeError, "result type Float can't be cast to the desired output type Long"],
    ['bool-neg', () => torch.tensor([true]).neg(), torch.RuntimeError,
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.'],
  ];
  for (const [name, f, Cls, message] of cases) {
    it(name, () => {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(torch.FlambeauError);
      expect(err).toBeInstanceOf(Cls);
      expect((err as Error).message).toBe(message);
    });
  }
});

describe('item() on a tensor of several elements', () => {
  it("raises PyTorch's ValueError", () => {
    expect(() => torch.rand(3).itemSync()).toThrow(torch.ValueError);
    expect(() => torch.rand(3).itemSync()).toThrow('only one element tensors can be converted to Python scalars');
  });
});
