import type { Tensor } from './tensor.js';
import { NotImplementedError, RuntimeError } from './errors.js';

/** Attributes of one op call (dims, flags, scalars): plain data, so tracers can record them. */
export type Attrs = Record<string, unknown>;
export type OpResult = Tensor | Tensor[];
export type OpImpl = (inputs: readonly Tensor[], attrs: Attrs) => OpResult;

/**
 * Wraps every op call. Interceptors are how autograd, tracing (ONNX export) and profiling observe
 * and extend ops without the ops knowing: PyTorch's dispatcher keys, Burn's backend decorators.
 * `next()` runs the rest of the chain and finally the op itself.
 */
export type Interceptor = (op: string, inputs: readonly Tensor[], attrs: Attrs, next: () => OpResult) => OpResult;

const impls = new Map<string, OpImpl>();
const interceptors: { name: string; fn: Interceptor }[] = [];
let depth = 0;

/** Defines an op: its forward implementation in terms of backend kernels or other ops. */
export function defineOp(name: string, impl: OpImpl): void {
  impls.set(name, impl);
}

/** Whether an op of that name is registered with the dispatcher. */
export function hasOp(name: string): boolean {
  return impls.has(name);
}

/**
 * Installs an interceptor (replacing one of the same name). Later installs wrap earlier ones:
 * the last installed sees the call first.
 */
export function installInterceptor(name: string, fn: Interceptor): () => void {
  removeInterceptor(name);
  interceptors.push({ name, fn });
  return () => removeInterceptor(name);
}

/** Removes the interceptor installed under `name` (`installInterceptor`); no-op when absent. */
export function removeInterceptor(name: string): void {
  const i = interceptors.findIndex((x) => x.name === name);
  if (i >= 0) interceptors.splice(i, 1);
}

/** How many dispatches enclose the current one: 1 inside a top-level op (tracers record depth 1). */
export function dispatchDepth(): number {
  return depth;
}

/** The single entry point of every tensor operation. */
export function dispatch(op: string, inputs: readonly Tensor[], attrs: Attrs = {}): OpResult {
  const impl = impls.get(op);
  if (!impl) throw new NotImplementedError(`op '${op}' is not defined`);
  for (const t of inputs) {
    if (t.isDisposed) throw new RuntimeError(`${op}(): a tensor of shape [${t.shape.join(', ')}] was used after dispose()`);
  }
  let i = interceptors.length;
  const next = (): OpResult => {
    i--;
    if (i >= 0) return interceptors[i].fn(op, inputs, attrs, next);
    return impl(inputs, attrs);
  };
  depth++;
  try {
    return next();
  } finally {
    depth--;
  }
}

/** `dispatch` for ops with one output. */
export function dispatch1(op: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
  return dispatch(op, inputs, attrs) as Tensor;
}
