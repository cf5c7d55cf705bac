import { type Attrs, type Tensor, isFloating, where, zerosLike } from '@flambeau/tensor';
import { type Formula, type SavedContext, registerFormulas } from '../registry.js';

/** Formulas reading the input `x`. */
const ofX = (name: string, fn: (g: Tensor, x: Tensor) => Tensor): Formula => ({
  name,
  save: { inputs: [0] },
  backward: ([g], c) => [fn(g, c.input(0))],
});
/** Formulas reading the output `y` (cheaper, and what PyTorch saves for these ops). */
const ofY = (name: string, fn: (g: Tensor, y: Tensor) => Tensor): Formula => ({
  name,
  save: { outputs: [0] },
  backward: ([g], c) => [fn(g, c.output(0))],
});
/** Step functions: zero gradient almost everywhere. */
const flat = (name: string): Formula => ({ name, backward: ([g]) => [zerosLike(g)] });

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

registerFormulas({
  neg: { name: 'NegBackward0', backward: ([g]) => [g.neg()] },
  abs: ofX('AbsBackward0', (g, x) => g.mul(x.sign())),
  sign: flat('SignBackward0'),
  floor: flat('FloorBackward0'),
  ceil: flat('CeilBackward0'),
  round: flat('RoundBackward0'),
  trunc: flat('TruncBackward0'),
  frac: { name: 'FracBackward0', backward: ([g]) => [g] },
  exp: ofY('ExpBackward0', (g, y) => g.mul(y)),
  exp2: ofY('Exp2Backward0', (g, y) => g.mul(y).mul(Math.LN2)),
  expm1: ofY('Expm1Backward0', (g, y) => g.mul(y.add(1))),
  log: ofX('LogBackward0', (g, x) => g.div(x)),
  log2: ofX('Log2Backward0', (g, x) => g.div(x.mul(Math.LN2))),
  log10: ofX('Log10Backward0', (g, x) => g.div(x.mul(Math.LN10))),
  log1p: ofX('Log1PBackward0', (g, x) => g.div(x.add(1))),
  sqrt: ofY('SqrtBackward0', (g, y) => g.div(y.mul(2))),
  rsqrt: ofY('RsqrtBackward0', (g, y) => g.mul(y.pow(3)).mul(-0.5)),
  square: ofX('PowBackward0', (g, x) => g.mul(x.mul(2))),
  sin: ofX('SinBackward0', (g, x) => g.mul(x.cos())),
  cos: ofX('CosBackward0', (g, x) => g.mul(x.sin().neg())),
  tan: ofY('TanBackward0', (g, y) => g.mul(y.square().add(1))),
  asin: ofX('AsinBackward0', (g, x) => g.div(x.square().neg().add(1).sqrt())),
  acos: ofX('AcosBackward0', (g, x) => g.div(x.square().neg().add(1).sqrt()).neg()),
  atan: ofX('AtanBackward0', (g, x) => g.div(x.square().add(1))),
  sinh: ofX('SinhBackward0', (g, x) => g.mul(x.cosh())),
  cosh: ofX('CoshBackward0', (g, x) => g.mul(x.sinh())),
  tanh: ofY('TanhBackward0', (g, y) => g.mul(y.square().neg().add(1))),
  asinh: ofX('AsinhBackward0', (g, x) => g.mul(x.square().add(1).rsqrt())),
  acosh: ofX('AcoshBackward0', (g, x) => g.mul(x.square().sub(1).rsqrt())),
  atanh: ofX('AtanhBackward0', (g, x) => g.div(x.square().neg().add(1))),
  sigmoid: ofY('SigmoidBackward0', (g, y) => g.mul(y.mul(y.neg().add(1)))),
  relu: ofY('ReluBackward0', (g, y) => g.where(y.gt(0), 0)),
  reciprocal: ofY('ReciprocalBackward0', (g, y) => g.mul(y.square()).neg()),
  erf: ofX('ErfBackward0', (g, x) => g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI))),
  erfc: ofX('ErfcBackward0', (g, x) => g.mul(x.square().neg().exp().mul(-TWO_OVER_SQRT_PI))),

  // A binary op with a JS-number operand has one input and the number in `attrs.scalar`
  // (`attrs.reverse` when it is the left operand, as in `2 - x`): see `binaryOperands`.
  add: { name: 'AddBackward0', backward: ([g], c) => [c.needs[0] ? g : null, c.needs[1] ? g : null] },
  sub: {
    name: (_inputs, attrs) => (attrs.reverse ? 'RsubBackward1' : 'SubBackward0'),
    backward: ([g], c) => (c.attrs.reverse ? [g.neg()] : [c.needs[0] ? g : null, c.needs[1] ? g.neg() : null]),
  },
  mul: {
    name: 'MulBackward0',
    // Each side needs only the other operand: `y.mul_(2)` must not save (and then lose) y itself.
    save: (needs, attrs) => ({ inputs: hasScalar(attrs) ? [] : [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    backward: ([g], c) => (hasScalar(c.attrs) ? [g.mul(scalarOf(c))] : [c.needs[0] ? g.mul(c.input(1)) : null, c.needs[1] ? g.mul(c.input(0)) : null]),
  },
  div: {
    name: 'DivBackward0',
    save: (needs, attrs) => ({ inputs: hasScalar(attrs) ? [] : needs[1] ? [0, 1] : [1] }),
    backward: ([g], c) => {
      if (hasScalar(c.attrs)) return [g.div(scalarOf(c))];
      const b = c.input(1);
      return [c.needs[0] ? g.div(b) : null, c.needs[1] ? g.mul(c.input(0)).div(b.square()).neg() : null];
    },
  },
  pow: {
    name: (inputs, attrs) => (!hasScalar(attrs) ? 'PowBackward1' : attrs.reverse ? 'PowBackward2' : 'PowBackward0'),
    save: (needs, attrs) => (hasScalar(attrs) ? { inputs: attrs.reverse ? [] : [0], outputs: attrs.reverse ? [0] : [] } : { inputs: [0, 1], outputs: needs[1] ? [0] : [] }),
    backward: ([g], c) => {
      if (hasScalar(c.attrs)) {
        const s = scalarOf(c);
        // s ** x: the gradient is s ** x · ln s (zero where s = 0 and x ≥ 0, as PyTorch masks it).
        if (c.attrs.reverse) return [s === 0 ? g.mul(0) : g.mul(c.output(0).mul(Math.log(s)))];
        const a = c.input(0);
        return [s === 0 ? g.mul(0) : g.mul(a.pow(s - 1).mul(s))];
      }
      const a = c.input(0);
      const b = c.input(1);
      const ga = c.needs[0] ? g.mul(b.mul(a.pow(b.sub(1)))).maskedFill(b.eq(0), 0) : null;
      const gb = c.needs[1] ? g.mul(c.output(0).mul(a.log())).maskedFill(a.eq(0).logicalAnd(b.ge(0)), 0) : null;
      return [ga, gb];
    },
  },
  atan2: {
    name: 'Atan2Backward0',
    save: (_needs, attrs) => ({ inputs: hasScalar(attrs) ? [0] : [0, 1] }),
    backward: ([g], c) => {
      const a = c.input(0);
      if (hasScalar(c.attrs)) return [g.mul(scalarOf(c)).div(a.square().add(scalarOf(c) ** 2))];
      const b = c.input(1);
      const r = g.div(a.square().add(b.square()));
      return [c.needs[0] ? r.mul(b) : null, c.needs[1] ? r.mul(a).neg() : null];
    },
  },
  maximum: tieSplit('MaximumBackward0', 'lt', 'gt'),
  minimum: tieSplit('MinimumBackward0', 'gt', 'lt'),
  fmod: {
    name: 'FmodBackward0',
    save: (needs, attrs) => ({ inputs: !hasScalar(attrs) && needs[1] ? [0, 1] : [] }),
    backward: ([g], c) => [c.needs[0] || hasScalar(c.attrs) ? g : null, c.needs[1] ? g.mul(c.input(0).div(c.input(1), { roundingMode: 'trunc' })).neg() : null],
  },
  remainder: {
    name: 'RemainderBackward0',
    save: (needs, attrs) => ({ inputs: !hasScalar(attrs) && needs[1] ? [0, 1] : [] }),
    backward: ([g], c) => [c.needs[0] || hasScalar(c.attrs) ? g : null, c.needs[1] ? g.mul(c.input(0).div(c.input(1), { roundingMode: 'floor' })).neg() : null],
  },
  where: {
    name: 'WhereBackward0',
    save: { inputs: [0] },
    backward: ([g], c) => {
      const cond = c.input(0);
      // Tensor branches in input order; a scalar branch (`selfScalar`/`otherScalar`) has no input.
      const grads: (Tensor | null)[] = [null];
      if (c.attrs.selfScalar === undefined) grads.push(c.needs[grads.length] ? g.where(cond, 0) : null);
      if (c.attrs.otherScalar === undefined) grads.push(c.needs[grads.length] ? where(cond, 0, g) : null);
      return grads;
    },
  },
  maskedFill: {
    name: 'MaskedFillBackward0',
    save: { inputs: [1] },
    backward: ([g], c) => {
      const mask = c.input(1);
      return [c.needs[0] ? g.maskedFill(mask, 0) : null, null, c.needs[2] && c.inputs.length > 2 ? where(mask, g, 0).sum() : null];
    },
  },
  clamp: {
    name: 'ClampBackward1',
    save: { inputs: [0] },
    backward: ([g], c) => {
      const x = c.input(0);
      const { min, max } = c.attrs as { min: number | null; max: number | null };
      let keep: Tensor | null = null;
      if (min !== null) keep = x.ge(min);
      if (max !== null) keep = keep ? keep.logicalAnd(x.le(max)) : x.le(max);
      return [g.where(keep!, 0)];
    },
  },
  cast: {
    name: 'ToCopyBackward0',
    applies: (_inputs, attrs) => isFloating(attrs.dtype as Parameters<typeof isFloating>[0]),
    backward: ([g]) => [g],
  },
  toDevice: { name: 'ToCopyBackward0', backward: ([g]) => [g] },
});

function hasScalar(attrs: Attrs): boolean {
  return attrs.scalar !== undefined;
}
function scalarOf(c: SavedContext): number {
  return Number(c.attrs.scalar);
}

/** max/min of two tensors: the larger (smaller) side gets the gradient; ties split it evenly. */
function tieSplit(name: string, loses: 'lt' | 'gt', wins: 'lt' | 'gt'): Formula {
  return {
    name,
    save: { inputs: [0, 1] },
    backward: ([g], c) => {
      const a = c.input(0);
      const b = c.input(1);
      const shared = g.div(2).where(a.eq(b), g);
      return [c.needs[0] ? shared.maskedFill(a[loses](b), 0) : null, c.needs[1] ? shared.maskedFill(a[wins](b), 0) : null];
    },
  };
}
