import { type Attrs, type Tensor, defineOp, dispatch1, where } from '@flambeau/tensor';
import { registerFormula } from '@flambeau/autograd';

/**
 * The activations PyTorch runs as single ATen ops (`hardtanh`, `gelu`, ...), so their results print
 * `grad_fn=<GeluBackward0>` as there. Each is its forward composition plus its derivative written
 * with tensor ops (differentiable again, for double backward).
 */
function pointwise(signature: string, name: string, forward: (x: Tensor, a: Attrs) => Tensor, derivative: (g: Tensor, x: Tensor, a: Attrs) => Tensor): void {
  const op = signature.slice(0, signature.indexOf('('));
  defineOp('composite', signature, ([x], attrs) => forward(x, attrs));
  registerFormula(op, { name, save: { inputs: [0] }, backward: ([g], c) => [derivative(g, c.input(0), c.attrs)] });
}

export function activation(op: string, input: Tensor, attrs: Attrs = {}): Tensor {
  return dispatch1(op, [input], attrs);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

pointwise('hardtanh(Tensor self, float minVal=-1, float maxVal=1)', 'HardtanhBackward0', (x, { minVal, maxVal }) => x.clamp(minVal as number, maxVal as number),
  // Zero at the bounds themselves, as PyTorch's hardtanh_backward.
  (g, x, { minVal, maxVal }) => g.where(x.gt(minVal as number).logicalAnd(x.lt(maxVal as number)), 0));

pointwise('leakyRelu(Tensor self, float negativeSlope=0.01)', 'LeakyReluBackward0', (x, { negativeSlope }) => where(x.gt(0), x, x.mul(negativeSlope as number)),
  (g, x, { negativeSlope }) => g.where(x.gt(0), g.mul(negativeSlope as number)));

// exp only sees x ≤ 0, so large positive inputs cannot overflow into the unused branch.
pointwise('elu(Tensor self, float alpha=1)', 'EluBackward0', (x, { alpha }) => where(x.gt(0), x, x.clamp(null, 0).expm1().mul(alpha as number)),
  (g, x, { alpha }) => g.where(x.gt(0), g.mul(x.clamp(null, 0).exp().mul(alpha as number))));

pointwise('gelu(Tensor self, str approximate="none")', 'GeluBackward0',
  (x, { approximate }) => {
    if (approximate === 'tanh') {
      const inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
      return x.mul(0.5).mul(inner.tanh().add(1));
    }
    return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
  },
  (g, x, { approximate }) => {
    if (approximate === 'tanh') {
      const t = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI).tanh();
      const dInner = x.square().mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
      return g.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(t.square().neg().add(1)).mul(dInner)));
    }
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
    return g.mul(cdf.add(x.mul(pdf)));
  });

pointwise('silu(Tensor self)', 'SiluBackward0', (x) => x.mul(x.sigmoid()), (g, x) => {
  const s = x.sigmoid();
  return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
});

/** log(1 + e^(βx))/β, linear where βx > threshold (clamped so the unused branch stays finite). */
function softplusOf(x: Tensor, beta: number, threshold: number): Tensor {
  const bx = x.mul(beta);
  return where(bx.gt(threshold), x, bx.clamp(null, threshold).exp().log1p().div(beta));
}

pointwise('mish(Tensor self)', 'MishBackward0', (x) => x.mul(softplusOf(x, 1, 20).tanh()), (g, x) => {
  const t = softplusOf(x, 1, 20).tanh();
  return g.mul(t.add(x.mul(t.square().neg().add(1)).mul(x.sigmoid())));
});

pointwise('softplus(Tensor self, float beta=1, float threshold=20)', 'SoftplusBackward0', (x, { beta, threshold }) => softplusOf(x, beta as number, threshold as number),
  (g, x, { beta, threshold }) => {
    const bx = x.mul(beta as number);
    return g.where(bx.gt(threshold as number), g.mul(bx.sigmoid()));
  });

pointwise('logsigmoid(Tensor self)', 'LogSigmoidBackward0', (x) => softplusOf(x.neg(), 1, 20).neg(), (g, x) => g.mul(x.neg().sigmoid()));
