/**
 * IEEE 754 binary16 (`torch.float16` / `torch.half`) conversions. Node 20 has neither
 * `Float16Array` nor `Math.f16round`, so Flambeau holds float16 values in a Float32Array on the
 * host, each one rounded to the nearest half (ties to even). A value is first rounded to float32,
 * as c10::Half's constructor takes a float.
 */

const HALF_MIN_NORMAL = 2 ** -14;
/** float32 bits of 2^-14 (the smallest normal half) and of 65520 (from here on a value rounds to infinity). */
const MIN_NORMAL_BITS = 0x38800000;
const OVERFLOW_BITS = 0x477ff000;

/** Rounds, in place, the float32 whose bits are `u[i]` (a view of `f`) to the nearest half, ties to even. */
function roundBits(f: Float32Array, u: Uint32Array, i: number): void {
  const b = u[i];
  const a = b & 0x7fffffff;
  if (a >= 0x7f800000) return; // ±inf, NaN
  if (a >= OVERFLOW_BITS) {
    u[i] = (b & 0x80000000) | 0x7f800000;
  } else if (a >= MIN_NORMAL_BITS) {
    // Keep 10 of float32's 23 mantissa bits, rounding the 13 dropped ones to nearest even; a carry
    // into the exponent is the correct rounding up to the next power of two.
    u[i] = (b & 0x80000000) | ((a + 0xfff + ((a >>> 13) & 1)) & ~0x1fff);
  } else {
    // Half subnormals are multiples of 2^-24 (exact in float32).
    const v = Math.abs(f[i]) * 2 ** 24;
    let r = Math.round(v);
    if (r - v === 0.5 && r % 2 === 1) r -= 1;
    f[i] = (b & 0x80000000 ? -r : r) * 2 ** -24;
  }
}

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/**
 * `x` rounded to the nearest float16 value (`Math.f16round`): ±Infinity from ±65520 on,
 * subnormals below 2^-14, NaN and ±0 kept.
 *
 * @example
 * roundHalf(0.1);      // 0.0999755859375
 * roundHalf(70000);    // Infinity
 */
export function roundHalf(x: number): number {
  scratchF[0] = x;
  roundBits(scratchF, scratchU, 0);
  return scratchF[0];
}

/** Rounds every element of `a` to float16 in place (the host form of float16 storage). */
export function roundHalfArray(a: Float32Array): Float32Array {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let i = 0; i < a.length; i++) roundBits(a, u, i);
  return a;
}

/** The exponent e with 2^e ≤ a < 2^(e+1), for a finite a > 0. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/** The 16 bits of `x` as a float16 (rounded first); NaN becomes the quiet NaN 0x7e00. */
export function halfBits(x: number): number {
  const r = roundHalf(x);
  if (Number.isNaN(r)) return 0x7e00;
  const sign = r < 0 || Object.is(r, -0) ? 0x8000 : 0;
  const a = Math.abs(r);
  if (a === Infinity) return sign | 0x7c00;
  if (a < HALF_MIN_NORMAL) return sign | (a / 2 ** -24);
  const e = exponentOf(a);
  return sign | ((e + 15) << 10) | (a / 2 ** (e - 10) - 1024);
}

/** The value of the float16 whose bits are `h`. */
export function halfFromBits(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1024 + m) * 2 ** (e - 25);
}
