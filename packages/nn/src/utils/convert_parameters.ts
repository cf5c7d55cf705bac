import { type Tensor, RuntimeError, cat, declare, parseArgs } from '@flambeau/tensor';

const PARAMETERS_TO_VECTOR = declare('utils.parametersToVector', 'parameters_to_vector(Any parameters)');
const VECTOR_TO_PARAMETERS = declare('utils.vectorToParameters', 'vector_to_parameters(Tensor vec, Any parameters)');
import { noGrad } from '@flambeau/autograd';

/**
 * `parameters_to_vector(parameters)`: all parameters flattened into one 1-D tensor.
 *
 * @example
 * nn.utils.parametersToVector(net.parameters()).shape; // [total number of weights]
 */
export function parametersToVector(...args: [parameters: Iterable<Tensor>]): Tensor {
  const { parameters } = parseArgs(PARAMETERS_TO_VECTOR, args) as { parameters: Iterable<Tensor> };
  return cat([...parameters].map((p) => p.reshape(-1)));
}

/** `vector_to_parameters(vec, parameters)`: copies consecutive slices of `vec` into the parameters. */
export function vectorToParameters(...args: [vec: Tensor, parameters: Iterable<Tensor>]): void {
  const { vec, parameters } = parseArgs(VECTOR_TO_PARAMETERS, args) as { vec: Tensor; parameters: Iterable<Tensor> };
  if (vec.ndim !== 1) throw new RuntimeError(`vector_to_parameters expects a 1-D tensor, but got a ${vec.ndim}-D tensor`);
  let pointer = 0;
  noGrad(() => {
    for (const p of parameters) {
      const n = p.numel();
      p.copy_(vec.narrow(0, pointer, n).view(p.shape as number[]));
      pointer += n;
    }
  });
}
