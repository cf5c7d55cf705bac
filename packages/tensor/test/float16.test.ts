import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { halfBits, halfFromBits, roundHalf } from '../src/index.js';
import { float16Suite } from './float16-cases.js';

/**
 * float16 on the CPU: values live in a Float32Array, each rounded to half after every kernel
 * (PyTorch computes half ops in float and stores half). Add/sub/mul/div of halves are then exact;
 * transcendental ops, sums and products may differ from PyTorch's float32 results by one half ulp
 * where the float64 → float32 → float16 roundings meet a tie.
 */
describe('float16 on the default device (the CPU; the test device in the testing lane) matches PyTorch 1.13', () => {
  float16Suite(torch.defaultBackend().name, { exact: 0, unary: 1, reduce: 1, matmul: 1, softmax: 1 });

  it('half bits round-trip every finite float16, and the known encodings', () => {
    for (let h = 0; h < 0x10000; h++) {
      const e = (h >> 10) & 0x1f;
      if (e === 31) continue;
      const v = halfFromBits(h);
      expect(roundHalf(v)).toBe(v);
      if (halfBits(v) !== h) expect.fail(`bits ${h.toString(16)} → ${v} → ${halfBits(v).toString(16)}`);
    }
    expect(halfBits(1)).toBe(0x3c00);
    expect(halfBits(-2)).toBe(0xc000);
    expect(halfBits(65504)).toBe(0x7bff);
    expect(halfBits(Infinity)).toBe(0x7c00);
    expect(halfBits(NaN)).toBe(0x7e00);
    expect(halfBits(2 ** -24)).toBe(1);
  });

  it('creation, .half(), in-place writes and fills keep float16 values; reads return a Float32Array', () => {
    const x = torch.zeros([3], { dtype: 'float16' });
    x.fill_(0.1);
    expect(Array.from(x.dataSync())).toEqual([0.0999755859375, 0.0999755859375, 0.0999755859375]);
    x.add_(torch.tensor([1 / 3, 1 / 3, 1 / 3]).half());
    expect(x.dataSync()).toBeInstanceOf(Float32Array);
    expect(Array.from(x.dataSync())).toEqual(Array(3).fill(roundHalf(0.0999755859375 + 0.333251953125)));
    x.narrow(0, 1, 1).copy_(torch.tensor([70000]));
    expect(Array.from(x.dataSync())[1]).toBe(Infinity);
    torch.manualSeed(0);
    const r = torch.randn([100], { dtype: 'float16' });
    expect(Array.from(r.dataSync()).every((v) => roundHalf(v) === v)).toBe(true);
    expect(String(torch.tensor([1.5]).half())).toContain('dtype=torch.float16');
  });
});
