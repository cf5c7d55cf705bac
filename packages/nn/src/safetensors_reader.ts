import { NotImplementedError, type Tensor, fromArray } from '@flambeau/tensor';
import { IO_CHUNK, nodeModules } from './node_fs.js';
import { SafetensorError, type SafetensorsHeader, type TensorEntry, checkHeaderLength, parseHeader } from './safetensors_header.js';

/** Random-access bytes: a file handle or a buffer in memory. */
interface ByteSource {
  readonly size: number;
  /** Fills `into` from `position` or throws. */
  read(into: Uint8Array, position: number): void;
  close(): void;
}

function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read(into, position) { into.set(bytes.subarray(position, position + into.byteLength)); },
    close() {},
  };
}

function fileSource(file: string): ByteSource {
  const { fs } = nodeModules('load');
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new SafetensorError(JSON.stringify(file), 'IoError', `cannot open the file (${(e as Error).message})`);
  }
  let size: number;
  try {
    size = fs.fstatSync(fd).size;
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return {
    size,
    read(into, position) {
      for (let off = 0; off < into.byteLength;) {
        const n = fs.readSync(fd, into, off, Math.min(IO_CHUNK, into.byteLength - off), position + off);
        if (n === 0) throw new SafetensorError(file, 'IoError', `the file ended at byte ${position + off} while reading (was it truncated while open?)`);
        off += n;
      }
    },
    close() { fs.closeSync(fd); },
  };
}

const PICKLE_HINT = 'Flambeau reads safetensors only: in Python, convert it with `safetensors.torch.save_file(torch.load(path), "model.safetensors")`';

/**
 * PyTorch's own checkpoints: a zip archive (torch >= 1.6) or a bare pickle stream (the legacy
 * format). Only consulted once the bytes have failed as safetensors: a valid safetensors header
 * length can begin with the same two bytes as a pickle (0x80 0x02 is a 640-byte header).
 */
function pickleKind(prefix: Uint8Array): string | null {
  if (prefix[0] === 0x50 && prefix[1] === 0x4b && prefix[2] === 0x03 && prefix[3] === 0x04) return 'a zip archive';
  if (prefix[0] === 0x80 && prefix[1] >= 2 && prefix[1] <= 5) return 'a pickle stream';
  return null;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Reads one tensor straight into the typed array that becomes its storage (one allocation of the
 * tensor's size; conversions from dtypes Flambeau lacks use one temporary of the file's size).
 */
function readTensor(src: ByteSource, dataStart: number, e: TensorEntry, file: string, device: string | undefined): Tensor {
  const n = e.shape.reduce((a, b) => a * b, 1);
  const at = dataStart + e.begin;
  const read = <T extends ArrayBufferView>(a: T): T => {
    src.read(bytesOf(a), at);
    return a;
  };
  const shape = e.shape;
  switch (e.dtype) {
    case 'F32': return fromArray(read(new Float32Array(n)), shape, { dtype: 'float32', device });
    case 'F64': return fromArray(read(new Float64Array(n)), shape, { dtype: 'float64', device });
    case 'I32': return fromArray(read(new Int32Array(n)), shape, { dtype: 'int32', device });
    case 'U8': return fromArray(read(new Uint8Array(n)), shape, { dtype: 'uint8', device });
    case 'BOOL': {
      const b = read(new Uint8Array(n));
      for (let i = 0; i < n; i++) b[i] = b[i] === 0 ? 0 : 1;
      return fromArray(b, shape, { dtype: 'bool', device });
    }
    case 'I64':
    case 'U64': {
      // int64 lives in a Float64Array: convert in place, refusing what a double cannot hold.
      const out = read(new Float64Array(n));
      const ints = e.dtype === 'I64' ? new BigInt64Array(out.buffer) : new BigUint64Array(out.buffer);
      const limit = BigInt(Number.MAX_SAFE_INTEGER);
      for (let i = 0; i < n; i++) {
        const v = ints[i];
        if (v > limit || v < -limit) {
          throw new NotImplementedError(`safetensors file ${file}: tensor ${JSON.stringify(e.name)}: ${e.dtype} value ${v} at index ${i} is beyond 2^53 and cannot be held exactly (Flambeau stores int64 as float64)`);
        }
        out[i] = Number(v);
      }
      return fromArray(out, shape, { dtype: 'int64', device });
    }
    // Narrower integers widen losslessly to the nearest Flambeau dtype.
    case 'I8': return fromArray(Int32Array.from(read(new Int8Array(n))), shape, { dtype: 'int32', device });
    case 'I16': return fromArray(Int32Array.from(read(new Int16Array(n))), shape, { dtype: 'int32', device });
    case 'U16': return fromArray(Int32Array.from(read(new Uint16Array(n))), shape, { dtype: 'int32', device });
    case 'U32': return fromArray(Float64Array.from(read(new Uint32Array(n))), shape, { dtype: 'int64', device });
    // Half precision checkpoints load as float32 (Flambeau has no 16-bit dtypes).
    case 'F16': return fromArray(Float32Array.from(read(new Uint16Array(n)), halfToFloat), shape, { dtype: 'float32', device });
    case 'BF16': return fromArray(new Float32Array(Uint32Array.from(read(new Uint16Array(n)), (x) => x << 16).buffer), shape, { dtype: 'float32', device });
    default: throw new NotImplementedError(`safetensors file ${file}: tensor ${JSON.stringify(e.name)}: dtype ${e.dtype} is not supported by Flambeau`);
  }
}

/**
 * An open safetensors file whose header has been validated; tensors are read one at a time from
 * their byte ranges, so a checkpoint larger than memory can be inspected and loaded piecewise
 * (`safetensors.safe_open`).
 */
export class SafetensorsFile {
  private readonly byName = new Map<string, TensorEntry>();
  private closed = false;

  /** @internal Use `safeOpen`. */
  constructor(private readonly src: ByteSource, private readonly header: SafetensorsHeader, private readonly dataStart: number, readonly file: string, private readonly device: string | undefined) {
    for (const e of header.entries) this.byName.set(e.name, e);
  }

  /** Tensor names in data order (`f.keys()`). */
  keys(): string[] { return this.header.entries.map((e) => e.name); }

  /** `__metadata__` as a null-prototype object, or null when the file has none (`f.metadata()`). */
  metadata(): Record<string, string> | null {
    if (!this.header.metadata) return null;
    const out = Object.create(null) as Record<string, string>;
    for (const [k, v] of this.header.metadata) out[k] = v;
    return out;
  }

  /** One tensor, read from disk now (`f.get_tensor(name)`). */
  getTensor(name: string): Tensor {
    if (this.closed) throw new SafetensorError(this.file, 'IoError', 'the file is closed');
    const e = this.byName.get(name);
    if (!e) throw new SafetensorError(this.file, 'TensorNotFound', 'no such tensor in the file', name);
    return readTensor(this.src, this.dataStart, e, this.file, this.device);
  }

  /** Releases the file handle. */
  close(): void {
    if (!this.closed) this.src.close();
    this.closed = true;
  }
}

function open(src: ByteSource, file: string, device: string | undefined): SafetensorsFile {
  try {
    const prefix = new Uint8Array(Math.min(8, src.size));
    src.read(prefix, 0);
    let n: number;
    let header: SafetensorsHeader;
    try {
      n = checkHeaderLength(prefix, src.size, file);
      const headerBytes = new Uint8Array(n);
      src.read(headerBytes, 8);
      header = parseHeader(headerBytes, src.size - 8 - n, file);
    } catch (e) {
      const kind = e instanceof SafetensorError ? pickleKind(prefix) : null;
      if (kind) throw new SafetensorError(file, 'NotSafetensors', `this is a PyTorch pickle checkpoint (${kind} written by Python's torch.save), not safetensors. ${PICKLE_HINT}`);
      throw e;
    }
    return new SafetensorsFile(src, header, 8 + n, file, device);
  } catch (e) {
    src.close();
    throw e;
  }
}

/**
 * Opens a safetensors file and validates its header (`safetensors.safe_open(path, "pt", device)`);
 * read tensors with `getTensor` (onto `device`, default: the default device), then `close()`.
 *
 * @example
 * const f = nn.safeOpen('model.safetensors');
 * try { console.log(f.metadata(), f.keys()); const w = f.getTensor('fc.weight'); } finally { f.close(); }
 */
export function safeOpen(file: string, opts: { device?: string } = {}): SafetensorsFile {
  return open(fileSource(file), JSON.stringify(file), opts.device);
}

/** The same reader over bytes already in memory. */
export function openBytes(bytes: Uint8Array, opts: { device?: string } = {}): SafetensorsFile {
  return open(bufferSource(bytes), '(in-memory bytes)', opts.device);
}
