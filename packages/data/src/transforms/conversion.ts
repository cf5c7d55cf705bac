import { type Args, DTypeError, Tensor, ValueError, declare, fromArray, parseArgs } from '@flambeau/tensor';
import { type Image, imageToTensor, isImage } from '../image_buffer.js';
import { Transform } from './transform.js';

/** `byte / 255` in float32 for every byte value, as `img.float().div(255)` computes it. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * `ToTensor()`: an `Image` (HWC uint8) → float32 CHW tensor in [0, 1].
 *
 * @example new ToTensor()(img).shape // [3, H, W]
 */
const TO_TENSOR = declare('transforms.ToTensor', 'ToTensor()');
const PIL_TO_TENSOR = declare('transforms.PILToTensor', 'PILToTensor()');
const NORMALIZE = declare('transforms.Normalize', 'Normalize(float[] mean, float[] std, bool inplace=False)');

export class ToTensor extends Transform<Image, Tensor> {
  static override readonly __name__: string = 'ToTensor';
  constructor(...args: []) { super(); parseArgs(TO_TENSOR, args); }
  forward(pic: Image): Tensor {
    if (!isImage(pic)) throw new DTypeError(`pic should be PIL Image or ndarray. Got ${(pic as unknown) instanceof Tensor ? "Tensor" : typeof pic}`);
    const { width: w, height: h, channels: c, data } = pic;
    const n = w * h;
    const out = new Float32Array(n * c);
    for (let k = 0; k < c; k++) {
      const o = k * n;
      for (let p = 0, s = k; p < n; p++, s += c) out[o + p] = BYTE_TO_UNIT[data[s]];
    }
    return fromArray(out, [c, h, w], { dtype: 'float32', device: 'cpu' });
  }
}

/** `PILToTensor()`: an `Image` → uint8 CHW tensor, values unchanged. */
export class PILToTensor extends Transform<Image, Tensor> {
  static override readonly __name__: string = 'PILToTensor';
  constructor(...args: []) { super(); parseArgs(PIL_TO_TENSOR, args); }
  forward(pic: Image): Tensor {
    if (!isImage(pic)) throw new DTypeError(`pic should be PIL Image. Got ${typeof pic}`);
    return imageToTensor(pic);
  }
}

/**
 * `Normalize(mean, std, inplace=False)`: `(x - mean[c]) / std[c]` per channel of a float tensor
 * `[..., C, H, W]`, in the tensor's dtype.
 *
 * @example new Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261])
 */
export class Normalize extends Transform<Tensor, Tensor> {
  static override readonly __name__: string = 'Normalize';
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly opts: { inplace: boolean };
  constructor(...args: [mean: readonly number[], ...Args<[std: readonly number[], inplace: boolean], { std?: readonly number[]; inplace?: boolean }>]) {
    super(...args);
    const { mean, std, inplace } = parseArgs(NORMALIZE, args);
    this.mean = mean;
    this.std = std;
    this.opts = { inplace };
  }
  forward(t: Tensor): Tensor {
    if (!(t instanceof Tensor)) throw new DTypeError(`img should be Tensor Image. Got ${typeof t}`);
    if (!t.isFloatingPoint()) throw new DTypeError(`Input tensor should be a float tensor. Got torch.${t.dtype}.`);
    if (t.ndim < 3) throw new ValueError(`Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${t.shape.join(', ')}]`);
    const c = t.shape[t.ndim - 3], n = t.shape[t.ndim - 1] * t.shape[t.ndim - 2];
    const f = t.dtype === 'float32' ? Math.fround : (v: number) => v;
    const expand = (v: readonly number[], what: string) => {
      if (v.length !== 1 && v.length !== c) throw new ValueError(`${what} has ${v.length} values for a tensor with ${c} channels`);
      return Array.from({ length: c }, (_, k) => f(v[v.length === 1 ? 0 : k]));
    };
    const mean = expand(this.mean, 'mean'), std = expand(this.std, 'std');
    if (std.some((s) => s === 0)) throw new ValueError(`std evaluated to zero after conversion to torch.${t.dtype}, leading to division by zero.`);
    const src = t.contiguous().dataSync();
    const inplace = this.opts.inplace && t.isContiguous();
    const out = inplace ? src : new (src.constructor as Float32ArrayConstructor)(src.length);
    for (let base = 0, k = 0; base < src.length; base += n, k = (k + 1) % c) {
      const m = mean[k], s = std[k], end = base + n;
      // The float32 array's store rounds the quotient, so only the difference needs f().
      for (let i = base; i < end; i++) out[i] = f(src[i] - m) / s;
    }
    if (inplace) {
      t._version.value++;
      return t;
    }
    return fromArray(out, t.shape, { dtype: t.dtype, device: 'cpu' });
  }
  private tables: Float32Array | null = null;

  /**
   * `Normalize(ToTensor()(img))` in one pass: each output value depends only on the byte and the
   * channel, so a 256-entry table per channel gives exactly the two-step result. Compose uses this
   * for the common `ToTensor(), Normalize(...)` pair.
   */
  fromImage(pic: Image): Tensor {
    if (!isImage(pic)) return this.forward(new ToTensor()(pic));
    const { width: w, height: h, channels: c, data } = pic;
    const f = Math.fround;
    if (this.mean.length !== 1 && this.mean.length !== c) throw new ValueError(`mean has ${this.mean.length} values for a tensor with ${c} channels`);
    if (this.std.length !== 1 && this.std.length !== c) throw new ValueError(`std has ${this.std.length} values for a tensor with ${c} channels`);
    if (!this.tables || this.tables.length !== 256 * c) {
      const t = new Float32Array(256 * c);
      for (let k = 0; k < c; k++) {
        const m = f(this.mean[this.mean.length === 1 ? 0 : k]), sd = f(this.std[this.std.length === 1 ? 0 : k]);
        if (sd === 0) throw new ValueError('std evaluated to zero after conversion to torch.float32, leading to division by zero.');
        for (let v = 0; v < 256; v++) t[k * 256 + v] = f(BYTE_TO_UNIT[v] - m) / sd;
      }
      this.tables = t;
    }
    const tables = this.tables, n = w * h;
    const out = new Float32Array(n * c);
    for (let k = 0; k < c; k++) {
      const o = k * n, tk = k * 256;
      for (let p = 0, s = k; p < n; p++, s += c) out[o + p] = tables[tk + data[s]];
    }
    return fromArray(out, [c, h, w], { dtype: 'float32', device: 'cpu' });
  }

  override toString(): string { return `Normalize(mean=[${this.mean.join(', ')}], std=[${this.std.join(', ')}])`; }
}
