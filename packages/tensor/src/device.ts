import { RuntimeError } from './errors.js';

/**
 * A device: its type and index (`torch.device`). Devices are interned, so `a.device === b.device`
 * compares them and `String(d)` is PyTorch's spelling (`'cpu'`, `'webgpu:1'`).
 *
 * @example
 * torch.device('webgpu:1').index; // 1
 * x.device === torch.device('cpu'); // true for CPU tensors
 */
export class Device {
  private static readonly interned = new Map<string, Device>();

  private constructor(readonly type: string, readonly index: number | null) {}

  /** The device `spec` names: `'cpu'`, `'webgpu'`, `'webgpu:1'`, a Device, or a type and index. */
  static of(spec: DeviceLike, index?: number | null): Device {
    if (spec instanceof Device) return spec;
    const m = /^([a-z_]+)(?::(\d+))?$/.exec(String(spec));
    if (!m) throw new RuntimeError(`Invalid device string: '${String(spec)}'`);
    const idx = m[2] !== undefined ? Number(m[2]) : index ?? null;
    const key = idx === null ? m[1] : `${m[1]}:${idx}`;
    let d = Device.interned.get(key);
    if (!d) Device.interned.set(key, (d = new Device(m[1], idx)));
    return d;
  }

  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
  toJSON(): string {
    return this.toString();
  }
}

/** What a `device=` argument accepts: a device string or a Device. */
export type DeviceLike = string | Device;

/** `torch.device('cuda:0')`-style constructor: `device('webgpu', 1)` or `device('webgpu:1')`. */
export function device(spec: DeviceLike, index?: number): Device {
  return Device.of(spec, index);
}
