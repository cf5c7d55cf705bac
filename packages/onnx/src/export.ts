import { create, toBinary } from '@bufbuild/protobuf';
import { type ModelProto, ModelProtoSchema, GraphProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema, type ValueInfoProto } from 'onnx-buf';
import { type Tensor, type TypedArray, Tensor as TensorClass, cat, declare, parseArgs } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import type { Module } from '@flambeau/nn';
import { type ArgSlot, type Meta, type Recording, type Ref, trace } from './trace.js';
import { type Call, GraphBuilder, type Operand } from './graph.js';
import { type Dim, dtypeOfProto, nodeProto, tensorProto, valueInfo } from './proto.js';
import { moduleSymbolic, opSymbolic } from './registry.js';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET, irVersionFor } from './opset.js';
import { OnnxExportError, exportError } from './errors.js';
import { checkModel } from './check.js';
import { PROTOBUF_LIMIT, initializerBytes, writeModel } from './external_data.js';
import './symbolic/index.js';

/** Axes of one input or output that stay symbolic: `[0]` or `{ 0: 'batch' }`. */
export type DynamicAxes = Record<string, readonly number[] | Record<number, string>>;

/** `torch.onnx.export`'s keyword arguments, camelCased. */
export interface ExportOptions {
  /** ONNX opset, 13 to 26 (default 18). */
  opsetVersion?: number;
  inputNames?: string[];
  outputNames?: string[];
  /** Input/output name → axes that vary (named `<name>_dynamic_axes_<k>` unless named here). */
  dynamicAxes?: DynamicAxes;
  /** Fold parameter-only work (weight transposes) into initializers (default true). */
  doConstantFolding?: boolean;
  /** Which mode the model is traced in (default 'eval'); modes are restored afterwards. */
  training?: 'eval' | 'train' | 'preserve';
  /** Store parameters as initializers (default true); false makes them graph inputs. */
  exportParams?: boolean;
  /** Also list initializers as graph inputs (default false). */
  keepInitializersAsInputs?: boolean;
  /** `metadata_props` of the model. */
  metadata?: Record<string, string>;
}

const isTensor = (v: unknown): v is Tensor => v instanceof TensorClass;

/** Inputs of the second trace: every dynamic axis one longer (its first slice repeated). */
function grow(x: Tensor, axes: number[]): Tensor {
  let y = x;
  for (const a of axes) y = cat([y, y.narrow(a, 0, 1)], a);
  return y;
}

function axesOf(spec: readonly number[] | Record<number, string>, name: string): Map<number, string> {
  const m = new Map<number, string>();
  if (Array.isArray(spec)) spec.forEach((a: number, k: number) => m.set(a, `${name}_dynamic_axes_${k + 1}`));
  else for (const [a, n] of Object.entries(spec)) m.set(Number(a), n);
  return m;
}

/**
 * Exports `model` to ONNX by tracing `forward` on `args` (`torch.onnx.export`). Writes `f`
 * atomically (nothing at all is left there on error), or returns the bytes with
 * `{ returnBytes: true }`.
 *
 * @example
 * exportOnnx(net, [torch.randn(1, 3, 32, 32)], 'net.onnx', {
 *   inputNames: ['input'], outputNames: ['logits'], dynamicAxes: { input: [0], logits: [0] },
 * });
 */
const EXPORT_OPTIONS = declare('onnx.export', 'export(*, Any? opsetVersion=None, Any? inputNames=None, Any? outputNames=None, Any? dynamicAxes=None, bool? doConstantFolding=None, str? training=None, bool? exportParams=None, bool? keepInitializersAsInputs=None, Any? metadata=None)', { listed: false });

export function exportOnnx(model: Module, args: Tensor | readonly Tensor[], f: string, opts?: ExportOptions): void;
export function exportOnnx(model: Module, args: Tensor | readonly Tensor[], f: { returnBytes: true }, opts?: ExportOptions): Uint8Array;
export function exportOnnx(model: Module, args: Tensor | readonly Tensor[], f: string | { returnBytes: true }, opts: ExportOptions = {}): Uint8Array | void {
  // Unknown or mistyped option names raise PyTorch's TypeError (with a did-you-mean), never vanish.
  parseArgs(EXPORT_OPTIONS, [opts]);
  const proto = buildModel(model, isTensor(args) ? [args] : [...args], opts);
  if (typeof f === 'string') return writeModel(proto, f);
  if (initializerBytes(proto) > PROTOBUF_LIMIT) {
    throw new OnnxExportError(`cannot export ${model._getName()} (<top>): its initializers take ${initializerBytes(proto)} bytes, past protobuf's 2 GB; export to a file path so they go to external data`);
  }
  return toBinary(ModelProtoSchema, proto);
}

function buildModel(model: Module, inputs: Tensor[], opts: ExportOptions): ModelProto {
  const opset = opts.opsetVersion ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxExportError(`cannot export ${model._getName()} (<top>): opsetVersion ${opset} is not supported (${MIN_OPSET} to ${MAX_OPSET}; onnxruntime 1.30 reads up to ${MAX_OPSET})`);
  }
  if (inputs.length === 0 || !inputs.every(isTensor)) throw new OnnxExportError(`cannot export ${model._getName()} (<top>): args must be a Tensor or an array of Tensors`);
  const inputNames = opts.inputNames ?? (inputs.length === 1 ? ['input'] : inputs.map((_, i) => `input_${i}`));
  if (inputNames.length !== inputs.length) throw new OnnxExportError(`cannot export ${model._getName()} (<top>): ${inputNames.length} input names for ${inputs.length} inputs`);
  const dynamicAxes = opts.dynamicAxes ?? {};
  const inputAxes = inputNames.map((n) => (dynamicAxes[n] ? axesOf(dynamicAxes[n], n) : new Map<number, string>()));
  inputAxes.forEach((m, i) => {
    for (const a of m.keys()) {
      if (!Number.isInteger(a) || a < 0 || a >= inputs[i].ndim) throw new OnnxExportError(`cannot export dynamicAxes (<top>): axis ${a} of input '${inputNames[i]}' is out of range for its ${inputs[i].ndim} dims`);
    }
  });

  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  const mode = opts.training ?? 'eval';
  if (mode === 'eval') model.eval();
  else if (mode === 'train') model.train();
  const isLeaf = (m: Module): boolean => moduleSymbolic(m) !== undefined;
  let recA: Recording;
  let recB: Recording;
  try {
    recA = trace({ model, inputs, isLeaf, isTensor });
    const grown = inputAxes.some((m) => m.size > 0) ? noGrad(() => inputs.map((x, i) => grow(x, [...inputAxes[i].keys()]))) : null;
    recB = grown ? trace({ model, inputs: grown, isLeaf, isTensor }) : recA;
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
  const outputNames = opts.outputNames ?? (recA.outputs.length === 1 ? ['output'] : recA.outputs.map((_, i) => `output_${i}`));
  for (const name of Object.keys(dynamicAxes)) {
    if (!inputNames.includes(name) && !outputNames.includes(name)) {
      throw new OnnxExportError(`cannot export dynamicAxes (<top>): '${name}' matches no input or output name (inputs: ${inputNames.join(', ')}; outputs: ${outputNames.join(', ')})`);
    }
  }
  if (outputNames.length !== recA.outputs.length) throw new OnnxExportError(`cannot export ${model._getName()} (<top>): ${outputNames.length} output names for ${recA.outputs.length} outputs`);
  alignTraces(recA, recB);
  const proto = emit(recA, recB, { ...opts, opset, inputNames, outputNames, inputAxes });
  checkModel(proto);
  return proto;
}

/** Both traces must run the same ops; otherwise the graph depends on the dynamic sizes. */
function alignTraces(a: Recording, b: Recording): void {
  const n = Math.min(a.calls.length, b.calls.length);
  for (let i = 0; i < n; i++) {
    if (a.calls[i].op !== b.calls[i].op) throw exportError(a.calls[i].op, a.calls[i].path, `forward runs different ops when a dynamic axis changes size (${a.calls[i].op} vs ${b.calls[i].op}), so no single graph fits every size`);
  }
  if (a.calls.length !== b.calls.length) throw exportError('forward', '', `forward runs ${a.calls.length} ops for the example input but ${b.calls.length} when a dynamic axis changes size`);
}

interface EmitOptions extends ExportOptions { opset: number; inputNames: string[]; outputNames: string[]; inputAxes: Map<number, string>[] }

const ownTensor = (m: Module | null, name: string): Tensor | null => m?._parameters.get(name) ?? m?._buffers.get(name) ?? null;

/** Which recorded values reach an output: calls whose outputs are all unused are dropped. */
function liveValues(rec: Recording): Set<number> {
  const live = new Set<number>();
  for (const r of rec.outputs) if (r.kind === 'value') live.add(r.id);
  for (let i = rec.calls.length - 1; i >= 0; i--) {
    const c = rec.calls[i];
    if (!c.outputs.some((o) => live.has(o))) continue;
    for (const r of c.inputs) if (r.kind === 'value') live.add(r.id);
  }
  return live;
}

function emit(A: Recording, B: Recording, o: EmitOptions): ModelProto {
  const readSync = (t: Tensor): TypedArray => t.contiguous().dataSync();
  const g: GraphBuilder = new GraphBuilder(o.opset, o.doConstantFolding ?? true, readSync);
  const exportParams = o.exportParams ?? true;
  const live = liveValues(A);
  const uses = new Map<number, number>();
  const use = (r: Ref): void => { if (r.kind === 'value') uses.set(r.id, (uses.get(r.id) ?? 0) + 1); };
  for (const c of A.calls) if (c.outputs.some((v) => live.has(v))) c.inputs.forEach(use);
  A.outputs.forEach(use);
  const names: string[] = [];
  const graphInputs: ValueInfoProto[] = [];
  const initNames = new Set<string>();

  A.values.slice(0, o.inputNames.length).forEach((m, i) => {
    const name = g.claim(o.inputNames[i]);
    names[i] = name;
    const axes = o.inputAxes[i];
    graphInputs.push(valueInfo(name, m.dtype, m.shape.map((d, k): Dim => axes.get(k) ?? d)));
    g.remember(name, m.shape, B.values[i].shape);
  });

  const params = new Map<string, Operand>();
  const paramOperand = (name: string, t: Tensor): Operand => {
    let p = params.get(name);
    if (!p) {
      g.claim(name);
      if (exportParams) {
        g.initializer(name, t.dtype, t.shape, readSync(t));
        initNames.add(name);
      } else {
        graphInputs.push(valueInfo(name, t.dtype, t.shape));
      }
      p = { name, dtype: t.dtype, shape: [...t.shape], shapeB: [...t.shape], ref: { kind: 'param', name, tensor: t } };
      params.set(name, p);
    }
    return p;
  };
  const constNames = new Map<number, string>();
  const operand = (r: Ref, m: Meta, mB: Meta): Operand => {
    switch (r.kind) {
      case 'value': return { name: names[r.id], dtype: m.dtype, shape: m.shape, shapeB: mB.shape, ref: r, uses: uses.get(r.id) ?? 0 };
      case 'param': return paramOperand(r.name, r.tensor);
      case 'const': {
        let name = constNames.get(r.id);
        if (name === undefined) {
          const shapeB = B.consts[r.id]?.shape ?? m.shape;
          if (shapeB.every((d, i) => d === m.shape[i])) name = g.constant(m.dtype, m.shape, r.values);
          else if (r.values.every((v) => v === r.values[0])) {
            name = g.op('ConstantOfShape', [g.shapeTensor(m.shape, shapeB, false)], { value: tensorProto('', m.dtype, [1], [r.values[0] ?? 0]) });
          } else {
            g.fail('a tensor created inside forward has a shape that follows a dynamic axis and is not uniform; pass it as an input');
          }
          constNames.set(r.id, name);
        }
        return { name, dtype: m.dtype, shape: m.shape, shapeB: mB.shape, ref: r };
      }
    }
  };

  A.calls.forEach((call, ci) => {
    if (!call.outputs.some((v) => live.has(v))) return;
    const callB = B.calls[ci];
    g.scope = call.path === '' ? '' : `/${call.path.replace(/\./g, '/')}`;
    g.where = { op: call.op, path: call.path };
    const inputs = call.inputs.map((r, i) => operand(r, call.inputMeta[i], callB.inputMeta[i]));
    const slot = (x: unknown): unknown => (Array.isArray(x) ? x.map(slot) : x !== null && typeof x === 'object' && 'input' in x ? inputs[(x as ArgSlot).input] : x);
    const module = call.module;
    const prefix = call.path === '' ? '' : `${call.path}.`;
    const c: Call = {
      op: call.op, path: call.path, attrs: call.attrs, attrsB: callB.attrs, inputs, module,
      outputs: call.outputMeta.map((m, i) => ({ shape: m.shape, shapeB: callB.outputMeta[i].shape, dtype: m.dtype, used: live.has(call.outputs[i]) })),
      args: call.kind === 'module' ? call.args.map(slot) : [],
      param: (n) => {
        const t = ownTensor(module, n);
        return t ? paramOperand(prefix + n, t) : null;
      },
      tensor: (n) => ownTensor(module, n),
    };
    const fn = call.kind === 'module' ? moduleSymbolic(module as Module) : opSymbolic(call.op);
    if (!fn) g.fail(`op '${call.op}' has no ONNX mapping`);
    const r = fn(g, c);
    const outs = typeof r === 'string' ? [r] : r;
    call.outputs.forEach((id, i) => {
      if (!live.has(id)) return;
      const n = outs[i];
      if (!n) g.fail(`output ${i} of ${call.op} is used but not exported`);
      names[id] = n;
      g.remember(n, call.outputMeta[i].shape, callB.outputMeta[i].shape);
    });
  });

  // Graph outputs take the user's names: the producing node's output is renamed, or an Identity
  // is added when the value is also an input, an initializer, or another output.
  g.scope = '';
  g.where = { op: 'output', path: '' };
  const rename = new Map<string, string>();
  const inputSet = new Set(o.inputNames);
  const outputs = A.outputs.map((r, i) => {
    const m: Meta = r.kind === 'value' ? A.values[r.id] : r.kind === 'param' ? { shape: [...r.tensor.shape], dtype: r.tensor.dtype } : r.kind === 'const' ? A.consts[r.id] : { shape: [], dtype: 'float32' };
    const rB = B.outputs[i];
    const mB: Meta = rB.kind === 'value' ? B.values[rB.id] : m;
    const src = operand(r, m, mB).name;
    const want = g.claim(o.outputNames[i]);
    const produced = !inputSet.has(src) && !initNames.has(src) && !rename.has(src) && g.nodes.some((n) => n.output.includes(src));
    if (produced) rename.set(src, want);
    else g.nodes.push(nodeProto('Identity', `/Identity_${want}`, [src], [want], {}));
    const axes = o.dynamicAxes?.[o.outputNames[i]] ? axesOf(o.dynamicAxes[o.outputNames[i]], o.outputNames[i]) : new Map<number, string>();
    return valueInfo(want, m.dtype, m.shape.map((d, k): Dim => axes.get(k) ?? (d !== mB.shape[k] ? `${o.outputNames[i]}_dynamic_axes_${k + 1}` : d)));
  });
  for (const n of g.nodes) {
    n.input = n.input.map((x) => rename.get(x) ?? x);
    n.output = n.output.map((x) => rename.get(x) ?? x);
  }
  g.pruneInitializers(new Set(o.outputNames));
  if (o.keepInitializersAsInputs) for (const t of g.initializers) graphInputs.push(valueInfo(t.name, dtypeOfProto(t.dataType), t.dims.map(Number)));

  const graph = create(GraphProtoSchema, { name: 'main_graph', node: g.nodes, initializer: g.initializers, input: graphInputs, output: outputs });
  const modelProto = create(ModelProtoSchema, {
    irVersion: BigInt(irVersionFor(o.opset)), producerName: 'flambeau', producerVersion: '0.1.0', graph,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(o.opset) })],
    metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
  });
  return modelProto;
}

