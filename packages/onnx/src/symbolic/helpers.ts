import { type DType, isFloating } from '@flambeau/tensor';
import type { Call, GraphBuilder, Operand } from '../graph.js';

/** `dim` counted from the front (PyTorch accepts negative dims). */
export function normDim(dim: number, rank: number): number {
  return dim < 0 ? dim + rank : dim;
}

/** The `dim` attribute as a list of non-negative axes (all axes when absent). */
export function dimList(dim: unknown, rank: number): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: rank }, (_, i) => i);
  return (Array.isArray(dim) ? (dim as number[]) : [dim as number]).map((d) => normDim(d, rank));
}

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, int64: 3, float16: 4, float32: 5, float64: 6 };

/**
 * The operands of a binary op as graph values of one dtype. A JS scalar arrives as `attrs.scalar`
 * (with `attrs.reverse` when it is the left operand) and becomes a 0-dim constant of the tensor's
 * compute dtype, which is how PyTorch promotes a Python number.
 */
export function binaryOperands(g: GraphBuilder, c: Call, compute?: DType): [string, string, DType] {
  const tensors = c.inputs;
  let operands: (Operand | number)[] = [...c.inputs];
  if (typeof c.attrs.scalar === 'number' || typeof c.attrs.scalar === 'boolean') {
    const s = Number(c.attrs.scalar);
    operands = c.attrs.reverse ? [s, ...operands] : [...operands, s];
  }
  if (operands.length !== 2) g.fail(`expected two operands, got ${operands.length}`);
  let dtype = compute;
  if (!dtype) {
    dtype = tensors.reduce<DType>((d, o) => (RANK[o.dtype] > RANK[d] ? o.dtype : d), tensors[0].dtype);
    const s = operands.find((o): o is number => typeof o === 'number');
    if (s !== undefined && !Number.isInteger(s) && !isFloating(dtype)) dtype = 'float32';
  }
  const d = dtype;
  const names = operands.map((o) => (typeof o === 'number' ? g.scalar(o, d) : g.as(o, d)));
  return [names[0], names[1], d];
}

/** `Unsqueeze` (axes as an input in every opset this exporter writes, 13+). */
export function unsqueeze(g: GraphBuilder, x: string, axes: number[]): string {
  return g.op('Unsqueeze', [x, g.i64(axes)]);
}

export function squeeze(g: GraphBuilder, x: string, axes: number[]): string {
  return g.op('Squeeze', [x, g.i64(axes)]);
}

/** Reductions: ReduceSum takes axes as an input from opset 13, the others from 18. */
export function reduce(g: GraphBuilder, op: string, x: string, axes: number[] | null, keepdims: boolean): string {
  const attrs: Record<string, number> = { keepdims: keepdims ? 1 : 0 };
  const inputFrom = op === 'ReduceSum' ? 13 : 18;
  if (axes === null) return g.op(op, [x], attrs);
  if (g.opset >= inputFrom) return g.op(op, [x, g.i64(axes)], attrs);
  return g.op(op, [x], { ...attrs, axes });
}

/** `Split` into pieces of the given sizes (opset 13+ takes the sizes as an input). */
export function split(g: GraphBuilder, x: string, axis: number, sizes: number[]): string[] {
  return g.node('Split', [x, g.i64(sizes)], { axis }, sizes.length);
}

/** `Slice` of one axis, `end` past the size meaning "to the end" even on dynamic axes. */
export function slice(g: GraphBuilder, x: string, axis: number, start: number, end: number, step = 1): string {
  return g.op('Slice', [x, g.i64([start]), g.i64([end]), g.i64([axis]), g.i64([step])]);
}

/** An operand's dims that change with the dynamic axes. */
export function dynamicDims(o: { shape: number[]; shapeB: number[] }): number[] {
  return o.shape.flatMap((d, i) => (d !== o.shapeB[i] ? [i] : []));
}

/** The first output, for symbolics of single-output calls that also return unused extras. */
export const out0 = (c: Call): { shape: number[]; shapeB: number[]; dtype: DType } => c.outputs[0];

/** Row-major `values` of `shape` transposed by `perm` (folding a Transpose of a parameter). */
export function permuteValues(values: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Float64Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) { inStrides[i] = s; s *= shape[i]; }
  const out = new Float64Array(values.length);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < out.length; k++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i] * inStrides[perm[i]];
    out[k] = values[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}
