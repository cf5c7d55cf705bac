import { ValueError } from './errors.js';

/**
 * A Mersenne Twister (mt19937) generator with PyTorch's CPU generator semantics, so that
 * `manualSeed(0)` followed by the same draws gives the numbers PyTorch gives on the CPU
 * (`torch.manual_seed(0); torch.rand(3)` → 0.4963, 0.7682, 0.0885).
 */
export class Generator {
  private mt = new Uint32Array(624);
  private idx = 625;
  private initialSeedValue = 67280421310721;
  /** Box–Muller's second sample, kept for the next scalar normal draw (PyTorch caches it too). */
  nextDoubleNormal: number | null = null;

  constructor(seed?: number) {
    this.manualSeed(seed ?? 67280421310721);
  }

  /** `generator.manual_seed(seed)`; returns this. */
  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) throw new ValueError(`manual_seed expected an integer, got ${seed}`);
    this.initialSeedValue = seed;
    // mt19937 is seeded with the low 32 bits, as in PyTorch.
    const s = Number(BigInt.asUintN(32, BigInt(seed)));
    this.mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.idx = 624;
    this.nextDoubleNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.initialSeedValue;
  }

  /** Snapshot for `getState` / `setState`. */
  getState(): { mt: number[]; idx: number; nextDoubleNormal: number | null; seed: number } {
    return { mt: [...this.mt], idx: this.idx, nextDoubleNormal: this.nextDoubleNormal, seed: this.initialSeedValue };
  }
  setState(s: { mt: number[]; idx: number; nextDoubleNormal: number | null; seed: number }): void {
    this.mt.set(s.mt);
    this.idx = s.idx;
    this.nextDoubleNormal = s.nextDoubleNormal;
    this.initialSeedValue = s.seed;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      let v = mt[(i + 397) % 624] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.idx = 0;
  }

  /** 32 random bits. */
  random(): number {
    if (this.idx >= 624) this.twist();
    let y = this.mt[this.idx++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform [0, 1) with 24 random bits, PyTorch's float draw. */
  uniformFloat(): number {
    return (this.random() & 0xffffff) * 5.9604644775390625e-8;
  }

  /** Uniform [0, 1) with 53 random bits from two 32-bit draws (hi first), PyTorch's double draw. */
  uniformDouble(): number {
    const hi = this.random();
    const lo = this.random();
    return ((hi & 0x1fffff) * 4294967296 + lo) * 1.1102230246251565e-16;
  }

  /** One standard normal draw, PyTorch's scalar `normal_distribution<double>` (Box–Muller, cached pair). */
  normalDouble(): number {
    if (this.nextDoubleNormal !== null) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** The default CPU generator (`torch.default_generator`). */
export const defaultGenerator = new Generator();

/** `torch.manual_seed(seed)`: reseeds the default generator. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** `torch.seed()` / `initial_seed()`. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/**
 * Fills `out` with N(mean, std²) the way PyTorch's CPU `normal_` does: for 16 or more elements,
 * uniforms first, then Box–Muller over blocks of 16 (the last partial block redrawn); fewer than
 * 16 elements (or a non-contiguous destination) use the scalar path.
 */
export function fillNormal(out: { length: number; [i: number]: number }, mean: number, std: number, gen: Generator, double: boolean, contiguous = true): void {
  const n = out.length;
  // PyTorch's vectorised path needs a contiguous destination; strided ones draw one by one.
  if (n >= 16 && contiguous) {
    const draw = () => (double ? gen.uniformDouble() : gen.uniformFloat());
    const tmp = new Float64Array(n);
    for (let i = 0; i < n; i++) tmp[i] = draw();
    const block = (base: number) => {
      for (let j = 0; j < 8; j++) {
        const u1 = 1 - tmp[base + j];
        const u2 = tmp[base + j + 8];
        const radius = Math.sqrt(-2 * Math.log(u1));
        const theta = 2 * Math.PI * u2;
        tmp[base + j] = radius * Math.cos(theta) * std + mean;
        tmp[base + j + 8] = radius * Math.sin(theta) * std + mean;
      }
    };
    for (let i = 0; i + 16 <= n; i += 16) block(i);
    if (n % 16 !== 0) {
      const base = n - 16;
      for (let j = 0; j < 16; j++) tmp[base + j] = draw();
      block(base);
    }
    for (let i = 0; i < n; i++) out[i] = tmp[i];
  } else {
    for (let i = 0; i < n; i++) out[i] = gen.normalDouble() * std + mean;
  }
}
