import { type Attrs, type Backend, type DType, type Tensor, type TypedArray, dispatchDepth, getOpSchema, installInterceptor } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import type { Module } from '@flambeau/nn';
import { exportError } from './errors.js';

/** Where an op's input tensor comes from in the traced program. */
export type Ref =
  | { kind: 'value'; id: number }
  | { kind: 'param'; name: string; tensor: Tensor }
  | { kind: 'const'; id: number; tensor: Tensor; values: TypedArray };

export interface Meta { shape: number[]; dtype: DType }

/** One recorded top-level op, or one call of a leaf module (exported as a whole). */
export interface TracedCall {
  kind: 'op' | 'module';
  /** Op name (`conv2d`) or module class name (`LSTM`). */
  op: string;
  module: Module | null;
  /** The module path of the call (`layer1.conv`), '' at the top. */
  path: string;
  inputs: Ref[];
  inputMeta: Meta[];
  /** A leaf module's forward arguments, tensors replaced by `{ input: i }` indexes into `inputs`. */
  args: unknown[];
  attrs: Attrs;
  outputs: number[];
  outputMeta: Meta[];
}

export interface Recording {
  calls: TracedCall[];
  values: Meta[];
  consts: Meta[];
  outputs: Ref[];
}

/** A placeholder for a tensor argument of a leaf module, resolved at emission. */
export interface ArgSlot { input: number }

/** Tensors anywhere in nested arrays, depth first. */
export function flattenTensors(x: unknown, isTensor: (v: unknown) => v is Tensor, out: Tensor[] = []): Tensor[] {
  if (isTensor(x)) out.push(x);
  else if (Array.isArray(x)) for (const y of x) flattenTensors(y, isTensor, out);
  return out;
}

export interface TraceOptions {
  model: Module;
  inputs: Tensor[];
  /** Modules exported whole: their internals are not traced. */
  isLeaf: (m: Module) => boolean;
  isTensor: (v: unknown) => v is Tensor;
}

/**
 * Runs `model(...inputs)` once under a dispatcher interceptor and module hooks, recording every
 * top-level op (dispatch depth 1) and every leaf-module call, with the module path it ran under.
 * Reading tensor values in forward code (outside ops and leaf modules) is refused: the graph
 * would silently bake in one input's branch.
 */
export function trace(opts: TraceOptions): Recording {
  const { model, isTensor } = opts;
  const values: Meta[] = [];
  const consts: Meta[] = [];
  const ids = new Map<Tensor, number>();
  const constIds = new Map<Tensor, number>();
  const calls: TracedCall[] = [];
  const params = new Map<Tensor, string>();
  for (const [name, p] of model.namedParameters()) params.set(p, name);
  for (const [name, b] of model.namedBuffers()) params.set(b, name);
  const paths = new Map<Module, string>();
  for (const [name, m] of model.namedModules()) paths.set(m, name);

  let internal = 0;
  let leafDepth = 0;
  const stack: { module: Module; leaf: TracedCall | null }[] = [];
  const currentPath = (): string => (stack.length === 0 ? '' : paths.get(stack[stack.length - 1].module) ?? '');
  const meta = (t: Tensor): Meta => ({ shape: [...t.shape], dtype: t.dtype });

  // The exporter itself reads constants; it marks those reads so the readback check skips them.
  const read = (t: Tensor): TypedArray => {
    internal++;
    try {
      return t.contiguous().dataSync().slice();
    } finally {
      internal--;
    }
  };

  // Traced tensors by the storage they view: an in-place write through one of several aliases
  // would change the others too, which a dataflow graph cannot express.
  const aliases = new Map<Tensor, Set<Tensor>>();
  const newValue = (t: Tensor): number => {
    const id = values.length;
    values.push(meta(t));
    ids.set(t, id);
    const root = t._base ?? t;
    if (!aliases.has(root)) aliases.set(root, new Set());
    aliases.get(root)!.add(t);
    return id;
  };
  for (const x of opts.inputs) newValue(x);

  const refOf = (t: Tensor): Ref => {
    const id = ids.get(t);
    if (id !== undefined) return { kind: 'value', id };
    const p = params.get(t);
    if (p !== undefined) return { kind: 'param', name: p, tensor: t };
    let c = constIds.get(t);
    if (c === undefined) {
      c = consts.length;
      consts.push(meta(t));
      constIds.set(t, c);
    }
    return { kind: 'const', id: c, tensor: t, values: read(t) };
  };

  const removeInterceptor = installInterceptor('onnx-trace', (op, inputs, attrs, next) => {
    if (internal > 0 || leafDepth > 0 || dispatchDepth() !== 1) return next();
    // A tensor created inside forward (`zeros(...)`) is a constant of the graph, not a node.
    if (getOpSchema(op)?.kind === 'creation') return next();
    if (op.endsWith('_') && inputs[0] && (aliases.get(inputs[0]._base ?? inputs[0])?.size ?? 0) > 1) {
      throw exportError(op, currentPath(), 'an in-place write to a tensor that shares its storage with another traced tensor (a view, or the base of one) is not exported; use out-of-place ops');
    }
    const refs = inputs.map(refOf);
    const inputMeta = inputs.map(meta);
    const out = next();
    const outs = Array.isArray(out) ? out : [out];
    calls.push({
      kind: 'op', op, module: null, path: currentPath(), inputs: refs, inputMeta, args: [], attrs: { ...attrs },
      outputs: outs.map(newValue), outputMeta: outs.map(meta),
    });
    return out;
  });

  const handles: { remove(): void }[] = [];
  for (const m of paths.keys()) {
    handles.push(m.registerForwardPreHook((mod, args) => {
      if (internal > 0) return undefined;
      let leaf: TracedCall | null = null;
      if (leafDepth === 0 && opts.isLeaf(mod)) {
        const inputs: Ref[] = [];
        const inputMeta: Meta[] = [];
        const slot = (x: unknown): unknown => {
          if (isTensor(x)) {
            inputs.push(refOf(x));
            inputMeta.push(meta(x));
            return { input: inputs.length - 1 } satisfies ArgSlot;
          }
          return Array.isArray(x) ? x.map(slot) : x;
        };
        const slots = args.map(slot);
        stack.push({ module: mod, leaf: null });
        leaf = {
          kind: 'module', op: mod._getName(), module: mod, path: currentPath(), inputs, inputMeta, args: slots, attrs: {},
          outputs: [], outputMeta: [],
        };
        stack.pop();
        leafDepth++;
      }
      stack.push({ module: mod, leaf });
      return undefined;
    }));
    handles.push(m.registerForwardHook((_mod, _args, output) => {
      if (internal > 0) return undefined;
      const frame = stack.pop();
      if (frame?.leaf) {
        leafDepth--;
        const outs = flattenTensors(output, isTensor);
        frame.leaf.outputMeta = outs.map(meta);
        frame.leaf.outputs = outs.map(newValue);
        calls.push(frame.leaf);
      }
      return undefined;
    }));
  }

  // Readbacks: wrap the synchronous and asynchronous reads of every backend the model touches.
  const backends = new Set<Backend>([...opts.inputs.map((t) => t.backend), ...[...params.keys()].map((t) => t.backend)]);
  const restore: (() => void)[] = [];
  for (const b of backends) {
    const orig = { readSync: b.readSync, read: b.read };
    const guard = (): void => {
      if (internal === 0 && leafDepth === 0 && dispatchDepth() === 0) {
        const path = currentPath();
        const owner = stack.length === 0 ? model._getName() : stack[stack.length - 1].module._getName();
        throw exportError(`${owner}.forward`, path, 'forward reads tensor values (itemSync/dataSync/tolist/data), so its graph would depend on the example input; compute with tensor ops (where, masks) instead');
      }
    };
    if (orig.readSync) b.readSync = (s) => { guard(); return orig.readSync!.call(b, s); };
    b.read = (s) => { guard(); return orig.read.call(b, s); };
    restore.push(() => { b.readSync = orig.readSync; b.read = orig.read; });
  }

  let result: unknown;
  try {
    result = noGrad(() => (model as unknown as (...a: unknown[]) => unknown)(...opts.inputs));
  } finally {
    removeInterceptor();
    for (const h of handles) h.remove();
    for (const r of restore) r();
  }
  const outputs = flattenTensors(result, isTensor).map(refOf);
  if (outputs.length === 0) throw exportError(`${model._getName()}.forward`, '', 'forward returned no tensor');
  return { calls, values, consts, outputs };
}

