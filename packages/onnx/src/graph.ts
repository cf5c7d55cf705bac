import type { NodeProto, TensorProto } from 'onnx-buf';
import type { Attrs, DType, Tensor, TypedArray } from '@flambeau/tensor';
import type { Module } from '@flambeau/nn';
import { type AttrValue, ONNX_DTYPE, nodeProto, tensorProto } from './proto.js';
import { exportError } from './errors.js';
import type { Ref } from './trace.js';

/** One input of a call as the symbolic functions see it: a graph value with its example shapes. */
export interface Operand {
  name: string;
  dtype: DType;
  /** The shape in the example trace, and in the second trace with every dynamic axis grown by one. */
  shape: number[];
  shapeB: number[];
  ref: Ref;
  /** How many exported calls (and graph outputs) read this value. */
  uses?: number;
}

export interface OutputMeta { shape: number[]; shapeB: number[]; dtype: DType; used: boolean }

/** A call ready for its symbolic function. */
export interface Call {
  op: string;
  path: string;
  attrs: Attrs;
  /** The same call's attributes in the second trace (shape arguments differ on dynamic axes). */
  attrsB: Attrs;
  inputs: Operand[];
  outputs: OutputMeta[];
  module: Module | null;
  /** A leaf module's forward arguments with tensors replaced by their operands. */
  args: unknown[];
  /** A leaf module's own parameter or buffer (`weight`, `running_mean`) as an initializer; null when absent. */
  param: (name: string) => Operand | null;
  /** The same parameter's tensor, without adding it to the graph (to fold or reorder it). */
  tensor: (name: string) => Tensor | null;
}

/** A float attribute, even when its value is integral (`alpha=1.0`). */
export const float = (x: number): AttrValue => ({ float: x });

/**
 * Builds the ONNX graph: nodes named after the module scope they ran in (`/layer1/conv/Conv`,
 * outputs `/layer1/conv/Conv_output_0`), as torch.onnx names them, plus initializers.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  /** Shapes of named values (both traces), to rebuild dynamic dimensions from `Shape` of one. */
  readonly known: { name: string; shape: number[]; shapeB: number[] }[] = [];
  private readonly used = new Set<string>();
  private readonly initValues = new Map<string, { dtype: DType; dims: number[]; values: ArrayLike<number> }>();
  scope = '';
  /** The op and module path of the call being emitted, for error messages. */
  where = { op: '', path: '' };

  constructor(
    readonly opset: number,
    /** `doConstantFolding`: fold work on parameters (transposes, BatchNorm into Conv) at export. */
    readonly fold: boolean,
    /** Reads a parameter's values (the exporter may read synchronously; ops may not). */
    readonly read: (t: Tensor) => TypedArray,
  ) {}

  /** A fresh initializer name derived from `base` (folded or reordered parameters). */
  freshName(base: string): string {
    return this.unique(base);
  }

  fail(reason: string): never {
    throw exportError(this.where.op, this.where.path, reason);
  }

  requireOpset(min: number, what: string): void {
    if (this.opset < min) this.fail(`${what} needs opset ${min} or newer (exporting opset ${this.opset})`);
  }

  private unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Reserves a value name (graph inputs, initializers). */
  claim(name: string): string {
    if (this.used.has(name)) this.fail(`the name '${name}' is used twice`);
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns its output names. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue | undefined> = {}, outputs = 1): string[] {
    const name = this.unique(`${this.scope}/${opType}`);
    const outs = Array.from({ length: outputs }, (_, i) => this.unique(`${name}_output_${i}`));
    this.nodes.push(nodeProto(opType, name, inputs, outs, attrs));
    return outs;
  }

  /** `node` with one output. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue | undefined> = {}): string {
    return this.node(opType, inputs, attrs, 1)[0];
  }

  /** A constant tensor: a Constant node for small ones (shapes, scalars), an initializer otherwise. */
  constant(dtype: DType, dims: readonly number[], values: TypedArray | readonly number[]): string {
    if (values.length <= 64) return this.op('Constant', [], { value: tensorProto('', dtype, dims, values) });
    const name = this.unique(`${this.scope}/Constant_value`);
    this.initializers.push(tensorProto(name, dtype, dims, values));
    return name;
  }

  i64(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  scalar(value: number, dtype: DType): string {
    return this.constant(dtype, [], [value]);
  }

  initializer(name: string, dtype: DType, dims: readonly number[], values: TypedArray | readonly number[]): void {
    this.initializers.push(tensorProto(name, dtype, dims, values));
    this.initValues.set(name, { dtype, dims: [...dims], values });
  }

  /** The values of an initializer this builder wrote (for folding), or undefined. */
  initializerValues(name: string): { dtype: DType; dims: number[]; values: ArrayLike<number> } | undefined {
    return this.initValues.get(name);
  }

  /** The node that produced `name`, if one did. */
  producer(name: string): NodeProto | undefined {
    for (let i = this.nodes.length - 1; i >= 0; i--) if (this.nodes[i].output.includes(name)) return this.nodes[i];
    return undefined;
  }

  /** Drops initializers no node reads (their values were folded into others). */
  pruneInitializers(keep: ReadonlySet<string>): void {
    const read = new Set(this.nodes.flatMap((n) => n.input));
    const kept = this.initializers.filter((t) => read.has(t.name) || keep.has(t.name));
    this.initializers.splice(0, this.initializers.length, ...kept);
  }

  cast(x: string, from: DType, to: DType): string {
    return from === to ? x : this.op('Cast', [x], { to: ONNX_DTYPE[to] });
  }

  /** An operand converted to `to`. */
  as(o: Operand, to: DType): string {
    return this.cast(o.name, o.dtype, to);
  }

  remember(name: string, shape: number[], shapeB: number[]): void {
    this.known.push({ name, shape, shapeB });
  }

  /**
   * The int64 tensor of a target shape whose entries may follow dynamic axes: one varying entry
   * becomes -1; each other varying entry is read with Shape/Gather from a value that carries the
   * same dimension in both traces. Never the example's size baked in.
   */
  shapeTensor(shape: readonly number[], shapeB: readonly number[], allowMinusOne = true): string {
    const dynamic = shape.map((d, i) => d !== shapeB[i]);
    const nDyn = dynamic.filter(Boolean).length;
    if (nDyn === 0) return this.i64(shape);
    const parts: (number | string)[] = [...shape];
    // One varying entry is -1: it keeps the graph free of Shape nodes.
    let minusOneUsed = false;
    for (let i = 0; i < shape.length; i++) {
      if (!dynamic[i]) continue;
      if (allowMinusOne && nDyn === 1) {
        parts[i] = -1;
        continue;
      }
      const src = this.findDim(shape[i], shapeB[i]);
      if (src) parts[i] = this.dims(src.name, src.dim, src.dim + 1);
      else if (allowMinusOne && !minusOneUsed) {
        parts[i] = -1;
        minusOneUsed = true;
      } else {
        this.fail(`dimension ${i} of the target shape [${shape.join(', ')}] follows a dynamic axis in a way the exporter cannot rebuild (it is no dimension of an earlier value)`);
      }
    }
    const pieces: string[] = [];
    let run: number[] = [];
    for (const p of parts) {
      if (typeof p === 'number') run.push(p);
      else {
        if (run.length) pieces.push(this.i64(run));
        run = [];
        pieces.push(p);
      }
    }
    if (run.length) pieces.push(this.i64(run));
    return pieces.length === 1 ? pieces[0] : this.op('Concat', pieces, { axis: 0 });
  }

  /** `x.shape[start:end]` as an int64 tensor (Shape's start/end attributes exist from opset 15). */
  dims(x: string, start: number, end: number): string {
    if (this.opset >= 15) return this.op('Shape', [x], { start, end });
    return this.op('Slice', [this.op('Shape', [x]), this.i64([start]), this.i64([end]), this.i64([0])]);
  }

  private findDim(a: number, b: number): { name: string; dim: number } | null {
    for (const k of this.known) {
      for (let d = 0; d < k.shape.length; d++) if (k.shape[d] === a && k.shapeB[d] === b) return { name: k.name, dim: d };
    }
    return null;
  }
}
