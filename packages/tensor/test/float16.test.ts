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

  it('roundHalf is the nearest float16 (ties to even) of 20 000 random float32 values, by search over all halves', () => {
    // Positive finite halves in order (bits 0..0x7bff), then 65536 standing for the overflow point.
    const halves = Array.from({ length: 0x7c00 }, (_, h) => halfFromBits(h));
    halves.push(65536);
    let seed = 12345;
    const bits = new Uint32Array(1), f = new Float32Array(bits.buffer);
    for (let k = 0; k < 20000; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // Exponents across the half range and beyond (float32 exponent fields 90..150).
      bits[0] = (seed & 0x807fffff) | ((90 + (seed % 61)) << 23);
      const x = f[0], ax = Math.abs(x);
      let lo = 0, hi = halves.length - 1;
      while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (halves[mid] <= ax) lo = mid; else hi = mid; }
      const dl = ax - halves[lo], dh = halves[hi] - ax;
      const pick = ax >= 65536 ? 0x7c00 : dl < dh ? lo : dh < dl ? hi : lo % 2 === 0 ? lo : hi;
      const want = pick >= 0x7c00 ? Infinity : halves[pick];
      if (roundHalf(x) !== (x < 0 ? -want : want)) expect.fail(`${x}: ${roundHalf(x)} vs ${x < 0 ? -want : want}`);
    }
    const arr = Float32Array.from([0.1, -3e-8, 65520, -0]);
    expect(Array.from(torch.roundHalfArray(arr))).toEqual([0.0999755859375, -5.960464477539063e-8, Infinity, -0]);
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
