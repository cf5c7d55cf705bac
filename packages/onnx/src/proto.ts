import { create } from '@bufbuild/protobuf';
import {
  type AttributeProto, AttributeProtoSchema, AttributeProto_AttributeType, type NodeProto, NodeProtoSchema,
  type TensorProto, TensorProtoSchema, TensorProto_DataType, TensorShapeProtoSchema, TensorShapeProto_DimensionSchema,
  TypeProtoSchema, TypeProto_TensorSchema, type ValueInfoProto, ValueInfoProtoSchema,
} from 'onnx-buf';
import { type DType, type TypedArray, halfBits } from '@flambeau/tensor';

/** ONNX element types of Flambeau's dtypes. */
export const ONNX_DTYPE: Record<DType, TensorProto_DataType> = {
  float16: TensorProto_DataType.FLOAT16,
  float32: TensorProto_DataType.FLOAT,
  float64: TensorProto_DataType.DOUBLE,
  int32: TensorProto_DataType.INT32,
  int64: TensorProto_DataType.INT64,
  uint8: TensorProto_DataType.UINT8,
  bool: TensorProto_DataType.BOOL,
};

/** Bytes per element as ONNX stores them in `raw_data` (little endian, bool as one byte). */
export const ELEMENT_BYTES: Partial<Record<TensorProto_DataType, number>> = {
  [TensorProto_DataType.FLOAT16]: 2, [TensorProto_DataType.FLOAT]: 4, [TensorProto_DataType.DOUBLE]: 8, [TensorProto_DataType.INT32]: 4,
  [TensorProto_DataType.INT64]: 8, [TensorProto_DataType.UINT8]: 1, [TensorProto_DataType.BOOL]: 1,
};

/** Values to little-endian `raw_data` for `dtype` (typed arrays of the host are little endian here). */
function rawBytes(dtype: DType, values: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const n = values.length;
  switch (dtype) {
    case 'float32': return new Uint8Array(Float32Array.from(values).buffer);
    case 'float16': return new Uint8Array(Uint16Array.from(values, halfBits).buffer);
    case 'float64': return new Uint8Array(Float64Array.from(values).buffer);
    case 'int32': return new Uint8Array(Int32Array.from(values).buffer);
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(values[i]));
      return new Uint8Array(out.buffer);
    }
    case 'uint8': case 'bool': return Uint8Array.from(values);
  }
}

/** A TensorProto holding `values` (row major) as raw data. */
export function tensorProto(name: string, dtype: DType, dims: readonly number[], values: TypedArray | readonly number[]): TensorProto {
  return create(TensorProtoSchema, {
    name, dataType: ONNX_DTYPE[dtype], dims: dims.map((d) => BigInt(d)), rawData: rawBytes(dtype, values as ArrayLike<number>),
  });
}

/** A dimension: a fixed size or a symbolic name (`dim_param`). */
export type Dim = number | string;

export function valueInfo(name: string, dtype: DType, shape: readonly Dim[] | null): ValueInfoProto {
  const dims = shape?.map((d) => create(TensorShapeProto_DimensionSchema, {
    value: typeof d === 'string' ? { case: 'dimParam', value: d } : { case: 'dimValue', value: BigInt(d) },
  }));
  const tensorType = create(TypeProto_TensorSchema, {
    elemType: ONNX_DTYPE[dtype], shape: dims ? create(TensorShapeProtoSchema, { dim: dims }) : undefined,
  });
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
}

/** Attribute values as a symbolic function writes them; arrays of integers are `ints`. */
export type AttrValue = number | string | readonly number[] | TensorProto | { floats: readonly number[] } | { float: number } | { strings: readonly string[] };

function attribute(name: string, v: AttrValue): AttributeProto {
  const T = AttributeProto_AttributeType;
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (typeof v === 'number') {
    return Number.isInteger(v)
      ? create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(v) })
      : create(AttributeProtoSchema, { name, type: T.FLOAT, f: v });
  }
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: T.INTS, ints: v.map((x: number) => BigInt(x)) });
  if ('floats' in v) return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: [...v.floats] });
  if ('strings' in v) return create(AttributeProtoSchema, { name, type: T.STRINGS, strings: v.strings.map((x) => new TextEncoder().encode(x)) });
  if ('float' in v) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: v.float });
  return create(AttributeProtoSchema, { name, type: T.TENSOR, t: v as TensorProto });
}

export function nodeProto(opType: string, name: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue | undefined>): NodeProto {
  const attribute_ = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => attribute(k, v as AttrValue));
  return create(NodeProtoSchema, { opType, name, input: [...inputs], output: [...outputs], attribute: attribute_ });
}

/** The Flambeau dtype of an ONNX element type. */
export function dtypeOfProto(t: TensorProto_DataType): DType {
  const d = (Object.keys(ONNX_DTYPE) as DType[]).find((k) => ONNX_DTYPE[k] === t);
  if (!d) throw new RangeError(`ONNX element type ${t} has no Flambeau dtype`);
  return d;
}
