import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTensor, fromArray, setDefaultDtype, setPrintOptions, tensor } from '@flambeau/tensor';
import { arrayType, type DType } from '../src/dtype.js';
import { pyExp, pyFixed } from '../src/format.js';

interface Case {
  name: string;
  shape: number[];
  dtype: DType;
  values: (number | string)[];
  options: Parameters<typeof setPrintOptions>[0];
  requiresGrad: boolean;
  gradFn: string | null;
  defaultDtype: DType;
  repr: string;
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/format.json', import.meta.url), 'utf8')) as { cases: Case[] };

function dataOf(c: Case) {
  const Ctor = arrayType(c.dtype);
  return new Ctor(c.values.map((v) => (typeof v === 'string' ? Number(v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity) : v)));
}

afterEach(() => {
  setPrintOptions({ profile: 'default' });
  setDefaultDtype('float32');
});

describe('formatTensor matches PyTorch 1.13 repr', () => {
  it('has a representative fixture table', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of fixtures.cases) {
    it(c.name, () => {
      setPrintOptions(c.options);
      setDefaultDtype(c.defaultDtype);
      const out = formatTensor(c.shape, c.dtype, dataOf(c), { device: 'cpu', requiresGrad: c.requiresGrad, gradFn: c.gradFn });
      expect(out).toBe(c.repr);
    });
  }
});

describe('Tensor.toString prints through formatTensor', () => {
  for (const c of fixtures.cases.filter((k) => k.gradFn === null)) {
    it(c.name, () => {
      setPrintOptions(c.options);
      setDefaultDtype(c.defaultDtype);
      const t = fromArray(dataOf(c), c.shape, { dtype: c.dtype, requiresGrad: c.requiresGrad });
      expect(String(t)).toBe(c.repr);
    });
  }

  it('infers dtypes from nested arrays as torch.tensor does', () => {
    expect(String(tensor([[1, 2], [3, 4]]))).toBe('tensor([[1, 2],\n        [3, 4]])');
    expect(String(tensor([1.5, -2]))).toBe('tensor([ 1.5000, -2.0000])');
    expect(String(tensor([true, false]))).toBe('tensor([ True, False])');
    expect(String(tensor(3, { dtype: 'int32' }))).toBe('tensor(3, dtype=torch.int32)');
  });
});

describe('device suffix', () => {
  it('prints the device of non-CPU tensors before the dtype', () => {
    const s = formatTensor([2], 'int32', new Int32Array([1, 2]), { device: 'webgpu:0', requiresGrad: true, gradFn: null });
    expect(s).toBe("tensor([1, 2], device='webgpu:0', dtype=torch.int32, requires_grad=True)");
  });
});

describe('Python float formatting', () => {
  // Python breaks exact decimal ties to even; JS toFixed/toExponential break them upwards.
  it('rounds exact ties to even', () => {
    expect(pyFixed(0.5, 0)).toBe('0');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(3.5, 0)).toBe('4');
    expect(pyFixed(0.03125, 4)).toBe('0.0312');
    expect(pyFixed(-0.03125, 4)).toBe('-0.0312');
    expect(pyExp(1.03125, 4)).toBe('1.0312e+00');
    expect(pyExp(1.09375, 4)).toBe('1.0938e+00');
    expect(pyExp(1.03135, 4)).toBe('1.0313e+00'); // not a tie: the double lies below 1.03135
  });

  it('keeps the sign of zero and of values rounding to zero', () => {
    expect(pyFixed(-0, 4)).toBe('-0.0000');
    expect(pyFixed(-0.00001, 4)).toBe('-0.0000');
    expect(pyExp(-0, 4)).toBe('-0.0000e+00');
    expect(pyExp(0, 2)).toBe('0.00e+00');
  });

  it('carries into the exponent and formats extremes', () => {
    expect(pyExp(9.99996, 4)).toBe('1.0000e+01');
    expect(pyExp(5e-324, 4)).toBe('4.9407e-324');
    expect(pyExp(1.7976931348623157e308, 4)).toBe('1.7977e+308');
    expect(pyFixed(1e22, 1)).toBe('10000000000000000000000.0');
    expect(pyFixed(Infinity, 4)).toBe('inf');
    expect(pyExp(NaN, 4)).toBe('nan');
  });
});
