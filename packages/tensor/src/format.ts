import { getDefaultDtype, isFloating, type DType, type TypedArray } from './dtype.js';

/**
 * A port of PyTorch 1.13's torch/_tensor_str.py (dense, real tensors). Numbers are formatted the
 * way Python's `'{:.4f}'` / `'{:.4e}'` format a double: correctly rounded from the exact binary
 * value with ties to even. JS `toFixed`/`toExponential` break ties upwards, so digits are produced
 * here with exact BigInt arithmetic instead.
 */

export interface FormatOptions {
  device: string;
  requiresGrad: boolean;
  gradFn: string | null;
}

export interface PrintOptions {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  sciMode?: boolean | null;
  profile?: 'default' | 'short' | 'full';
}

const PRINT_OPTS = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null as boolean | null };

/**
 * `torch.set_printoptions(precision, threshold, edgeitems, linewidth, profile, sci_mode)`.
 * As in PyTorch, every call resets `sciMode` to its argument (automatic when omitted), and a
 * `profile` is applied before the other options.
 *
 * @example setPrintOptions({ precision: 2 }); String(tensor([1.12345])) // 'tensor([1.12])'
 */
export function setPrintOptions(opts: PrintOptions): void {
  switch (opts.profile) {
    case 'default': Object.assign(PRINT_OPTS, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 }); break;
    case 'short': Object.assign(PRINT_OPTS, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 }); break;
    case 'full': Object.assign(PRINT_OPTS, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 }); break;
    default: break;
  }
  if (opts.precision !== undefined) PRINT_OPTS.precision = opts.precision;
  if (opts.threshold !== undefined) PRINT_OPTS.threshold = opts.threshold;
  if (opts.edgeitems !== undefined) PRINT_OPTS.edgeitems = opts.edgeitems;
  if (opts.linewidth !== undefined) PRINT_OPTS.linewidth = opts.linewidth;
  PRINT_OPTS.sciMode = opts.sciMode ?? null;
}

// ---------------------------------------------------------------- Python float formatting

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** |x| = m · 2^e exactly, for finite x. */
function decompose(x: number): { m: bigint; e: number } {
  F64[0] = x;
  const lo = U32[0]!;
  const hi = U32[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: biased - 1075 };
}

/** round(num / den) with ties to even. */
function divRoundEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/** Python's `'{:.<p>f}'.format(x)`. */
export function pyFixed(x: number, p: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const { m, e } = decompose(x);
  const scale = 10n ** BigInt(p);
  const n = e >= 0 ? (m << BigInt(e)) * scale : divRoundEven(m * scale, 1n << BigInt(-e));
  const digits = n.toString().padStart(p + 1, '0');
  const int = digits.slice(0, digits.length - p);
  return signOf(x) + (p > 0 ? `${int}.${digits.slice(digits.length - p)}` : int);
}

/** Python's `'{:.<p>e}'.format(x)`. */
export function pyExp(x: number, p: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  let n: bigint;
  let exp: number;
  if (x === 0) {
    n = 0n;
    exp = 0;
  } else {
    const { m, e } = decompose(x);
    exp = Math.floor(Math.log10(Math.abs(x)));
    const lowest = 10n ** BigInt(p);
    // x / 10^(exp - p) as num/den, with exp corrected if log10 was off by one
    for (;;) {
      let num = e >= 0 ? m << BigInt(e) : m;
      let den = e >= 0 ? 1n : 1n << BigInt(-e);
      if (p - exp >= 0) num *= 10n ** BigInt(p - exp);
      else den *= 10n ** BigInt(exp - p);
      if (num < lowest * den) { exp--; continue; }
      if (num >= lowest * 10n * den) { exp++; continue; }
      n = divRoundEven(num, den);
      if (n === lowest * 10n) { n = lowest; exp++; }
      break;
    }
  }
  const digits = n.toString().padStart(p + 1, '0');
  const mant = p > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expStr = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${signOf(x)}${mant}e${expStr}`;
}

// ---------------------------------------------------------------- _Formatter

class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(private readonly floating: boolean, private readonly dtype: DType, values: readonly number[]) {
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const vals = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (vals.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of vals) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = vals.every((v) => v === Math.ceil(v));
    const p = PRINT_OPTS.precision;
    if (this.intMode) {
      if (max / min > 1000.0 || max > 1.0e8) {
        this.sciMode = true;
        for (const v of vals) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p).length);
      } else {
        for (const v of vals) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4) {
      this.sciMode = true;
      for (const v of vals) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p).length);
    } else {
      for (const v of vals) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, p).length);
    }
    // PyTorch applies the user's sci_mode only past the early return above.
    if (PRINT_OPTS.sciMode !== null) this.sciMode = PRINT_OPTS.sciMode;
  }

  width(): number {
    return this.maxWidth;
  }

  /** Python's `'{}'.format(v)` of an integer or bool element. */
  private plain(v: number): string {
    if (this.dtype === 'bool') return v ? 'True' : 'False';
    return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  }

  format(v: number): string {
    let ret: string;
    if (!this.floating) ret = this.plain(v);
    else if (this.sciMode) ret = pyExp(v, PRINT_OPTS.precision);
    else if (this.intMode) ret = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else ret = pyFixed(v, PRINT_OPTS.precision);
    return ret.padStart(this.maxWidth, ' ');
  }
}

// ---------------------------------------------------------------- layout

/**
 * The indices printed along a dimension of size n: all of them, or `edgeitems` from each end around
 * `...`. The last dimension follows Python's `self[-k:]`, which is the whole vector when k is 0.
 */
function keptIndices(n: number, summarize: boolean, lastDim: boolean): { head: number[]; tail: number[]; elided: boolean } {
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  const k = PRINT_OPTS.edgeitems;
  if (!summarize || n <= 2 * k) return { head: range(0, n), tail: [], elided: false };
  return { head: range(0, k), tail: range(lastDim && k === 0 ? 0 : n - k, n), elided: true };
}

/** `_tensor_str` and its helpers over a row-major buffer; one formatter serves every element. */
class Printer {
  private readonly strides: number[];
  private readonly summarize: boolean;
  private readonly formatter: Formatter;

  constructor(private readonly shape: readonly number[], dtype: DType, private readonly data: TypedArray) {
    this.strides = new Array<number>(shape.length);
    let s = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      this.strides[d] = s;
      s *= shape[d]!;
    }
    this.summarize = data.length > PRINT_OPTS.threshold;
    this.formatter = new Formatter(isFloating(dtype), dtype, this.summarizedValues());
  }

  /** The elements `get_summarized_data` keeps, which alone decide the formatter's widths. */
  private summarizedValues(offset = 0, dim = 0, out: number[] = []): number[] {
    if (dim === this.shape.length) {
      out.push(this.data[offset]!);
      return out;
    }
    const { head, tail } = keptIndices(this.shape[dim]!, this.summarize, dim === this.shape.length - 1);
    for (const i of [...head, ...tail]) this.summarizedValues(offset + i * this.strides[dim]!, dim + 1, out);
    return out;
  }

  str(offset: number, dim: number, indent: number): string {
    const f = this.formatter;
    const ndim = this.shape.length - dim;
    if (ndim === 0) return f.format(this.data[offset]!);
    const stride = this.strides[dim]!;
    const { head, tail, elided } = keptIndices(this.shape[dim]!, this.summarize, ndim === 1);
    if (ndim === 1) {
      const elementLength = f.width() + 2;
      const perLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / elementLength));
      const fmt = (i: number): string => f.format(this.data[offset + i * stride]!);
      const items = elided ? [...head.map(fmt), ' ...', ...tail.map(fmt)] : head.map(fmt);
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
    }
    const sub = (i: number): string => this.str(offset + i * stride, dim + 1, indent + 1);
    const slices = elided ? [...head.map(sub), '...', ...tail.map(sub)] : head.map(sub);
    return '[' + slices.join(',' + '\n'.repeat(ndim - 1) + ' '.repeat(indent + 1)) + ']';
  }
}

function addSuffixes(tensorStr: string, suffixes: string[], indent: number): string {
  const parts = [tensorStr];
  let lastLineLen = tensorStr.length - tensorStr.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > PRINT_OPTS.linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/**
 * PyTorch's `repr(tensor)` for a dense tensor given as row-major `data`: the values formatted as
 * by torch/_tensor_str.py under the current print options, then the device, dtype, grad_fn or
 * requires_grad suffixes.
 *
 * @example formatTensor([2], 'float32', new Float32Array([1, 2.5]), { device: 'cpu', requiresGrad: false, gradFn: null })
 * // 'tensor([1.0000, 2.5000])'
 */
export function formatTensor(shape: readonly number[], dtype: DType, data: TypedArray, opts: FormatOptions): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  if (opts.device.split(':')[0] !== 'cpu') suffixes.push(`device='${opts.device}'`);
  let body: string;
  if (data.length === 0) {
    // An empty tensor cannot show its dtype through its values, so anything but the default prints.
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    if (dtype !== getDefaultDtype()) suffixes.push(`dtype=torch.${dtype}`);
    body = '[]';
  } else {
    if (dtype !== getDefaultDtype() && dtype !== 'int64' && dtype !== 'bool') suffixes.push(`dtype=torch.${dtype}`);
    body = new Printer(shape, dtype, data).str(0, 0, indent);
  }
  if (opts.gradFn !== null) suffixes.push(`grad_fn=<${opts.gradFn}>`);
  else if (opts.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
