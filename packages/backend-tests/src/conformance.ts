import {
  type Backend, type BinaryOp, type Conv2dAttrs, type DType, type Pool2dAttrs, type ReduceOp, type Storage, type StridedView,
  type TypedArray, type UnaryOp, Generator, arrayType, contiguousStrides, hasOp,
} from '@flambeau/tensor';

/** The slice of a test framework the suite needs (vitest's and jest's `describe`/`it`/`expect` fit). */
export interface ConformanceApi {
  describe(name: string, fn: () => void): void;
  it: ((name: string, fn: () => unknown) => void) & { skip?: (name: string, fn: () => unknown) => void };
  expect(actual: unknown, message?: string): { toEqual(expected: unknown): void; toBe(expected: unknown): void };
}

/**
 * Runs the backend contract's conformance suite: every kernel of `Backend` on contiguous,
 * strided (transposed, stepped, offset) and broadcast (zero-stride) views, against expected values
 * that come from PyTorch 1.13 (the literal tables below) or from small reference loops written here
 * independently of any backend. Case names are stable (`unary/exp`, `matmul/batched`, …) so a
 * backend can list the ones it cannot pass in `skips`, each with its reason.
 *
 * Conv and pool kernels are checked only once an op named `conv2d` is defined.
 *
 * @example
 * // packages/backend-webgpu/test/conformance.test.ts
 * import { describe, it, expect } from 'vitest';
 * import { runBackendConformance } from '@flambeau/backend-tests';
 * runBackendConformance(webgpu, { describe, it, expect }, { 'matmul/int32': 'no integer matmul shader' });
 */
export function runBackendConformance(backend: Backend, t: ConformanceApi, skips: Record<string, string> = {}): void {
  new Suite(backend, t, skips).run();
}

// Expected values computed by PyTorch 1.13 (float32 results unless noted).
const UNARY_X = [-2.5, -1, -0.25, 0, 0.5, 0.75, 2, 3.5];
const UNARY_F32: Record<Exclude<UnaryOp, 'bitwiseNot'>, number[]> = {
  neg: [2.5, 1, 0.25, 0, -0.5, -0.75, -2, -3.5],
  abs: [2.5, 1, 0.25, 0, 0.5, 0.75, 2, 3.5],
  sign: [-1, -1, -1, 0, 1, 1, 1, 1],
  exp: [0.08208499848842621, 0.3678794503211975, 0.7788007855415344, 1, 1.6487212181091309, 2.117000102996826, 7.389056205749512, 33.11545181274414],
  exp2: [0.1767766922712326, 0.5, 0.8408964276313782, 1, 1.4142135381698608, 1.6817928552627563, 4, 11.313708305358887],
  expm1: [-0.9179149866104126, -0.6321205496788025, -0.22119921445846558, 0, 0.6487212777137756, 1.1169999837875366, 6.389056205749512, 32.11545181274414],
  log: [NaN, NaN, NaN, -Infinity, -0.6931471824645996, -0.28768208622932434, 0.6931471824645996, 1.2527629137039185],
  log2: [NaN, NaN, NaN, -Infinity, -1, -0.41503751277923584, 1, 1.8073549270629883],
  log10: [NaN, NaN, NaN, -Infinity, -0.3010300099849701, -0.1249387338757515, 0.3010300099849701, 0.5440680384635925],
  log1p: [NaN, -Infinity, -0.28768208622932434, 0, 0.40546509623527527, 0.5596157908439636, 1.0986123085021973, 1.504077434539795],
  sqrt: [NaN, NaN, NaN, 0, 0.7071067690849304, 0.8660253882408142, 1.4142135381698608, 1.8708287477493286],
  rsqrt: [NaN, NaN, NaN, Infinity, 1.4142135381698608, 1.154700517654419, 0.7071067690849304, 0.5345224738121033],
  sin: [-0.5984721183776855, -0.8414709568023682, -0.24740396440029144, 0, 0.4794255495071411, 0.681638777256012, 0.9092974066734314, -0.35078322887420654],
  cos: [-0.8011435866355896, 0.5403023362159729, 0.9689124226570129, 1, 0.8775825500488281, 0.7316888570785522, -0.416146844625473, -0.9364566802978516],
  tan: [0.7470223307609558, -1.5574077367782593, -0.25534191727638245, 0, 0.5463024973869324, 0.9315964579582214, -2.185039758682251, 0.3745856285095215],
  asin: [NaN, -1.5707963705062866, -0.252680242061615, 0, 0.5235987901687622, 0.8480620980262756, NaN, NaN],
  acos: [NaN, 3.1415927410125732, 1.8234765529632568, 1.5707963705062866, 1.0471975803375244, 0.722734272480011, NaN, NaN],
  atan: [-1.1902899742126465, -0.7853981256484985, -0.244978666305542, 0, 0.46364760398864746, 0.6435011029243469, 1.1071487665176392, 1.292496681213379],
  sinh: [-6.050204753875732, -1.175201177597046, -0.25261232256889343, 0, 0.5210952758789062, 0.8223167061805725, 3.6268603801727295, 16.542627334594727],
  cosh: [6.132289409637451, 1.5430805683135986, 1.0314130783081055, 1, 1.1276259422302246, 1.2946833372116089, 3.7621958255767822, 16.572824478149414],
  tanh: [-0.9866142868995667, -0.7615941762924194, -0.24491865932941437, 0, 0.46211716532707214, 0.6351489424705505, 0.9640275835990906, 0.9981778860092163],
  asinh: [-1.6472312211990356, -0.8813735842704773, -0.24746647477149963, 0, 0.4812118411064148, 0.6931471824645996, 1.4436354637145996, 1.965720534324646],
  acosh: [NaN, NaN, NaN, NaN, NaN, NaN, 1.316957950592041, 1.9248473644256592],
  atanh: [NaN, -Infinity, -0.2554128170013428, 0, 0.5493061542510986, 0.9729551076889038, NaN, NaN],
  sigmoid: [0.07585817575454712, 0.2689414322376251, 0.43782350420951843, 0.5, 0.622459352016449, 0.6791787147521973, 0.8807970285415649, 0.970687747001648],
  relu: [0, 0, 0, 0, 0.5, 0.75, 2, 3.5],
  floor: [-3, -1, -1, 0, 0, 0, 2, 3],
  ceil: [-2, -1, 0, 0, 1, 1, 2, 4],
  round: [-2, -1, 0, 0, 0, 1, 2, 4],
  trunc: [-2, -1, 0, 0, 0, 0, 2, 3],
  frac: [-0.5, 0, -0.25, 0, 0.5, 0.75, 0, 0.5],
  reciprocal: [-0.4000000059604645, -1, -4, Infinity, 2, 1.3333333730697632, 0.5, 0.2857142984867096],
  erf: [-0.9995930194854736, -0.8427007794380188, -0.27632638812065125, 0, 0.5204998850822449, 0.7111556529998779, 0.9953222870826721, 0.9999992847442627],
  erfc: [1.9995930194854736, 1.8427008390426636, 1.2763264179229736, 1, 0.4795001149177551, 0.28884437680244446, 0.004677735269069672, 7.430983828271565e-07],
  logicalNot: [0, 0, 0, 1, 0, 0, 0, 0],
  isnan: [0, 0, 0, 0, 0, 0, 0, 0],
  isinf: [0, 0, 0, 0, 0, 0, 0, 0],
  isfinite: [1, 1, 1, 1, 1, 1, 1, 1],
  square: [6.25, 1, 0.0625, 0, 0.25, 0.5625, 4, 12.25],
};
const BIN_A = [-7.5, -3, -0.5, 0, 1.25, 2, 5, 6.5];
const BIN_B = [2, -2, 0.75, -1.5, 3, 0.5, -4, 2.5];
const BINARY_F32: Record<Exclude<BinaryOp, 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor'>, number[]> = {
  add: [-5.5, -5, 0.25, -1.5, 4.25, 2.5, 1, 9],
  sub: [-9.5, -1, -1.25, 1.5, -1.75, 1.5, 9, 4],
  mul: [-15, 6, -0.375, 0, 3.75, 1, -20, 16.25],
  div: [-3.75, 1.5, -0.6666666865348816, 0, 0.4166666567325592, 4, -1.25, 2.5999999046325684],
  pow: [56.25, 0.1111111119389534, NaN, Infinity, 1.953125, 1.4142135381698608, 0.0015999999595806003, 107.71678924560547],
  maximum: [2, -2, 0.75, 0, 3, 2, 5, 6.5],
  minimum: [-7.5, -3, -0.5, -1.5, 1.25, 0.5, -4, 2.5],
  atan2: [-1.3101938962936401, -2.158798933029175, -0.588002622127533, 3.1415927410125732, 0.3947910964488983, 1.3258177042007446, 2.245537281036377, 1.2036224603652954],
  fmod: [-1.5, -1, -0.5, 0, 1.25, 0, 1, 1.5],
  remainder: [0.5, -1, 0.25, 0, 1.25, 0, -3, 1.5],
  floorDivide: [-4, 1, -1, 0, 0, 4, -2, 2],
  eq: [0, 0, 0, 0, 0, 0, 0, 0],
  ne: [1, 1, 1, 1, 1, 1, 1, 1],
  lt: [1, 1, 1, 0, 1, 0, 0, 0],
  le: [1, 1, 1, 0, 1, 0, 0, 0],
  gt: [0, 0, 0, 1, 0, 1, 1, 1],
  ge: [0, 0, 0, 1, 0, 1, 1, 1],
  logicalAnd: [1, 1, 1, 0, 1, 1, 1, 1],
  logicalOr: [1, 1, 1, 1, 1, 1, 1, 1],
  logicalXor: [0, 0, 0, 1, 0, 0, 0, 0],
};
const INT_A = [-7, -3, 0, 1, 2, 5, 6, 12];
const INT_B = [2, -2, 3, -1, 3, 4, -4, 5];
const INT_POW_B = [2, 3, 0, 1, 2, 1, 3, 0];
const BINARY_I32: Partial<Record<BinaryOp, number[]>> = {
  add: [-5, -5, 3, 0, 5, 9, 2, 17],
  sub: [-9, -1, -3, 2, -1, 1, 10, 7],
  mul: [-14, 6, 0, -1, 6, 20, -24, 60],
  pow: [49, -27, 1, 1, 4, 5, 216, 1],
  maximum: [2, -2, 3, 1, 3, 5, 6, 12],
  minimum: [-7, -3, 0, -1, 2, 4, -4, 5],
  fmod: [-1, -1, 0, 0, 2, 1, 2, 2],
  remainder: [1, -1, 0, 0, 2, 1, -2, 2],
  floorDivide: [-4, 1, 0, -1, 0, 1, -2, 2],
  eq: [0, 0, 0, 0, 0, 0, 0, 0],
  ne: [1, 1, 1, 1, 1, 1, 1, 1],
  lt: [1, 1, 1, 0, 1, 0, 0, 0],
  le: [1, 1, 1, 0, 1, 0, 0, 0],
  gt: [0, 0, 0, 1, 0, 1, 1, 1],
  ge: [0, 0, 0, 1, 0, 1, 1, 1],
  logicalAnd: [1, 1, 0, 1, 1, 1, 1, 1],
  logicalOr: [1, 1, 1, 1, 1, 1, 1, 1],
  logicalXor: [0, 0, 1, 0, 0, 0, 0, 0],
  bitwiseAnd: [0, -4, 0, 1, 2, 4, 4, 4],
  bitwiseOr: [-5, -1, 3, -1, 3, 5, -2, 13],
  bitwiseXor: [-5, 3, 3, -2, 1, 1, -6, 9],
};

type V = StridedView;

function closeTo(got: number, want: number, dtype: DType): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  if (dtype === 'float32') return Math.abs(got - want) <= 1e-6 + 1e-5 * Math.abs(want);
  if (dtype === 'float64') return Math.abs(got - want) <= 1e-12 + 1e-12 * Math.abs(want);
  return got === want;
}

/** Deterministic test values: small, distinct, with negatives and fractions exact in float32. */
function seq(n: number, scale = 0.25, shift = 0): number[] {
  return Array.from({ length: n }, (_, i) => (((i * 7 + 3) % 17) - 8) * scale + shift);
}

const FLOAT_UNARY_OUT = new Set<UnaryOp>(['logicalNot', 'isnan', 'isinf', 'isfinite']);

class Suite {
  constructor(private readonly b: Backend, private readonly t: ConformanceApi, private readonly skips: Record<string, string>) {}

  private case(name: string, fn: () => Promise<void> | void): void {
    const reason = this.skips[name];
    if (reason === undefined) this.t.it(name, fn);
    else if (this.t.it.skip) this.t.it.skip(`${name} (skipped: ${reason})`, fn);
  }

  private store(values: readonly number[], dtype: DType): Storage {
    return this.b.fromArray(new (arrayType(dtype))(values as number[]), dtype);
  }

  /** A view with explicit geometry; `strides` default to contiguous. */
  private view(s: Storage, shape: readonly number[], strides?: readonly number[], offset = 0): V {
    return { storage: s, dtype: s.dtype, shape, strides: strides ?? contiguousStrides(shape), offset };
  }

  /** A non-contiguous view holding `values` in row-major order: the transpose of a stored transpose. */
  private transposed(values: readonly number[], rows: number, cols: number, dtype: DType): V {
    const stored = new Array<number>(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) stored[j * rows + i] = values[i * cols + j];
    return this.view(this.store(stored, dtype), [rows, cols], [1, rows]);
  }

  /** A 1-D view with stride 2 and offset 1 over a padded storage. */
  private stepped(values: readonly number[], dtype: DType): V {
    const stored = new Array<number>(values.length * 2 + 1).fill(0);
    values.forEach((v, i) => { stored[1 + 2 * i] = v; });
    return this.view(this.store(stored, dtype), [values.length], [2], 1);
  }

  private async read(s: Storage): Promise<TypedArray> {
    return this.b.read(s);
  }

  private async check(s: Storage, want: readonly number[], dtype: DType, what = 'values'): Promise<void> {
    const { expect } = this.t;
    expect(s.dtype, `${what}: dtype`).toBe(dtype);
    const got = await this.read(s);
    expect(got instanceof arrayType(dtype), `${what}: typed array type`).toBe(true);
    expect(got.length, `${what}: length`).toBe(want.length);
    const bad: string[] = [];
    want.forEach((w, i) => { if (!closeTo(got[i], w, dtype)) bad.push(`[${i}] got ${got[i]}, want ${w}`); });
    expect(bad.slice(0, 8), `${what}: ${bad.length} of ${want.length} differ`).toEqual([]);
  }

  run(): void {
    const { describe } = this.t;
    describe(`backend '${this.b.name}' conformance: storage`, () => this.storage());
    describe(`backend '${this.b.name}' conformance: elementwise`, () => this.elementwise());
    describe(`backend '${this.b.name}' conformance: reductions`, () => this.reductions());
    describe(`backend '${this.b.name}' conformance: matmul`, () => this.matmul());
    describe(`backend '${this.b.name}' conformance: indexing`, () => this.indexing());
    describe(`backend '${this.b.name}' conformance: random`, () => this.random());
    if (hasOp('conv2d')) describe(`backend '${this.b.name}' conformance: conv and pool`, () => this.convPool());
  }

  // ------------------------------------------------------------------ storage

  private storage(): void {
    const b = this.b;
    this.case('storage/alloc', async () => {
      const s = b.alloc('float32', 5);
      this.t.expect(s.size).toBe(5);
      this.t.expect(s.dtype).toBe('float32');
      this.t.expect(s.backend).toBe(b);
      this.t.expect((await this.read(s)).length).toBe(5);
    });
    // float16 is optional per device (webgpu needs shader-f16); its tests live with each backend.
    const samples: Partial<Record<DType, number[]>> = {
      float32: [-1.5, 0, 3.25, 1e-3], float64: [-1.5, 0.1, 1e300, -(2 ** -40)], int32: [-2147483648, -1, 0, 2147483647],
      int64: [-(2 ** 53) + 1, -1, 0, 2 ** 40 + 3], bool: [1, 0, 0, 1], uint8: [0, 1, 128, 255],
    };
    for (const [dtype, vals] of Object.entries(samples) as [DType, number[]][]) {
      this.case(`storage/fromArray-read/${dtype}`, async () => {
        const s = this.store(vals, dtype);
        this.t.expect(s.size).toBe(vals.length);
        await this.check(s, dtype === 'float32' ? vals.map(Math.fround) : vals, dtype);
      });
    }
    this.case('storage/readSync', () => {
      if (!b.readSync) return;
      const got = b.readSync(this.store([1, 2, 3], 'int32'));
      this.t.expect(Array.from(got)).toEqual([1, 2, 3]);
    });
    this.case('copy/transposed', async () => {
      await this.check(b.copy(this.transposed(seq(6), 2, 3, 'float32'), 'float32'), seq(6), 'float32');
    });
    this.case('copy/stepped-offset', async () => {
      await this.check(b.copy(this.stepped([5, -6, 7], 'int64'), 'int64'), [5, -6, 7], 'int64');
    });
    this.case('copy/expanded', async () => {
      const v = this.view(this.store([1.5, -2.5], 'float32'), [3, 2], [0, 1]);
      await this.check(b.copy(v, 'float32'), [1.5, -2.5, 1.5, -2.5, 1.5, -2.5], 'float32');
    });
    const casts: [DType, DType, number[], number[]][] = [
      ['float32', 'int32', [-2.75, -0.5, 0.5, 3.99], [-2, 0, 0, 3]],
      ['float64', 'int64', [-2.75, 2 ** 40 + 0.5, 7.5, -0.25], [-2, 2 ** 40, 7, 0]],
      ['float32', 'bool', [-2, 0, 0.5, NaN], [1, 0, 1, 1]],
      ['int64', 'float32', [-3, 0, 16777217, 5], [-3, 0, 16777216, 5]],
      ['bool', 'float64', [1, 0, 1, 1], [1, 0, 1, 1]],
      ['float32', 'uint8', [0, 1.5, 200.75, 255], [0, 1, 200, 255]],
      ['int32', 'float64', [-7, 0, 3, 2147483647], [-7, 0, 3, 2147483647]],
    ];
    for (const [from, to, vals, want] of casts) {
      this.case(`copy/cast/${from}-${to}`, async () => {
        await this.check(b.copy(this.view(this.store(vals, from), [vals.length]), to), want, to);
      });
    }
    this.case('copyInto/strided-broadcast-cast', async () => {
      // dst: the transpose of a 3×4 float32 storage; src: an int32 row broadcast over its 4 rows.
      const s = this.store(new Array(12).fill(0), 'float32');
      const dst = this.view(s, [4, 3], [1, 4]);
      const src = this.view(this.store([7, -8, 9], 'int32'), [4, 3], [0, 1]);
      b.copyInto(dst, src);
      const want = new Array<number>(12);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) want[j * 4 + i] = [7, -8, 9][j];
      await this.check(s, want, 'float32');
    });
    this.case('copyInto/offset-window', async () => {
      const s = this.store(seq(10), 'float64');
      b.copyInto(this.view(s, [3], [2], 3), this.view(this.store([100, 200, 300], 'float64'), [3]));
      const want = seq(10);
      want[3] = 100; want[5] = 200; want[7] = 300;
      await this.check(s, want, 'float64');
    });
    const fills: [DType, number, number][] = [['float32', 2.5, 2.5], ['int32', 7, 7], ['bool', 3, 1], ['int64', -(2 ** 40), -(2 ** 40)], ['uint8', 200, 200]];
    for (const [dtype, value, stored] of fills) {
      this.case(`fill/${dtype}`, async () => {
        const s = this.store([0, 0, 0, 0, 0, 0], dtype);
        b.fill(this.view(s, [2], [3], 1), value);
        await this.check(s, [0, stored, 0, 0, stored, 0], dtype);
      });
    }
  }

  // ------------------------------------------------------------------ elementwise

  private elementwise(): void {
    const b = this.b;
    for (const [op, want] of Object.entries(UNARY_F32) as [UnaryOp, number[]][]) {
      this.case(`unary/${op}`, async () => {
        const out = FLOAT_UNARY_OUT.has(op) ? 'bool' : 'float32';
        await this.check(b.unary(op, this.stepped(UNARY_X, 'float32'), out), want, out);
      });
    }
    const ints = INT_A;
    const intUnary: [UnaryOp, (x: number) => number][] = [
      ['neg', (x) => -x], ['abs', Math.abs], ['sign', Math.sign], ['square', (x) => x * x], ['relu', (x) => Math.max(x, 0)],
      ['bitwiseNot', (x) => ~x],
    ];
    for (const [op, f] of intUnary) {
      this.case(`unary/int32/${op}`, async () => {
        await this.check(b.unary(op, this.stepped(ints, 'int32'), 'int32'), ints.map(f), 'int32');
      });
    }
    this.case('unary/int32-to-float32', async () => {
      await this.check(b.unary('exp', this.view(this.store([0, 1, -1], 'int32'), [3]), 'float32'), [1, Math.fround(Math.E), Math.fround(1 / Math.E)], 'float32');
    });
    const boolOut = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);
    for (const [op, want] of Object.entries(BINARY_F32) as [BinaryOp, number[]][]) {
      this.case(`binary/float32/${op}`, async () => {
        const out = boolOut.has(op) ? 'bool' : 'float32';
        const a = this.view(this.store(BIN_A, 'float32'), [8]);
        await this.check(b.binary(op, a, this.stepped(BIN_B, 'float32'), 'float32', out), want, out);
      });
    }
    for (const [op, want] of Object.entries(BINARY_I32) as [BinaryOp, number[]][]) {
      this.case(`binary/int32/${op}`, async () => {
        const out = boolOut.has(op) ? 'bool' : 'int32';
        const a = this.stepped(INT_A, 'int32');
        const bv = this.view(this.store(op === 'pow' ? INT_POW_B : INT_B, 'int32'), [8]);
        await this.check(b.binary(op, a, bv, 'int32', out), want, out);
      });
    }
    this.case('binary/int64-exact', async () => {
      const a = this.view(this.store([123456789, 2 ** 52, -(2 ** 40), 7], 'int64'), [4]);
      const c = this.view(this.store([1000000, 1, 3, -3], 'int64'), [4]);
      await this.check(b.binary('mul', a, c, 'int64', 'int64'), [123456789000000, 2 ** 52, -3 * 2 ** 40, -21], 'int64');
      await this.check(b.binary('add', a, c, 'int64', 'int64'), [124456789, 2 ** 52 + 1, -(2 ** 40) + 3, 4], 'int64');
      await this.check(b.binary('floorDivide', a, c, 'int64', 'int64'), [123, 2 ** 52, Math.floor(-(2 ** 40) / 3), -3], 'int64');
    });
    this.case('binary/broadcast', async () => {
      // [2, 3] + [3] (row broadcast) and [2, 1] expanded along columns.
      const a = this.view(this.store(seq(6), 'float32'), [2, 3]);
      const row = this.view(this.store([10, 20, 30], 'float32'), [2, 3], [0, 1]);
      const col = this.view(this.store([100, 200], 'float32'), [2, 3], [1, 0]);
      const x = seq(6);
      await this.check(b.binary('add', a, row, 'float32', 'float32'), x.map((v, i) => v + [10, 20, 30][i % 3]), 'float32');
      await this.check(b.binary('sub', col, a, 'float32', 'float32'), x.map((v, i) => [100, 200][Math.floor(i / 3)] - v), 'float32');
    });
    this.case('binary/transposed-both', async () => {
      const x = seq(12), y = seq(12, 0.5, 1);
      const a = this.transposed(x, 3, 4, 'float32');
      const c = this.transposed(y, 3, 4, 'float32');
      await this.check(b.binary('mul', a, c, 'float32', 'float32'), x.map((v, i) => Math.fround(v * y[i])), 'float32');
    });
    this.case('binary/uint8-wraps', async () => {
      const a = this.view(this.store([250, 3, 128], 'uint8'), [3]);
      const c = this.view(this.store([10, 5, 2], 'uint8'), [3]);
      await this.check(b.binary('add', a, c, 'uint8', 'uint8'), [4, 8, 130], 'uint8');
      await this.check(b.binary('sub', c, a, 'uint8', 'uint8'), [16, 2, 130], 'uint8');
      await this.check(b.binary('mul', a, c, 'uint8', 'uint8'), [196, 15, 0], 'uint8');
    });
    // Scalar operands arrive as numbers (already in the compute dtype), on either side.
    this.case('binary/scalar-operand', async () => {
      const a = this.transposed([1, -2, 3, -4, 5, -6], 2, 3, 'float32');
      await this.check(b.binary('mul', a, 0.5, 'float32', 'float32'), [0.5, -1, 1.5, -2, 2.5, -3], 'float32');
      await this.check(b.binary('sub', 10, a, 'float32', 'float32'), [9, 12, 7, 14, 5, 16], 'float32');
      await this.check(b.binary('gt', a, 0, 'float32', 'bool'), [1, 0, 1, 0, 1, 0], 'bool');
      await this.check(b.binary('pow', this.stepped([2, 3, 4], 'int32'), 2, 'int32', 'int32'), [4, 9, 16], 'int32');
    });
    this.case('where/scalar-branches', async () => {
      const cond = this.view(this.store([1, 0, 1, 0], 'bool'), [2, 2], [1, 2]);
      const x = this.view(this.store([1.5, 2.5, 3.5, 4.5], 'float32'), [2, 2]);
      // cond reads the storage column-major: [[1, 1], [0, 0]].
      await this.check(b.where(cond, x, 0, 'float32'), [1.5, 2.5, 0, 0], 'float32');
      await this.check(b.where(cond, -1, x, 'float32'), [-1, -1, 3.5, 4.5], 'float32');
    });
    this.case('arange', async () => {
      await this.check(b.arange('int64', 3, -2, 4), [3, 1, -1, -3], 'int64');
      await this.check(b.arange('float32', 0, 0.1, 3), [0, 0.1, 0.2].map(Math.fround), 'float32');
    });
    this.case('nonzero/strided', async () => {
      const x = this.transposed([0, 2, 0, 3, 0, 0], 2, 3, 'float32');
      await this.check(b.nonzero(x), [0, 1, 1, 0], 'int64');
    });
    this.case('binary/empty', async () => {
      const e = this.view(this.store([], 'float32'), [0, 3]);
      await this.check(b.binary('add', e, e, 'float32', 'float32'), [], 'float32');
    });
    this.case('where', async () => {
      const cond = this.stepped([1, 0, 0, 1, 1, 0], 'bool');
      const c2 = this.view(cond.storage, [2, 3], [6, 2], 1);
      const a = this.view(this.store(seq(6), 'float32'), [2, 3]);
      const other = this.view(this.store([-1, -2, -3], 'float32'), [2, 3], [0, 1]);
      const x = seq(6);
      await this.check(b.where(c2, a, other, 'float32'), [x[0], -2, -3, x[3], x[4], -3], 'float32');
    });
    const clampX = [-3, -0.5, NaN, 0.25, 2, Infinity];
    const clamps: [string, number | null, number | null, number[]][] = [
      ['both', -1, 1, [-1, -0.5, NaN, 0.25, 1, 1]],
      ['min', -1, null, [-1, -0.5, NaN, 0.25, 2, Infinity]],
      ['max', null, 0, [-3, -0.5, NaN, 0, 0, 0]],
      ['lo-gt-hi', 2, -1, [-1, -1, NaN, -1, -1, -1]],
    ];
    for (const [nm, lo, hi, want] of clamps) {
      this.case(`clamp/${nm}`, async () => {
        await this.check(b.clamp(this.stepped(clampX, 'float32'), lo, hi, 'float32'), want, 'float32');
      });
    }
    this.case('clamp/int32', async () => {
      await this.check(b.clamp(this.stepped(INT_A, 'int32'), -2, 5, 'int32'), INT_A.map((v) => Math.min(Math.max(v, -2), 5)), 'int32');
    });
  }

  // ------------------------------------------------------------------ reductions

  private reductions(): void {
    const b = this.b;
    // x is [2, 3, 4] seen through a permutation of a stored [4, 2, 3] tensor.
    const shape = [2, 3, 4];
    const vals = seq(24, 0.5);
    vals[5] = 0;
    vals[17] = 0;
    const stored = new Array<number>(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) stored[k * 6 + i * 3 + j] = vals[i * 12 + j * 4 + k];
    const xv = () => this.view(this.store(stored, 'float32'), shape, [3, 1, 6]);
    const reduceRef = (op: ReduceOp, dims: number[]): number[] => {
      const keep = [0, 1, 2].filter((d) => !dims.includes(d));
      const outShape = keep.map((d) => shape[d]);
      const n = outShape.reduce((p, q) => p * q, 1);
      const acc: number[][] = Array.from({ length: n }, () => []);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
        const idx = [i, j, k];
        let o = 0;
        keep.forEach((d) => { o = o * shape[d] + idx[d]; });
        acc[o].push(vals[i * 12 + j * 4 + k]);
      }
      return acc.map((xs) => {
        switch (op) {
          case 'sum': return xs.reduce((p, q) => p + q, 0);
          case 'prod': return xs.reduce((p, q) => p * q, 1);
          case 'max': return Math.max(...xs);
          case 'min': return Math.min(...xs);
          case 'all': return xs.every((v) => v !== 0) ? 1 : 0;
          case 'any': return xs.some((v) => v !== 0) ? 1 : 0;
        }
      });
    };
    for (const op of ['sum', 'prod', 'max', 'min', 'all', 'any'] as ReduceOp[]) {
      for (const dims of [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]]) {
        this.case(`reduce/${op}/${dims.join('-')}`, async () => {
          const out = op === 'all' || op === 'any' ? 'bool' : 'float32';
          await this.check(b.reduce(op, xv(), dims, out), reduceRef(op, dims), out);
        });
      }
    }
    this.case('reduce/nan', async () => {
      const v = this.view(this.store([1, NaN, 3, 4, 5, -1], 'float32'), [2, 3]);
      await this.check(b.reduce('max', v, [1], 'float32'), [NaN, 5], 'float32');
      await this.check(b.reduce('min', v, [1], 'float32'), [NaN, -1], 'float32');
      await this.check(b.reduce('sum', v, [0], 'float32'), [5, NaN, 2], 'float32');
    });
    this.case('reduce/empty-dim', async () => {
      const v = this.view(this.store([], 'float32'), [2, 0]);
      await this.check(b.reduce('sum', v, [1], 'float32'), [0, 0], 'float32');
      await this.check(b.reduce('prod', v, [1], 'float32'), [1, 1], 'float32');
      await this.check(b.reduce('all', v, [1], 'bool'), [1, 1], 'bool');
      await this.check(b.reduce('any', v, [1], 'bool'), [0, 0], 'bool');
    });
    this.case('reduce/int64-exact', async () => {
      const v = this.view(this.store([2 ** 52, 1, 3, -5], 'int64'), [2, 2]);
      await this.check(b.reduce('sum', v, [1], 'int64'), [2 ** 52 + 1, -2], 'int64');
      await this.check(b.reduce('prod', v, [0, 1], 'int64'), [-15 * 2 ** 52], 'int64');
    });
    const ties = [1, 3, 3, 0, 2, 2, 1, 1, NaN, 5, NaN, 9];
    this.case('argReduce/ties-nan', async () => {
      const v = this.view(this.store(ties, 'float32'), [3, 4]);
      await this.check(b.argReduce('argmax', v, 1), [1, 0, 0], 'int64');
      await this.check(b.argReduce('argmin', v, 1), [3, 2, 0], 'int64');
    });
    this.case('argReduce/transposed', async () => {
      const v = this.transposed(ties, 3, 4, 'float32');
      await this.check(b.argReduce('argmax', v, 0), [2, 2, 2, 2], 'int64');
      await this.check(b.argReduce('argmin', this.transposed([4, 1, 1, 0, 7, 0], 2, 3, 'int32'), 0), [1, 0, 1], 'int64');
    });
    const cx = seq(12, 0.5, 0.25);
    const scan = (op: 'cumsum' | 'cumprod', dim: number): number[] => {
      const out = [...cx];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
        if (dim === 0 && i > 0) out[i * 4 + j] = op === 'cumsum' ? out[(i - 1) * 4 + j] + cx[i * 4 + j] : out[(i - 1) * 4 + j] * cx[i * 4 + j];
        if (dim === 1 && j > 0) out[i * 4 + j] = op === 'cumsum' ? out[i * 4 + j - 1] + cx[i * 4 + j] : out[i * 4 + j - 1] * cx[i * 4 + j];
      }
      return out;
    };
    for (const op of ['cumsum', 'cumprod'] as const) {
      for (const dim of [0, 1]) {
        this.case(`cumulative/${op}/${dim}`, async () => {
          await this.check(b.cumulative(op, this.transposed(cx, 3, 4, 'float32'), dim, 'float32'), scan(op, dim), 'float32');
        });
      }
    }
    this.case('cumulative/int32-to-int64', async () => {
      await this.check(b.cumulative('cumsum', this.stepped([2147483647, 1, -3], 'int32'), 0, 'int64'), [2147483647, 2147483648, 2147483645], 'int64');
    });
  }

  // ------------------------------------------------------------------ matmul

  private matmul(): void {
    const b = this.b;
    const ref = (A: number[], B: number[], nb: number, M: number, K: number, N: number, bBatch = true): number[] => {
      const out: number[] = [];
      for (let q = 0; q < nb; q++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[q * M * K + i * K + k] * B[(bBatch ? q * K * N : 0) + k * N + j];
        out.push(s);
      }
      return out;
    };
    this.case('matmul/2d', async () => {
      const A = seq(5 * 7), B = seq(7 * 3, 0.5, 0.125);
      const a = this.view(this.store(A, 'float32'), [1, 5, 7]);
      const c = this.view(this.store(B, 'float32'), [1, 7, 3]);
      await this.check(b.matmul(a, c, 'float32'), ref(A, B, 1, 5, 7, 3), 'float32');
    });
    this.case('matmul/batched-strided', async () => {
      // a: [2, 3, 4] contiguous; b: [2, 4, 5] as the transpose of a stored [2, 5, 4].
      const A = seq(24), B = seq(40, 0.25, 0.5);
      const stored = new Array<number>(40);
      for (let q = 0; q < 2; q++) for (let k = 0; k < 4; k++) for (let j = 0; j < 5; j++) stored[q * 20 + j * 4 + k] = B[q * 20 + k * 5 + j];
      const a = this.view(this.store(A, 'float32'), [2, 3, 4]);
      const c = this.view(this.store(stored, 'float32'), [2, 4, 5], [20, 1, 4]);
      await this.check(b.matmul(a, c, 'float32'), ref(A, B, 2, 3, 4, 5), 'float32');
    });
    this.case('matmul/broadcast-batch', async () => {
      // b's batch stride is 0: one [4, 2] matrix shared by three batches.
      const A = seq(3 * 2 * 4), B = seq(8, 0.5);
      const a = this.view(this.store(A, 'float32'), [3, 2, 4]);
      const c = this.view(this.store(B, 'float32'), [3, 4, 2], [0, 2, 1]);
      await this.check(b.matmul(a, c, 'float32'), ref(A, B, 3, 2, 4, 2, false), 'float32');
    });
    this.case('matmul/offset-stepped', async () => {
      // a: every other column of a stored [3, 8] starting at column 1 → [3, 4].
      const S = seq(24);
      const A: number[] = [];
      for (let i = 0; i < 3; i++) for (let k = 0; k < 4; k++) A.push(S[i * 8 + 1 + 2 * k]);
      const B = seq(8, 0.5, 0.25);
      const a = this.view(this.store(S, 'float32'), [1, 3, 4], [24, 8, 2], 1);
      const c = this.view(this.store(B, 'float32'), [1, 4, 2]);
      await this.check(b.matmul(a, c, 'float32'), ref(A, B, 1, 3, 4, 2), 'float32');
    });
    this.case('matmul/k-zero', async () => {
      const a = this.view(this.store([], 'float32'), [1, 2, 0]);
      const c = this.view(this.store([], 'float32'), [1, 0, 3]);
      await this.check(b.matmul(a, c, 'float32'), [0, 0, 0, 0, 0, 0], 'float32');
    });
    this.case('matmul/large-k', async () => {
      const M = 9, K = 300, N = 7;
      const A = Array.from({ length: M * K }, (_, i) => ((i % 13) + 1) / 16);
      const B = Array.from({ length: K * N }, (_, i) => ((i % 11) + 1) / 8);
      const a = this.view(this.store(A, 'float32'), [1, M, K]);
      const c = this.view(this.store(B, 'float32'), [1, K, N]);
      await this.check(b.matmul(a, c, 'float32'), ref(A, B, 1, M, K, N), 'float32');
    });
    this.case('matmul/int32', async () => {
      const A = [1, -2, 3, 4, 5, -6], B = [7, 8, -9, 10, 11, 12];
      const a = this.view(this.store(A, 'int32'), [1, 2, 3]);
      const c = this.view(this.store(B, 'int32'), [1, 3, 2]);
      await this.check(b.matmul(a, c, 'int32'), ref(A, B, 1, 2, 3, 2), 'int32');
    });
    this.case('matmul/float64', async () => {
      const A = seq(12, 0.1), B = seq(12, 0.3, 0.7);
      const a = this.view(this.store(A, 'float64'), [1, 3, 4]);
      const c = this.view(this.store(B, 'float64'), [1, 4, 3]);
      await this.check(b.matmul(a, c, 'float64'), ref(A, B, 1, 3, 4, 3), 'float64');
    });
  }

  // ------------------------------------------------------------------ indexing

  private random(): void {
    const b = this.b;
    // Any generator may be the device's own; what every backend must give is the distribution's
    // support, seeded reproducibility, and a strided destination filled in place.
    this.case('randomFill/uniform-range-and-seed', async () => {
      const draw = async () => {
        const s = b.alloc('float32', 12);
        const dst = this.view(s, [3, 2], [1, 3], 3);
        b.randomFill(dst, 'uniform', -2, 3, new Generator().manualSeed(7));
        return Array.from(await this.read(s));
      };
      const first = await draw();
      this.t.expect(first.slice(0, 3).every((v) => v === 0), 'before the view: untouched').toBe(true);
      this.t.expect(first.slice(3, 9).every((v) => v >= -2 && v < 3), 'inside [-2, 3)').toBe(true);
      this.t.expect(new Set(first.slice(3, 9)).size, 'distinct draws').toBe(6);
      this.t.expect(await draw(), 'same seed, same values').toEqual(first);
    });
    this.case('randomFill/bernoulli-randint', async () => {
      const s = b.alloc('int64', 64);
      b.randomFill(this.view(s, [64]), 'randint', 3, 6, new Generator().manualSeed(1));
      const v = Array.from(await this.read(s));
      this.t.expect(v.every((x) => x >= 3 && x < 6 && Number.isInteger(x))).toBe(true);
      const m = b.alloc('float32', 64);
      b.randomFill(this.view(m, [64]), 'bernoulli', 0.5, 0, new Generator().manualSeed(1));
      this.t.expect(Array.from(await this.read(m)).every((x) => x === 0 || x === 1)).toBe(true);
    });
    this.case('multinomial/zero-weight-never-drawn', async () => {
      const p = this.view(this.store([0, 1, 0, 3], 'float32'), [2, 2]);
      const s = b.multinomial(p, 5, true, new Generator().manualSeed(3));
      const got = Array.from(await this.read(s));
      this.t.expect(got.length).toBe(10);
      this.t.expect(got.every((i) => i === 1)).toBe(true);
    });
  }

  private indexing(): void {
    const b = this.b;
    const X = seq(12, 0.5); // logical [3, 4]
    const xv = () => this.transposed(X, 3, 4, 'float32');
    const at = (i: number, j: number) => X[i * 4 + j];
    this.case('gather', async () => {
      const idx = this.view(this.store([3, 0, 1, 1, 2, 0], 'int64'), [3, 2]);
      await this.check(b.gather(xv(), 1, idx), [at(0, 3), at(0, 0), at(1, 1), at(1, 1), at(2, 2), at(2, 0)], 'float32');
      const idx0 = this.view(this.store([2, 0, 1, 2], 'int64'), [1, 4]);
      await this.check(b.gather(xv(), 0, idx0), [at(2, 0), at(0, 1), at(1, 2), at(2, 3)], 'float32');
    });
    this.case('scatter/none', async () => {
      const idx = this.view(this.store([1, 2, 0, 0], 'int64'), [1, 4]);
      // src is larger than index: only its leading [1, 4] block is read.
      const src = this.view(this.store(seq(8, 1, 100), 'float32'), [2, 4]);
      const want = [...X];
      const s = seq(8, 1, 100);
      [1, 2, 0, 0].forEach((r, j) => { want[r * 4 + j] = s[j]; });
      await this.check(b.scatter(xv(), 0, idx, src, 'none'), want, 'float32');
    });
    this.case('scatter/add-duplicates', async () => {
      const idx = this.view(this.store([0, 0, 3, 0, 2, 2], 'int64'), [2, 3]);
      const src = this.view(this.store([1, 2, 4, 8, 16, 32], 'float32'), [2, 3]);
      const want = [...X];
      want[0] += 1 + 2; want[3] += 4; want[4] += 8; want[6] += 16 + 32;
      await this.check(b.scatter(xv(), 1, idx, src, 'add'), want, 'float32');
    });
    // Out-of-place kernels must not write into their operands' storages (tfjs-cpu's scatter did).
    this.case('scatter/indexAdd leave their inputs unchanged', async () => {
      const x = this.view(this.store(X, 'float32'), [3, 4]);
      const src = this.view(this.store(seq(12, 1, 100), 'float32'), [3, 4]);
      const outs = [
        b.scatter(x, 0, this.view(this.store([1, 2, 0, 0], 'int64'), [1, 4]), src, 'none'),
        b.scatter(x, 1, this.view(this.store([3, 3, 0, 1], 'int64'), [1, 4]), src, 'add'),
        b.indexAdd(x, 0, this.view(this.store([2, 0, 1], 'int64'), [3]), src),
      ];
      await this.check(x.storage, X, 'float32', 'input after scatter and indexAdd');
      await this.check(src.storage, seq(12, 1, 100), 'float32', 'source after scatter and indexAdd');
      for (const o of outs) b.dispose(o);
    });
    this.case('indexSelect', async () => {
      const idx = this.view(this.store([2, 0, 2], 'int64'), [3]);
      await this.check(b.indexSelect(xv(), 0, idx), [...X.slice(8, 12), ...X.slice(0, 4), ...X.slice(8, 12)], 'float32');
      const idx1 = this.stepped([3, 1], 'int64');
      await this.check(b.indexSelect(xv(), 1, idx1), [at(0, 3), at(0, 1), at(1, 3), at(1, 1), at(2, 3), at(2, 1)], 'float32');
    });
    this.case('indexAdd/duplicates', async () => {
      const idx = this.view(this.store([1, 1, 0], 'int64'), [3]);
      const src = this.view(this.store([1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400], 'float32'), [3, 4]);
      const want = [...X];
      for (let j = 0; j < 4; j++) { want[4 + j] += [1, 2, 3, 4][j] + [10, 20, 30, 40][j]; want[j] += [100, 200, 300, 400][j]; }
      await this.check(b.indexAdd(xv(), 0, idx, src), want, 'float32');
    });
    this.case('sort/stable-nan', async () => {
      const v = this.view(this.store([3, 1, NaN, 1, 2, 3, -1, 1], 'float32'), [8]);
      const [asc, ai] = b.sort(v, 0, false);
      await this.check(asc, [-1, 1, 1, 1, 2, 3, 3, NaN], 'float32');
      await this.check(ai, [6, 1, 3, 7, 4, 0, 5, 2], 'int64');
      const [desc, di] = b.sort(v, 0, true);
      await this.check(desc, [NaN, 3, 3, 2, 1, 1, 1, -1], 'float32');
      await this.check(di, [2, 0, 5, 4, 1, 3, 7, 6], 'int64');
    });
    this.case('sort/dim0-transposed', async () => {
      const [vals, idx] = b.sort(xv(), 0, false);
      const want: number[] = new Array(12);
      const wantIdx: number[] = new Array(12);
      for (let j = 0; j < 4; j++) {
        const col = [0, 1, 2].sort((p, q) => at(p, j) - at(q, j) || p - q);
        col.forEach((r, k) => { want[k * 4 + j] = at(r, j); wantIdx[k * 4 + j] = r; });
      }
      await this.check(vals, want, 'float32');
      await this.check(idx, wantIdx, 'int64');
    });
    this.case('sort/int64', async () => {
      const [vals, idx] = b.sort(this.view(this.store([5, -(2 ** 40), 5, 0], 'int64'), [4]), 0, true);
      await this.check(vals, [5, 5, 0, -(2 ** 40)], 'int64');
      await this.check(idx, [0, 2, 3, 1], 'int64');
    });
  }

  // ------------------------------------------------------------------ conv and pool

  private convPool(): void {
    const b = this.b;
    const [N, C, H, W] = [2, 4, 5, 6];
    const X = seq(N * C * H * W, 0.25);
    const xv = () => this.view(this.store(X, 'float32'), [N, C, H, W]);
    const a: Conv2dAttrs = { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 };
    const [O, KH, KW] = [6, 3, 2];
    const Cg = C / a.groups, Og = O / a.groups;
    const Wt = seq(O * Cg * KH * KW, 0.125, 0.0625);
    const OH = Math.floor((H + 2 * a.padding[0] - a.dilation[0] * (KH - 1) - 1) / a.stride[0]) + 1;
    const OW = Math.floor((W + 2 * a.padding[1] - a.dilation[1] * (KW - 1) - 1) / a.stride[1]) + 1;
    const xAt = (n: number, c: number, h: number, w: number) => X[((n * C + c) * H + h) * W + w];
    /** Visits every (output, weight, input) triple of the convolution that lands inside the input. */
    const taps = (fn: (n: number, o: number, oh: number, ow: number, c: number, kh: number, kw: number, ih: number, iw: number) => void) => {
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        const g = Math.floor(o / Og);
        for (let c = 0; c < Cg; c++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
          const ih = oh * a.stride[0] - a.padding[0] + kh * a.dilation[0];
          const iw = ow * a.stride[1] - a.padding[1] + kw * a.dilation[1];
          if (ih >= 0 && ih < H && iw >= 0 && iw < W) fn(n, o, oh, ow, g * Cg + c, kh, kw, ih, iw);
        }
      }
    };
    const wIdx = (o: number, c: number, kh: number, kw: number) => ((o * Cg + (c % Cg)) * KH + kh) * KW + kw;
    const oIdx = (n: number, o: number, oh: number, ow: number) => ((n * O + o) * OH + oh) * OW + ow;
    const GO = seq(N * O * OH * OW, 0.5, 0.25);
    this.case('conv2d/grouped-strided-dilated', async () => {
      const want = new Array<number>(N * O * OH * OW).fill(0);
      taps((n, o, oh, ow, c, kh, kw, ih, iw) => { want[oIdx(n, o, oh, ow)] += xAt(n, c, ih, iw) * Wt[wIdx(o, c, kh, kw)]; });
      await this.check(b.conv2d(xv(), this.view(this.store(Wt, 'float32'), [O, Cg, KH, KW]), a), want, 'float32');
    });
    this.case('conv2d/backward-input', async () => {
      const want = new Array<number>(X.length).fill(0);
      taps((n, o, oh, ow, c, kh, kw, ih, iw) => { want[((n * C + c) * H + ih) * W + iw] += GO[oIdx(n, o, oh, ow)] * Wt[wIdx(o, c, kh, kw)]; });
      const go = this.view(this.store(GO, 'float32'), [N, O, OH, OW]);
      await this.check(b.conv2dBackwardInput(go, this.view(this.store(Wt, 'float32'), [O, Cg, KH, KW]), [N, C, H, W], a), want, 'float32');
    });
    this.case('conv2d/backward-weight', async () => {
      const want = new Array<number>(Wt.length).fill(0);
      taps((n, o, oh, ow, c, kh, kw, ih, iw) => { want[wIdx(o, c, kh, kw)] += GO[oIdx(n, o, oh, ow)] * xAt(n, c, ih, iw); });
      const go = this.view(this.store(GO, 'float32'), [N, O, OH, OW]);
      await this.check(b.conv2dBackwardWeight(go, xv(), [O, Cg, KH, KW], a), want, 'float32');
    });
    const poolOut = (size: number, k: number, s: number, p: number, d: number, ceil: boolean) => {
      let o = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
      if (ceil && (o - 1) * s >= size + p) o--;
      return o;
    };
    const pa: Pool2dAttrs = { kernelSize: [3, 2], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: true };
    const PH = poolOut(H, 3, 2, 1, 1, true), PW = poolOut(W, 2, 2, 1, 1, true);
    const maxRef = () => {
      const vals: number[] = [], idxs: number[] = [];
      for (let nc = 0; nc < N * C; nc++) for (let oh = 0; oh < PH; oh++) for (let ow = 0; ow < PW; ow++) {
        let best = -Infinity, bi = -1;
        for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 2; kw++) {
          const ih = oh * 2 - 1 + kh, iw = ow * 2 - 1 + kw;
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          const v = X[nc * H * W + ih * W + iw];
          if (v > best || bi < 0) { best = v; bi = ih * W + iw; }
        }
        vals.push(best); idxs.push(bi);
      }
      return { vals, idxs };
    };
    // seq() repeats every 17 values, so windows can tie; PyTorch keeps the first maximum.
    this.case('maxPool2d/ceil-padded', async () => {
      const { vals, idxs } = maxRef();
      const [v, i] = b.maxPool2d(xv(), pa);
      await this.check(v, vals, 'float32');
      await this.check(i, idxs, 'int64');
    });
    this.case('maxPool2d/backward', async () => {
      const { idxs } = maxRef();
      const g = seq(idxs.length, 0.5, 0.125);
      const want = new Array<number>(X.length).fill(0);
      idxs.forEach((ix, k) => { want[Math.floor(k / (PH * PW)) * H * W + ix] += g[k]; });
      const gv = this.view(this.store(g, 'float32'), [N, C, PH, PW]);
      const iv = this.view(this.store(idxs, 'int64'), [N, C, PH, PW]);
      await this.check(b.maxPool2dBackward(gv, iv, [N, C, H, W]), want, 'float32');
    });
    const avgCases: [string, Pool2dAttrs][] = [
      ['include-pad', { ...pa, countIncludePad: true, divisorOverride: null }],
      ['exclude-pad', { ...pa, countIncludePad: false, divisorOverride: null }],
      ['divisor-override', { ...pa, countIncludePad: true, divisorOverride: 5 }],
    ];
    /** PyTorch's avg_pool2d windows: the divisor counts padding up to H + p, never the ceil-mode overhang. */
    const avgWindows = (at: Pool2dAttrs, fn: (plane: number, out: number, ih: number, iw: number, div: number) => void) => {
      const [kh, kw] = at.kernelSize, [sh, sw] = at.stride, [ph, pw] = at.padding;
      for (let nc = 0; nc < N * C; nc++) for (let oh = 0; oh < PH; oh++) for (let ow = 0; ow < PW; ow++) {
        let h0 = oh * sh - ph, w0 = ow * sw - pw;
        let h1 = Math.min(h0 + kh, H + ph), w1 = Math.min(w0 + kw, W + pw);
        const poolSize = (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0); w0 = Math.max(w0, 0); h1 = Math.min(h1, H); w1 = Math.min(w1, W);
        const div = at.divisorOverride ? at.divisorOverride : at.countIncludePad ? poolSize : (h1 - h0) * (w1 - w0);
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) fn(nc, (nc * PH + oh) * PW + ow, ih, iw, div);
      }
    };
    for (const [nm, at] of avgCases) {
      this.case(`avgPool2d/${nm}`, async () => {
        const want = new Array<number>(N * C * PH * PW).fill(0);
        avgWindows(at, (plane, out, ih, iw, div) => { want[out] += X[plane * H * W + ih * W + iw] / div; });
        await this.check(b.avgPool2d(xv(), at), want, 'float32');
      });
      this.case(`avgPool2d/backward/${nm}`, async () => {
        const g = seq(N * C * PH * PW, 0.5, 0.25);
        const want = new Array<number>(X.length).fill(0);
        avgWindows(at, (plane, out, ih, iw, div) => { want[plane * H * W + ih * W + iw] += g[out] / div; });
        const gv = this.view(this.store(g, 'float32'), [N, C, PH, PW]);
        await this.check(b.avgPool2dBackward(gv, [N, C, H, W], at), want, 'float32');
      });
    }
  }
}
