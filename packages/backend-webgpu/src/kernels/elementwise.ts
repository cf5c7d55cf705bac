import type { BinaryOp, DType, StridedView, UnaryOp } from '@flambeau/tensor';
import { castExpr, mathDtype, wgslType } from '../dtypes.js';
import { type KernelHost, type WebGPUStorage, bufferOf, hostScalarOf } from '../storage.js';
import { ENTRY, PRELUDE, contiguous, f32Bits, groupsFor, i32Bits, numel, viewWords } from './wgsl.js';

/** A kernel operand: a strided view, or a host scalar (the spine's `{ scalar }` attrs). */
export type Operand = StridedView | number;

/** A WGSL expression and the dtype it produces. */
export interface Expr { code: string; dtype: DType }

export interface MapSpec {
  /** Output (iteration) shape; every view operand has this shape (already broadcast). */
  shape: readonly number[];
  /** Operands, each converted to `dtype` before `expr` sees it. */
  inputs: { v: Operand; dtype: DType }[];
  expr: (args: string[]) => Expr;
  out: { dtype: DType; into?: StridedView };
  /** Extra WGSL functions the expression calls. */
  fns?: string;
}

function scalarWords(x: number, dtype: DType): number {
  const t = wgslType(dtype);
  if (t === 'f32') return f32Bits(x);
  if (t === 'i32') return i32Bits(Math.trunc(x));
  return dtype === 'bool' ? (x ? 1 : 0) : (Math.trunc(x) & 255) >>> 0;
}

/**
 * The one elementwise engine: any number of strided operands of any rank (shape and strides in the
 * metadata), scalars as metadata words, output either fresh contiguous storage or written through a
 * strided view (copyInto, fill, random fills).
 */
export function mapKernel(k: KernelHost, spec: MapSpec): WebGPUStorage | null {
  const n = numel(spec.shape);
  const rank = spec.shape.length;
  const views: StridedView[] = [];
  const scalars: number[] = [];
  if (spec.out.into) views.push(spec.out.into);
  const outT = wgslType(spec.out.dtype);
  const decl: string[] = [`@group(0) @binding(1) var<storage, read_write> outb: array<${outT}>;`];
  const loads: string[] = [];
  const args: string[] = [];
  const bufs: GPUBuffer[] = [];
  const outStore = spec.out.into ? null : k.out(spec.out.dtype, n);
  bufs.push(outStore ? bufferOf(outStore) : bufferOf(spec.out.into!));
  const viewIndex = new Map<StridedView, number>();
  // The shape class in the pipeline key: a row-major operand is read at i + offset, any other
  // through the strided walk over the metadata.
  const elementOf = (v: StridedView, vi: number) => {
    const base = `2u + rank + ${vi}u * (rank + 1u)`;
    return rowMajor(v, spec.shape) ? `i + mt[${base} + rank]` : `stridedOffset(i, rank, 2u, ${base})`;
  };
  spec.inputs.forEach(({ v: v0, dtype: d0 }, j) => {
    // float64 only reaches a kernel as a host scalar, which is computed with in float32; float16
    // operands are computed with in float32 too.
    const dtype = d0 === 'float64' ? 'float32' : mathDtype(d0);
    const v = typeof v0 === 'number' ? v0 : hostScalarOf(v0) ?? v0;
    if (typeof v === 'number') {
      loads.push(`let a${j} = bitcast<${wgslType(dtype)}>(mt[sb + ${scalars.length}u]);`);
      scalars.push(scalarWords(v, dtype));
    } else {
      let vi = viewIndex.get(v);
      if (vi === undefined) {
        vi = views.length;
        views.push(v);
        viewIndex.set(v, vi);
        const b = bufs.length + 1;
        decl.push(`@group(0) @binding(${b}) var<storage, read> in${vi}: array<${wgslType(v.dtype)}>;`);
        bufs.push(bufferOf(v));
      }
      loads.push(`let a${j} = ${castExpr(`in${vi}[${elementOf(v, vi)}]`, v.dtype, dtype)};`);
    }
    args.push(`a${j}`);
  });
  const r0 = spec.expr(args);
  const r = r0.dtype === 'float64' || r0.dtype === 'float16' ? { ...r0, dtype: 'float32' as DType } : r0;
  const dst = spec.out.into ? elementOf(spec.out.into, 0) : 'i';
  const code = `${PRELUDE}
${decl.join('\n')}
${spec.fns ?? ''}
${ENTRY} {
  let i = linearId(gid, nwg);
  if (i >= mt[0]) { return; }
  let rank = mt[1];
  let sb = 2u + rank + ${views.length}u * (rank + 1u);
  ${loads.join('\n  ')}
  outb[${dst}] = ${castExpr(r.code, r.dtype, spec.out.dtype)};
}`;
  const meta = [n, rank, ...spec.shape, ...views.flatMap(viewWords), ...scalars];
  k.ctx.dispatch({ code, meta, buffers: bufs, workgroups: n === 0 ? 0 : groupsFor(n) });
  return outStore;
}

/** Whether `v` walks its storage in row-major order over `shape` (size-1 dims may have any stride). */
function rowMajor(v: StridedView, shape: readonly number[]): boolean {
  let expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (v.strides[d] !== expect) return false;
    expect *= shape[d];
  }
  return true;
}

// ---------------------------------------------------------------- unary

const MATH_FNS = /* wgsl */ `
fn logF(x: f32) -> f32 { if (x < 0.0) { return nanF(); } if (x == 0.0) { return -infF(); } return log(x); }
fn sqrtF(x: f32) -> f32 { if (x < 0.0) { return nanF(); } return sqrt(x); }
fn inUnit(x: f32) -> bool { return x >= -1.0 && x <= 1.0; }
// erfc with fractional error below 1.2e-7 everywhere (Chebyshev fit, Numerical Recipes' erfcc).
fn erfcF(x: f32) -> f32 {
  if (isNanF(x)) { return x; }
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(2.0 - r, r, x >= 0.0);
}
fn erfF(x: f32) -> f32 {
  // Near zero 1 - erfc cancels; the Maclaurin series is exact to float precision there.
  if (abs(x) < 0.5) { let x2 = x * x; return 1.1283791670955126 * x * (1.0 - x2 / 3.0 + x2 * x2 / 10.0 - x2 * x2 * x2 / 42.0 + x2 * x2 * x2 * x2 / 216.0); }
  return 1.0 - erfcF(x);
}
fn tanhF(x: f32) -> f32 { if (isNanF(x)) { return x; } return tanh(clamp(x, -20.0, 20.0)); }
fn signF(x: f32) -> f32 { if (x > 0.0) { return 1.0; } if (x < 0.0) { return -1.0; } return 0.0 * x; }
fn powF(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (isNanF(a) || isNanF(b)) { return nanF(); }
  if (a == 0.0) { return select(infF(), 0.0, b > 0.0); }
  if (a < 0.0) {
    if (trunc(b) != b) { return nanF(); }
    let m = pow(-a, b);
    let odd = abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
    return select(m, -m, odd);
  }
  return pow(a, b);
}
fn maxF(a: f32, b: f32) -> f32 { if (isNanF(a) || isNanF(b)) { return nanF(); } return select(b, a, a > b); }
fn minF(a: f32, b: f32) -> f32 { if (isNanF(a) || isNanF(b)) { return nanF(); } return select(b, a, a < b); }
fn powI(a: i32, b: i32) -> i32 { var r = 1i; var base = a; var e = b; if (e < 0) { return select(0i, select(-1i, 1i, (e & 1) == 0), a == -1) + select(0i, 1i, a == 1); }
  loop { if (e == 0) { break; } if ((e & 1) == 1) { r = r * base; } base = base * base; e = e >> 1u; } return r; }
fn remI(a: i32, b: i32) -> i32 { if (b == 0) { return 0; } let r = a % b; return select(r, r + b, r != 0 && ((r < 0) != (b < 0))); }
fn fdivI(a: i32, b: i32) -> i32 { if (b == 0) { return 0; } let q = a / b; return select(q, q - 1, (a % b != 0) && ((a < 0) != (b < 0))); }
`;

const F32_UNARY: Record<Exclude<UnaryOp, 'bitwiseNot' | 'logicalNot' | 'isnan' | 'isinf' | 'isfinite'>, (x: string) => string> = {
  neg: (x) => `-${x}`,
  abs: (x) => `abs(${x})`,
  sign: (x) => `signF(${x})`,
  exp: (x) => `exp(${x})`,
  exp2: (x) => `exp2(${x})`,
  expm1: (x) => `select(exp(${x}) - 1.0, ${x} + 0.5 * ${x} * ${x}, abs(${x}) < 1e-4)`,
  log: (x) => `logF(${x})`,
  log2: (x) => `logF(${x}) * 1.4426950408889634`,
  log10: (x) => `logF(${x}) * 0.4342944819032518`,
  log1p: (x) => `select(logF(1.0 + ${x}), ${x} - 0.5 * ${x} * ${x}, abs(${x}) < 1e-4)`,
  sqrt: (x) => `sqrtF(${x})`,
  rsqrt: (x) => `1.0 / sqrtF(${x})`,
  sin: (x) => `sin(${x})`,
  cos: (x) => `cos(${x})`,
  tan: (x) => `tan(${x})`,
  asin: (x) => `select(nanF(), atan2(${x}, sqrt(max(1.0 - ${x} * ${x}, 0.0))), inUnit(${x}))`,
  acos: (x) => `select(nanF(), atan2(sqrt(max(1.0 - ${x} * ${x}, 0.0)), ${x}), inUnit(${x}))`,
  atan: (x) => `atan(${x})`,
  sinh: (x) => `sinh(${x})`,
  cosh: (x) => `cosh(${x})`,
  tanh: (x) => `tanhF(${x})`,
  asinh: (x) => `signF(${x}) * logF(abs(${x}) + sqrt(${x} * ${x} + 1.0))`,
  acosh: (x) => `select(nanF(), logF(${x} + sqrt(${x} * ${x} - 1.0)), ${x} >= 1.0)`,
  atanh: (x) => `select(nanF(), 0.5 * logF((1.0 + ${x}) / (1.0 - ${x})), inUnit(${x}))`,
  sigmoid: (x) => `1.0 / (1.0 + exp(-${x}))`,
  relu: (x) => `select(${x}, 0.0, ${x} < 0.0)`,
  floor: (x) => `floor(${x})`,
  ceil: (x) => `ceil(${x})`,
  round: (x) => `round(${x})`,
  trunc: (x) => `trunc(${x})`,
  frac: (x) => `${x} - trunc(${x})`,
  reciprocal: (x) => `1.0 / ${x}`,
  erf: (x) => `erfF(${x})`,
  erfc: (x) => `erfcF(${x})`,
  square: (x) => `${x} * ${x}`,
};

const INT_UNARY: Partial<Record<UnaryOp, (x: string) => string>> = {
  neg: (x) => `-${x}`,
  abs: (x) => `abs(${x})`,
  sign: (x) => `sign(${x})`,
  square: (x) => `${x} * ${x}`,
  relu: (x) => `max(${x}, 0i)`,
  bitwiseNot: (x) => `~${x}`,
};

const PREDICATES: Partial<Record<UnaryOp, (x: string, t: string) => string>> = {
  logicalNot: (x, t) => `${x} == ${t}(0)`,
  isnan: (x, t) => (t === 'f32' ? `isNanF(${x})` : 'false'),
  isinf: (x, t) => (t === 'f32' ? `isInfF(${x})` : 'false'),
  isfinite: (x, t) => (t === 'f32' ? `!(isNanF(${x}) || isInfF(${x}))` : 'true'),
};

export function unary(k: KernelHost, op: UnaryOp, x: StridedView, outDtype: DType): WebGPUStorage {
  const pred = PREDICATES[op];
  if (pred) {
    const t = wgslType(mathDtype(x.dtype));
    return mapKernel(k, {
      shape: x.shape, inputs: [{ v: x, dtype: x.dtype }], fns: MATH_FNS,
      expr: ([a]) => ({ code: `select(0u, 1u, ${pred(a, t)})`, dtype: 'bool' }), out: { dtype: outDtype },
    })!;
  }
  const compute = mathDtype(outDtype);
  const t = wgslType(compute);
  let expr: (a: string) => string;
  if (t === 'f32') expr = F32_UNARY[op as keyof typeof F32_UNARY];
  else if (compute === 'bool') expr = op === 'bitwiseNot' ? (a) => `1u - ${a}` : (a) => a;
  else if (t === 'u32') {
    const f = INT_UNARY[op];
    expr = f ? (a) => `(u32(${f(`i32(${a})`)}) & 255u)` : (a) => a;
  } else expr = INT_UNARY[op]!;
  if (!expr) throw new TypeError(`webgpu: no ${op} kernel for ${compute}`);
  return mapKernel(k, {
    shape: x.shape, inputs: [{ v: x, dtype: compute }], fns: MATH_FNS,
    expr: ([a]) => ({ code: expr(a), dtype: compute }), out: { dtype: outDtype },
  })!;
}

// ---------------------------------------------------------------- binary

type B = (a: string, b: string) => string;
const CMP: Partial<Record<BinaryOp, string>> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

const F32_BINARY: Partial<Record<BinaryOp, B>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b) => `powF(${a}, ${b})`,
  maximum: (a, b) => `maxF(${a}, ${b})`,
  minimum: (a, b) => `minF(${a}, ${b})`,
  atan2: (a, b) => `atan2(${a}, ${b})`,
  fmod: (a, b) => `${a} - ${b} * trunc(${a} / ${b})`,
  remainder: (a, b) => `${a} - ${b} * floor(${a} / ${b})`,
  floorDivide: (a, b) => `floor(${a} / ${b})`,
};

const I32_BINARY: Partial<Record<BinaryOp, B>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `select(0i, ${a} / ${b}, ${b} != 0i)`,
  pow: (a, b) => `powI(${a}, ${b})`,
  maximum: (a, b) => `max(${a}, ${b})`,
  minimum: (a, b) => `min(${a}, ${b})`,
  fmod: (a, b) => `select(0i, ${a} % ${b}, ${b} != 0i)`,
  remainder: (a, b) => `remI(${a}, ${b})`,
  floorDivide: (a, b) => `fdivI(${a}, ${b})`,
  bitwiseAnd: (a, b) => `${a} & ${b}`,
  bitwiseOr: (a, b) => `${a} | ${b}`,
  bitwiseXor: (a, b) => `${a} ^ ${b}`,
};

const LOGICAL: Partial<Record<BinaryOp, string>> = { logicalAnd: '&&', logicalOr: '||', logicalXor: '!=' };

/** `a op b` in `computeDtype`; either side may be a host scalar. */
export function binary(k: KernelHost, op: BinaryOp, a: Operand, b: Operand, computeDtype: DType, outDtype: DType): WebGPUStorage {
  const shape = (typeof a === 'number' ? (b as StridedView) : a).shape;
  if (computeDtype === 'float64' || computeDtype === 'float16') computeDtype = 'float32';
  const t = wgslType(computeDtype);
  const z = `${t}(0)`;
  let expr: (x: string, y: string) => Expr;
  const cmp = CMP[op];
  const logical = LOGICAL[op];
  if (cmp) expr = (x, y) => ({ code: `select(0u, 1u, ${x} ${cmp} ${y})`, dtype: 'bool' });
  else if (logical) expr = (x, y) => ({ code: `select(0u, 1u, (${x} != ${z}) ${logical} (${y} != ${z}))`, dtype: 'bool' });
  else if (t === 'f32') {
    const f = F32_BINARY[op];
    if (!f) throw new TypeError(`webgpu: ${op} is not defined for ${computeDtype}`);
    expr = (x, y) => ({ code: f(x, y), dtype: computeDtype });
  } else {
    // Integer kernels run in i32; uint8 wraps at 8 bits, bool keeps 0/1.
    const f = I32_BINARY[op];
    if (!f) throw new TypeError(`webgpu: ${op} is not defined for ${computeDtype}`);
    if (t === 'i32') expr = (x, y) => ({ code: f(x, y), dtype: computeDtype });
    else expr = (x, y) => ({ code: `u32(${f(`i32(${x})`, `i32(${y})`)})`, dtype: computeDtype === 'bool' ? 'int32' : 'uint8' });
  }
  const fix = (r: Expr): Expr => (r.dtype === 'uint8' ? { code: `(${r.code} & 255u)`, dtype: 'uint8' } : r.dtype === 'int32' && t === 'u32' ? { code: `i32(${r.code})`, dtype: 'int32' } : r);
  return mapKernel(k, {
    shape, inputs: [{ v: a, dtype: computeDtype }, { v: b, dtype: computeDtype }], fns: MATH_FNS,
    expr: ([x, y]) => fix(expr(x, y)), out: { dtype: outDtype },
  })!;
}

export function where(k: KernelHost, cond: StridedView, a: Operand, b: Operand, outDtype: DType): WebGPUStorage {
  return mapKernel(k, {
    shape: cond.shape, inputs: [{ v: cond, dtype: 'bool' }, { v: a, dtype: outDtype }, { v: b, dtype: outDtype }],
    expr: ([c, x, y]) => ({ code: `select(${y}, ${x}, ${c} != 0u)`, dtype: outDtype }), out: { dtype: outDtype },
  })!;
}

export function clamp(k: KernelHost, x: StridedView, lo: number | null, hi: number | null, outDtype: DType): WebGPUStorage {
  const t = wgslType(mathDtype(outDtype));
  const inputs: { v: Operand; dtype: DType }[] = [{ v: x, dtype: outDtype }];
  if (lo !== null) inputs.push({ v: lo, dtype: outDtype });
  if (hi !== null) inputs.push({ v: hi, dtype: outDtype });
  return mapKernel(k, {
    shape: x.shape, inputs, fns: MATH_FNS,
    expr: (args) => {
      let e = args[0];
      let j = 1;
      if (lo !== null) e = t === 'f32' ? `select(max(${e}, ${args[j]}), ${e}, isNanF(${e}))` : `max(${e}, ${args[j]})`, j++;
      if (hi !== null) e = t === 'f32' ? `select(min(${e}, ${args[j]}), ${e}, isNanF(${e}))` : `min(${e}, ${args[j]})`;
      return { code: e, dtype: outDtype };
    },
    out: { dtype: outDtype },
  })!;
}

export function copy(k: KernelHost, x: StridedView, dtype: DType): WebGPUStorage {
  return mapKernel(k, { shape: x.shape, inputs: [{ v: x, dtype: x.dtype }], expr: ([a]) => ({ code: a, dtype: x.dtype }), out: { dtype } })!;
}

export function copyInto(k: KernelHost, dst: StridedView, src: StridedView): void {
  // A source aliasing the destination is read from a snapshot: one dispatch cannot read and write one buffer.
  let s = src;
  if (src.storage === dst.storage) {
    const snap = copy(k, src, src.dtype);
    s = { storage: snap, dtype: src.dtype, shape: src.shape, strides: contiguous(src.shape), offset: 0 };
  }
  mapKernel(k, { shape: dst.shape, inputs: [{ v: s, dtype: s.dtype }], expr: ([a]) => ({ code: a, dtype: s.dtype }), out: { dtype: dst.dtype, into: dst } });
  if (s !== src) s.storage.backend.dispose(s.storage);
}

export function fill(k: KernelHost, dst: StridedView, value: number): void {
  const dt: DType = dst.dtype === 'bool' ? 'bool' : dst.dtype;
  mapKernel(k, { shape: dst.shape, inputs: [{ v: value, dtype: dt }], expr: ([a]) => ({ code: a, dtype: dt }), out: { dtype: dst.dtype, into: dst } });
}

/** `start + i * step` for i < n (the spine's `arange` kernel). */
export function arange(k: KernelHost, dtype: DType, start: number, step: number, n: number): WebGPUStorage {
  const t = wgslType(mathDtype(dtype));
  return mapKernel(k, {
    shape: [n], inputs: [{ v: start, dtype }, { v: step, dtype }],
    expr: ([s, d]) => ({ code: `${s} + ${t}(i) * ${d}`, dtype }), out: { dtype },
  })!;
}
