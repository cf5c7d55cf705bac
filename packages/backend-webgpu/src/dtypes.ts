import { type DType, type TypedArray, DTypeError, RuntimeError, allocArray } from '@flambeau/tensor';

/**
 * How each dtype lives on the GPU: every element is one 32-bit word.
 * - float32 → `f32`; int32 → `i32`;
 * - int64 → `i32`: values are range-checked when uploaded (PyTorch creates int64 by default for
 *   indices and labels, and those fit); arithmetic wraps at 32 bits on the device;
 * - bool and uint8 → `u32` words holding 0/1 and 0..255 (one word per element: no packing, so
 *   every kernel indexes them like the other dtypes);
 * - float64 is refused: WGSL has no 64-bit floats.
 */
export type WgslType = 'f32' | 'i32' | 'u32';

export function wgslType(dtype: DType): WgslType {
  switch (dtype) {
    case 'float32': return 'f32';
    case 'int32': case 'int64': return 'i32';
    case 'bool': case 'uint8': return 'u32';
    default: throw float64Error(dtype);
  }
}

export function float64Error(dtype: DType): DTypeError {
  return new DTypeError(
    `Cannot use ${dtype} on the webgpu device: WebGPU has no 64-bit floating point. ` +
      `Convert to float32 first (e.g. \`t.float()\` or \`t.to('float32')\`) before moving it to 'webgpu'.`,
  );
}

/** Host data → the 32-bit words uploaded for `dtype` (int64 range-checked). */
export function toWords(data: TypedArray, dtype: DType): Uint32Array {
  const n = data.length;
  switch (dtype) {
    case 'float32': {
      const f = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
      return new Uint32Array(f.buffer, f.byteOffset, n);
    }
    case 'int32': {
      const i = data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
      return new Uint32Array(i.buffer, i.byteOffset, n);
    }
    case 'int64': {
      const out = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const v = data[k];
        if (v > 2147483647 || v < -2147483648) {
          throw new RuntimeError(
            `value ${v} at index ${k} is outside the int32 range [-2147483648, 2147483647]: ` +
              `the webgpu device stores int64 tensors as 32-bit integers`,
          );
        }
        out[k] = v;
      }
      return new Uint32Array(out.buffer);
    }
    case 'bool': {
      const out = new Uint32Array(n);
      for (let k = 0; k < n; k++) out[k] = data[k] ? 1 : 0;
      return out;
    }
    case 'uint8': {
      const out = new Uint32Array(n);
      for (let k = 0; k < n; k++) out[k] = data[k] & 255;
      return out;
    }
    default: throw float64Error(dtype);
  }
}

/** Words read back from the GPU → the host typed array Flambeau uses for `dtype`. */
export function fromWords(words: ArrayBuffer, n: number, dtype: DType): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(words, 0, n).slice();
    case 'int32': return new Int32Array(words, 0, n).slice();
    case 'int64': return Float64Array.from(new Int32Array(words, 0, n));
    case 'bool': case 'uint8': {
      const out = allocArray(dtype, n);
      out.set(new Uint32Array(words, 0, n));
      return out;
    }
    default: throw float64Error(dtype);
  }
}

/** WGSL expression converting `e` (held as `from`) to `to`, with PyTorch's cast rules. */
export function castExpr(e: string, from: DType, to: DType): string {
  const f = wgslType(from), t = wgslType(to);
  if (to === 'bool') {
    if (from === 'bool') return e;
    // NaN is true; written with a bit test because `x != 0.0` may be compiled as an ordered compare.
    return f === 'f32' ? `select(0u, 1u, ${e} != 0.0 || isNanF(${e}))` : `select(0u, 1u, ${e} != ${zero(f)})`;
  }
  if (to === 'uint8') {
    if (from === 'uint8' || from === 'bool') return e;
    return f === 'f32' ? `(u32(i32(${e})) & 255u)` : `(u32(${e}) & 255u)`;
  }
  if (f === t) return e;
  return `${t}(${e})`;
}

export function zero(t: WgslType): string {
  return t === 'f32' ? '0.0' : t === 'i32' ? '0i' : '0u';
}
