import { type DType, type TypedArray, DTypeError, RuntimeError, allocArray, halfBits, halfFromBits } from '@flambeau/tensor';

/**
 * How each dtype lives on the GPU: every element is one 32-bit word, except float16.
 * - float32 → `f32`; int32 → `i32`;
 * - float16 → `f16` (two bytes per element; needs the adapter's `shader-f16` feature). Kernels
 *   load it, compute in f32 (PyTorch's `opmath` for Half on CUDA) and store f16;
 * - int64 → `i32`: values are range-checked when uploaded (PyTorch creates int64 by default for
 *   indices and labels, and those fit); arithmetic wraps at 32 bits on the device;
 * - bool and uint8 → `u32` words holding 0/1 and 0..255 (one word per element: no packing, so
 *   every kernel indexes them like the other dtypes);
 * - float64 is refused: WGSL has no 64-bit floats.
 */
export type WgslType = 'f32' | 'f16' | 'i32' | 'u32';

export function wgslType(dtype: DType): WgslType {
  switch (dtype) {
    case 'float32': return 'f32';
    case 'float16': return 'f16';
    case 'int32': case 'int64': return 'i32';
    case 'bool': case 'uint8': return 'u32';
    default: throw float64Error(dtype);
  }
}

/** Bytes one element of `dtype` takes in a GPU buffer. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float16' ? 2 : 4;
}

/** Bytes a buffer (or a copy out of it) needs for `n` elements: copies move multiples of 4 bytes. */
export function bufferBytes(dtype: DType, n: number): number {
  return Math.ceil((n * bytesPerElement(dtype)) / 4) * 4;
}

/** The dtype kernels compute in: float16 is loaded into f32 and stored back as f16. */
export function mathDtype(dtype: DType): DType {
  return dtype === 'float16' ? 'float32' : dtype;
}

/** Refuses float16 on a device without `shader-f16` (Chromium's SwiftShader, some mobile GPUs). */
export function float16Error(): DTypeError {
  return new DTypeError(
    "Cannot use float16 on this webgpu device: its adapter does not offer the 'shader-f16' feature " +
      "(Chromium's SwiftShader and some GPUs lack it). Use float32 (`t.float()`) on this device.",
  );
}

export function float64Error(dtype: DType): DTypeError {
  return new DTypeError(
    `Cannot use ${dtype} on the webgpu device: WebGPU has no 64-bit floating point. ` +
      `Convert to float32 first (e.g. \`t.float()\` or \`t.to('float32')\`) before moving it to 'webgpu'.`,
  );
}

/** Host data → the 32-bit words uploaded for `dtype` (int64 range-checked; float16 two per word). */
export function toWords(data: TypedArray, dtype: DType): Uint32Array {
  const n = data.length;
  switch (dtype) {
    case 'float16': {
      const half = new Uint16Array(bufferBytes(dtype, n) / 2);
      for (let k = 0; k < n; k++) half[k] = halfBits(data[k]);
      return new Uint32Array(half.buffer);
    }
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
    // Flambeau's host form of float16: a Float32Array of half values (Node 20 has no Float16Array).
    case 'float16': return Float32Array.from(new Uint16Array(words, 0, n), halfFromBits);
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
  // float16 converts through f32 both ways. WGSL lets f32 → f16 round either way (lavapipe rounds
  // to nearest even and overflows to ±inf, as PyTorch does).
  if (from === 'float16') return to === 'float16' ? e : castExpr(`f32(${e})`, 'float32', to);
  if (to === 'float16') return `f16(${castExpr(e, from, 'float32')})`;
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
  return t === 'f32' ? '0.0' : t === 'f16' ? '0.0h' : t === 'i32' ? '0i' : '0u';
}
