import { type Attrs, defineOp } from '@flambeau/tensor';
import { effectiveGrad } from './optimizer.js';

/**
 * One optimizer step per parameter is one op (PyTorch's `fused`/`foreach` idea): a backend may
 * override `sgdStep_`, `adamStep_` or `rmspropStep_` with a single in-place pass (the CPU does,
 * packages/tensor/src/cpu/optim.ts). The defaults below are the reference sequence of tensor
 * ops; an override must produce the same values bit for bit. Each op writes its parameter and
 * state tensors in place and returns the parameter. Optional state tensors are left out of the
 * inputs when absent (the attributes say which are there).
 */

/** SGD: the momentum buffer is absent without momentum; `first` makes it a copy of the gradient. */
defineOp('inplace', 'sgdStep_(Tensor self, Tensor grad, Tensor? momentumBuffer, float lr, float momentum, float dampening, float weightDecay, bool nesterov, bool maximize, bool first) -> Tensor', ([p, grad, buf], a: Attrs) => {
  const { lr, momentum, dampening, weightDecay } = a as Record<string, number>;
  let d = effectiveGrad(grad, p, weightDecay, a.maximize as boolean);
  if (buf) {
    if (a.first) buf.copy_(d);
    else buf.mul_(momentum).add_(d, { alpha: 1 - dampening });
    d = a.nesterov ? d.add(buf, { alpha: momentum }) : buf;
  }
  return p.add_(d, { alpha: -lr });
});

/**
 * Adam and AdamW (`decoupled`: the parameter is first scaled by `1 − lr·weightDecay` instead of
 * L2 decay on the gradient); `step` is the step count after this step; `maxExpAvgSq` only with amsgrad.
 */
defineOp('inplace', 'adamStep_(Tensor self, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, bool maximize, int step) -> Tensor', ([p, grad, expAvg, expAvgSq, maxSq], a: Attrs) => {
  const { lr, beta1, beta2, eps, weightDecay, step } = a as Record<string, number>;
  if (a.decoupled) p.mul_(1 - lr * weightDecay);
  const g = effectiveGrad(grad, p, a.decoupled ? 0 : weightDecay, a.maximize as boolean);
  expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
  const stepSize = lr / (1 - beta1 ** step);
  let second = expAvgSq;
  if (maxSq) {
    maxSq.copy_(maxSq.maximum(expAvgSq));
    second = maxSq;
  }
  const denom = second.sqrt().div(Math.sqrt(1 - beta2 ** step)).add_(eps);
  return p.addcdiv_(expAvg, denom, { value: -stepSize });
});

/** RMSprop: inputs `[param, grad, squareAvg, momentumBuffer (momentum > 0), gradAvg (centered)]`. */
defineOp('inplace', 'rmspropStep_(Tensor self, Tensor grad, Tensor squareAvg, Tensor[] state, float lr, float alpha, float eps, float weightDecay, float momentum, bool centered, bool maximize) -> Tensor', ([p, grad, squareAvg, ...state], a: Attrs) => {
  const { lr, alpha, eps, weightDecay, momentum } = a as Record<string, number>;
  const buf = momentum > 0 ? state[0] : undefined;
  const gradAvg = a.centered ? state[state.length - 1] : undefined;
  const g = effectiveGrad(grad, p, weightDecay, a.maximize as boolean);
  squareAvg.mul_(alpha).addcmul_(g, g, { value: 1 - alpha });
  let avg;
  if (gradAvg) {
    gradAvg.mul_(alpha).add_(g, { alpha: 1 - alpha });
    avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt();
  } else {
    avg = squareAvg.sqrt();
  }
  avg = avg.add(eps);
  if (buf) {
    buf.mul_(momentum).addcdiv_(g, avg);
    return p.add_(buf, { alpha: -lr });
  }
  return p.addcdiv_(g, avg, { value: -lr });
});
