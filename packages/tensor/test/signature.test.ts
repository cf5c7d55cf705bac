import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { DTypeError, declare, parseArgs } from '../src/index.js';

// A declaration shaped like PyTorch's F.conv2d, plus keyword-only and positional-only markers.
const CONV = declare('test.conv2d', 'conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2]|str padding=0, int[2] dilation=1, int groups=1)');
const KW = declare('test.sum', 'sum(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)');
const POS = declare('test.pos', 'pos(Tensor input, /, float p=2)');

const x = torch.zeros(1, 1, 4, 4);
const w = torch.zeros(1, 1, 3, 3);
const b = torch.zeros(1);

function error(fn: () => unknown): Error {
  try { fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

describe('parseArgs: the forms PyTorch accepts', () => {
  it('binds positional values in PyTorch order, filling defaults and expanding int[2]', () => {
    expect(parseArgs(CONV, [x, w, b, 2])).toEqual({ input: x, weight: w, bias: b, stride: [2, 2], padding: [0, 0], dilation: [1, 1], groups: 1 });
  });
  it('binds a trailing options object by camelCase name', () => {
    const a = parseArgs(CONV, [x, w, { bias: b, stride: 2 }]);
    expect(a.bias).toBe(b);
    expect(a.stride).toEqual([2, 2]);
  });
  it('mixes positional values and an options object', () => {
    expect(parseArgs(CONV, [x, w, null, 1, { groups: 1, padding: 'same' }]).padding).toBe('same');
  });
  it('treats undefined as not given', () => {
    expect(parseArgs(KW, [x, undefined, { keepdim: true }])).toEqual({ input: x, dim: null, keepdim: true, dtype: null });
  });
  it('takes keyword-only parameters by name only', () => {
    expect(parseArgs(KW, [x, 1, true, { dtype: 'float64' }]).dtype).toBe('float64');
    expect(error(() => parseArgs(KW, [x, 1, true, 'float64'])).message).toBe('sum() takes from 1 to 3 positional arguments but 4 were given');
  });
  it('refuses a positional-only parameter by name', () => {
    const e = error(() => parseArgs(POS, [{ input: x }]));
    // `{ input: x }` sits where `input` goes positionally: it is the options object, naming a positional-only one.
    expect(e.message).toBe("pos() got some positional-only arguments passed as keyword arguments: 'input'");
  });
});

describe('parseArgs: each class of mistake raises PyTorch\'s TypeError', () => {
  it('an unknown name, with a did-you-mean', () => {
    const e = error(() => parseArgs(CONV, [x, w, { bais: b }]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toBe("conv2d() got an unexpected keyword argument 'bais'. Did you mean 'bias'?");
  });
  it('an unknown name far from every parameter, without a suggestion', () => {
    expect(error(() => parseArgs(CONV, [x, w, { momentum: 1 }])).message).toBe("conv2d() got an unexpected keyword argument 'momentum'");
  });
  it('a snake_case name, suggesting the camelCase one', () => {
    const e = error(() => parseArgs(KW, [x, { keep_dim: true }]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toMatch(/^sum\(\) got an unexpected keyword argument 'keep_dim'\. Did you mean 'keepdim'\?/);
    const L = declare('test.loader', 'DataLoader(Dataset dataset, int? batchSize=1, bool shuffle=False)');
    expect(error(() => parseArgs(L, [[1, 2], { batch_size: 5 }])).message)
      .toBe("DataLoader() got an unexpected keyword argument 'batch_size'. Did you mean 'batchSize'? (Flambeau spells keyword arguments in camelCase)");
  });
  it('a wrong type, in PyTorch\'s words', () => {
    const e = error(() => parseArgs(CONV, [x, w, { stride: 'two' }]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toBe("conv2d(): argument 'stride' must be tuple of ints, not str");
    expect(error(() => parseArgs(CONV, [x, 3])).message).toBe("conv2d(): argument 'weight' must be Tensor, not int");
    expect(error(() => parseArgs(KW, [x, 1, 1])).message).toBe("sum(): argument 'keepdim' must be bool, not int");
    expect(error(() => parseArgs(CONV, [x, w, null, 1.5])).message).toBe("conv2d(): argument 'stride' must be tuple of ints, not float");
  });
  it('a parameter given twice', () => {
    const e = error(() => parseArgs(CONV, [x, w, b, { bias: b }]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toBe("conv2d() got multiple values for argument 'bias'");
  });
  it('a missing required parameter', () => {
    const e = error(() => parseArgs(CONV, [x, { stride: 2 }]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toBe("conv2d() missing 1 required positional argument: 'weight'");
    expect(error(() => parseArgs(CONV, [])).message).toBe("conv2d() missing 2 required positional arguments: 'input' and 'weight'");
  });
  it('too many positional values', () => {
    expect(error(() => parseArgs(CONV, [x, w, b, 1, 0, 1, 1, 9])).message).toBe('conv2d() takes from 2 to 7 positional arguments but 8 were given');
  });
});

describe('declarations from op schemas', () => {
  it('reuses the op registry\'s declaration (one per op), dropping self for a method', () => {
    const d = declare('test.clampMethod', { op: 'clamp', method: true });
    expect(d.params.map((p) => p.name)).toEqual(['min', 'max']);
    expect(parseArgs(d, [{ min: 0 }])).toEqual({ min: 0, max: null });
  });
});
