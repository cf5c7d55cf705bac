import { type Attrs, defineOp } from '../dispatcher.js';
import { isFloating } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { type Generator, defaultGenerator } from '../random.js';
import { type Tensor, dtypeTitle } from '../tensor.js';
import type { RandomKind } from '../backend.js';

/** In-place random fills (`uniform_`, `normal_`, `bernoulli_`, `random_`, `exponential_`): the backend draws. */
defineOp('inplace', 'randomFill_(Tensor self, str kind, float a, float b, Generator? generator=None) -> Tensor', ([x], { kind, a, b, generator }: Attrs) => {
  if (!isFloating(x.dtype) && kind !== 'randint' && kind !== 'bernoulli') {
    const kernel = { uniform: 'check_uniform_bounds', normal: 'normal_kernel_cpu', exponential: 'exponential_cpu' }[kind as string];
    throw new RuntimeError(`"${kernel}" not implemented for '${dtypeTitle(x.dtype)}'`);
  }
  const A = a as number, B = b as number;
  if (kind === 'uniform' && !(A <= B)) throw new RuntimeError(`uniform_ expects to return a [from, to) range, but found from=${A} > to=${B}`);
  if (kind === 'normal' && !(B >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${B}`);
  if (kind === 'bernoulli' && !(A >= 0 && A <= 1)) throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${A}`);
  x.backend.randomFill(x, kind as RandomKind, A, B, (generator as Generator | undefined) ?? defaultGenerator);
  x._version.value++;
  return x as Tensor;
});
