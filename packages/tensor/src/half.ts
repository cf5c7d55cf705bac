/**
 * IEEE 754 binary16 (`torch.float16` / `torch.half`) conversions. Node 20 has neither
 * `Float16Array` nor `Math.f16round`, so Flambeau holds float16 values in a Float32Array on the
 * host, each one rounded to the nearest half (ties to even). A value is first rounded to float32,
 * as c10::Half's constructor takes a float.
 */

const HALF_MIN_NORMAL = 2 ** -14;
/** Half-way between the largest half (65504) and 2^16: from here on a value rounds to infinity. */
const HALF_OVERFLOW = 65520;

function roundTiesEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** The exponent e with 2^e ≤ a < 2^(e+1), for a finite a > 0. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/**
 * `x` rounded to the nearest float16 value (`Math.f16round`): ±Infinity beyond ±65504 (from
 * 65520 on), subnormals below 2^-14, NaN and ±0 kept.
 *
 * @example
 * roundHalf(0.1);      // 0.0999755859375
 * roundHalf(70000);    // Infinity
 */
export function roundHalf(x: number): number {
  const f = Math.fround(x);
  if (f === 0 || !Number.isFinite(f)) return f;
  const a = Math.abs(f);
  if (a >= HALF_OVERFLOW) return f > 0 ? Infinity : -Infinity;
  const q = a < HALF_MIN_NORMAL ? 2 ** -24 : 2 ** (exponentOf(a) - 10);
  const r = roundTiesEven(a / q) * q;
  return f > 0 ? r : -r;
}

/** Rounds every element of `a` to float16 in place (the host form of float16 storage). */
export function roundHalfArray(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = roundHalf(a[i]);
  return a;
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
