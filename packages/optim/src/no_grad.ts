/** Optimizer updates must not be recorded by autograd. */
export function noGrad<T>(fn: () => T): T {
  return fn();
}
