/** Python's `repr(float)`: shortest round-trip digits, `1.0` for integers, `1e-05` style exponents. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mant, expStr] = x.toExponential().split('e');
  const e = Number(expStr);
  if (e < -4 || e >= 16) return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const s = String(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** Python's `repr(bool)`. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}
