import type { Tensor } from './tensor.js';
import type { Backend } from './backend.js';
import { NotImplementedError, RuntimeError } from './errors.js';

/** Attributes of one op call (dims, flags, scalars): plain data, so tracers can record them. */
export type Attrs = Record<string, unknown>;
export type OpResult = Tensor | Tensor[];
/**
 * An op's implementation. A backend override (`backend.kernels[op]`) also receives the op's default
 * implementation as `fallback`, to run for the calls it has no fast path for (a dtype, a layout).
 */
export type OpImpl = (inputs: readonly Tensor[], attrs: Attrs, fallback: OpImpl) => OpResult;

/**
 * What an op is, for backends, tracers and the docs:
 * - `primitive`: runs backend kernels directly; every backend must provide those kernels;
 * - `composite`: written once in terms of other ops (a backend may override it with a fused kernel);
 * - `view`: returns tensors sharing its first input's storage;
 * - `inplace`: writes into its first input;
 * - `creation`: makes a new tensor from attributes alone (`attrs.device` names the backend).
 */
export type OpKind = 'primitive' | 'composite' | 'view' | 'inplace' | 'creation';

/** One parameter of an op signature: PyTorch's schema notation (`Tensor self`, `int[] dim`, `bool keepdim=False`). */
export interface OpParam {
  readonly name: string;
  /** `Tensor`, `Tensor?`, `Tensor[]`, `Scalar`, `int`, `int[]`, `int?`, `float`, `bool`, `str`, `ScalarType`, `Device`, `Generator?`, … */
  readonly type: string;
  /** The default as written in the schema (`None`, `False`, `1`), absent when required. */
  readonly default?: string;
  /** After a `*` marker: only by name (PyTorch's keyword-only). */
  readonly kwOnly?: boolean;
  /** Before a `/` marker: only by position. */
  readonly posOnly?: boolean;
}

/** An op's declaration: plain data, read by backends, the ONNX exporter, argument parsing and docs. */
export interface OpSchema {
  readonly name: string;
  readonly kind: OpKind;
  /** Tensor inputs, in `inputs` order (a trailing `Tensor[]` takes the rest). */
  readonly inputs: readonly OpParam[];
  /** Attributes (`attrs` keys). */
  readonly attrs: readonly OpParam[];
  /** Number of tensor outputs (`-1`: a list whose length depends on the call). */
  readonly outputs: number;
  /** Every parameter in declaration order (inputs and attributes together), for argument parsing. */
  readonly params: readonly OpParam[];
}

interface OpEntry {
  schema: OpSchema;
  impl: OpImpl;
}

const registry = new Map<string, OpEntry>();
const interceptors: { name: string; fn: Interceptor }[] = [];
let depth = 0;

/**
 * Parses `'mul(Tensor self, Tensor|Scalar other) -> Tensor'`: parameters typed `Tensor`, `Tensor?`
 * or `Tensor[]` are inputs, the others attributes; the return part counts outputs
 * (`(Tensor, Tensor)` → 2, `Tensor[]` → -1).
 */
export function parseSignature(sig: string): { name: string; inputs: OpParam[]; attrs: OpParam[]; outputs: number; params: OpParam[] } {
  const open = sig.indexOf('(');
  let close = open;
  for (let level = 0; close < sig.length; close++) {
    if (sig[close] === '(') level++;
    if (sig[close] === ')' && --level === 0) break;
  }
  const name = sig.slice(0, open).trim();
  if (open < 1 || close >= sig.length || !/^[\w.]+$/.test(name)) throw new RuntimeError(`bad op signature '${sig}'`);
  const params = sig.slice(open + 1, close);
  const returns = /->\s*(.+)$/.exec(sig.slice(close + 1))?.[1];
  const inputs: OpParam[] = [];
  const attrs: OpParam[] = [];
  const all: OpParam[] = [];
  let kwOnly = false;
  for (const part of splitTop(params)) {
    if (part === '*') { kwOnly = true; continue; }
    if (part === '/') { for (let i = 0; i < all.length; i++) all[i] = { ...all[i], posOnly: true }; continue; }
    const pm = /^(\S+)\s+(\w+)(?:=(.+))?$/.exec(part);
    if (!pm) throw new RuntimeError(`bad parameter '${part}' in op signature '${sig}'`);
    const p: OpParam = { type: pm[1], name: pm[2], ...(pm[3] === undefined ? {} : { default: pm[3] }), ...(kwOnly ? { kwOnly } : {}) };
    (/^Tensor(\?|\[\])?$/.test(p.type) ? inputs : attrs).push(p);
    all.push(p);
  }
  const ret = (returns ?? 'Tensor').trim();
  const outputs = ret === 'Tensor[]' ? -1 : ret.startsWith('(') ? splitTop(ret.slice(1, -1)).length : ret === '()' ? 0 : 1;
  return { name, inputs, attrs, outputs, params: all };
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let level = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') level++;
    if (ch === ')' || ch === ']') level--;
    if (ch === ',' && level === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * Defines an op: its kind and signature (PyTorch's schema notation) and its default
 * implementation — backend kernels for a primitive, other ops for a composite.
 *
 * @example
 * defineOp('composite', 'hardswish(Tensor self) -> Tensor', ([x]) => x.mul(x.add(3).clamp(0, 6)).div(6));
 */
export function defineOp(kind: OpKind, signature: string, impl: OpImpl): void {
  const { name, inputs, attrs, outputs, params } = parseSignature(signature);
  registry.set(name, { schema: { name, kind, inputs, attrs, outputs, params }, impl });
}

/** Whether an op of that name is registered with the dispatcher. */
export function hasOp(name: string): boolean {
  return registry.has(name);
}

/** The declaration of an op (`undefined` if none). */
export function getOpSchema(name: string): OpSchema | undefined {
  return registry.get(name)?.schema;
}

/** Every op's declaration, for backends that want to list what they override and for exporters. */
export function listOps(): OpSchema[] {
  return [...registry.values()].map((e) => e.schema);
}

/**
 * Wraps every op call. Interceptors are how autograd, tracing (ONNX export) and profiling observe
 * and extend ops without the ops knowing: PyTorch's dispatcher keys, Burn's backend decorators.
 * `next()` runs the rest of the chain and finally the op itself.
 */
export type Interceptor = (op: string, inputs: readonly Tensor[], attrs: Attrs, next: Next) => OpResult;

/**
 * Runs the rest of the chain. `{ defaultImpl: true }` asks for the op's registered implementation
 * even where the backend overrides it: autograd does so for a composite without a backward
 * formula, whose gradient comes from the ops its default is made of.
 */
export type Next = (opts?: { defaultImpl?: boolean }) => OpResult;

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

let creationBackend: (attrs: Attrs) => Backend = () => {
  throw new RuntimeError('no backend registered');
};
/** Wired by backend.ts: the backend a creation op's `attrs.device` names. */
export function setCreationBackend(fn: (attrs: Attrs) => Backend): void {
  creationBackend = fn;
}

/** The single entry point of every tensor operation. */
export function dispatch(op: string, inputs: readonly Tensor[], attrs: Attrs = {}): OpResult {
  const entry = registry.get(op);
  if (!entry) throw new NotImplementedError(`op '${op}' is not defined`);
  for (const t of inputs) {
    if (t.isDisposed) throw new RuntimeError(`${op}(): a tensor of shape [${t.shape.join(', ')}] was used after dispose()`);
  }
  let i = interceptors.length;
  let useDefault = false;
  const next: Next = (opts) => {
    if (opts?.defaultImpl) useDefault = true;
    i--;
    if (i >= 0) return interceptors[i].fn(op, inputs, attrs, next);
    // A backend's own kernel for the op (a fused composite, say) wins over the default.
    const backend = inputs.length > 0 ? inputs[0].backend : entry.schema.kind === 'creation' ? creationBackend(attrs) : null;
    const override = useDefault ? undefined : backend?.kernels?.[op];
    return override ? override(inputs, attrs, entry.impl) : entry.impl(inputs, attrs, entry.impl);
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
