/** Scalar math the CPU kernels need beyond `Math`, accurate to float64. */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** erf(x): Taylor series near zero, continued fraction for erfc in the tails; |error| < 1e-14. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  const c = erfcLarge(ax);
  return x > 0 ? 1 - c : c - 1;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 2.5) return 1 - erf(x);
  return erfcLarge(x);
}

/** Continued fraction erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))), x ≥ 2.5. */
function erfcLarge(x: number): number {
  if (x > 27) return 0;
  // Modified Lentz evaluation of K = x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))).
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    D = x + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** Round half to even, as `torch.round` (and IEEE roundeven). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python's `%`: the result takes the divisor's sign. */
export function pyRemainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && (m < 0) !== (b < 0) ? m + b : m;
}

/** PyTorch's float `div_floor`: floor of the exact quotient via fmod, so inf // x is NaN like Python. */
export function divFloor(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div === 0) return Math.sign(a / b) < 0 || Object.is(a / b, -0) ? -0 : 0;
  const fl = Math.floor(div);
  return div - fl > 0.5 ? fl + 1 : fl;
}
