import { type DType, type Tensor, NotImplementedError, RuntimeError, fromArray } from '@flambeau/tensor';
import { Module, type StateDict } from './module.js';

/** safetensors dtype names for Flambeau dtypes. */
const ST_DTYPE: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', bool: 'BOOL', uint8: 'U8' };
const ITEM_SIZE: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, BOOL: 1, U8: 1, F16: 2, BF16: 2 };

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function tensorBytes(t: Tensor): Uint8Array {
  const data = t.contiguous().dataSync();
  if (t.dtype === 'int64') {
    // int64 lives in a Float64Array; the file holds real little-endian int64.
    const out = new BigInt64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = BigInt(data[i]);
    return new Uint8Array(out.buffer);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Encodes a state dict in the safetensors format: an 8-byte little-endian header length, a JSON
 * header (`dtype`, `shape`, `data_offsets` per tensor, optional `__metadata__`), then the raw
 * little-endian data. Entries keep the state dict's order.
 */
export function serialize(stateDict: StateDict | Map<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const entries = stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = tensorBytes(t);
    header[name] = { dtype: ST_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  // The reference writer pads the header with spaces so the data starts 8-byte aligned.
  const headerBytes = new Uint8Array(raw.byteLength + ((8 - (raw.byteLength % 8)) % 8)).fill(0x20);
  headerBytes.set(raw);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let p = 8 + headerBytes.byteLength;
  for (const c of chunks) {
    out.set(c, p);
    p += c.byteLength;
  }
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decode(entry: HeaderEntry, bytes: Uint8Array): Tensor {
  // A fresh, aligned copy (Node's Buffer.slice would share the whole pool).
  const buf = new Uint8Array(bytes).buffer;
  const shape = entry.shape;
  switch (entry.dtype) {
    case 'F32': return fromArray(new Float32Array(buf), shape, { dtype: 'float32' });
    case 'F64': return fromArray(new Float64Array(buf), shape, { dtype: 'float64' });
    case 'I32': return fromArray(new Int32Array(buf), shape, { dtype: 'int32' });
    case 'I64': return fromArray(Float64Array.from(new BigInt64Array(buf), Number), shape, { dtype: 'int64' });
    case 'U8': return fromArray(new Uint8Array(buf), shape, { dtype: 'uint8' });
    case 'BOOL': return fromArray(new Uint8Array(buf), shape, { dtype: 'bool' });
    // Half precision checkpoints load as float32 (Flambeau has no 16-bit dtypes).
    case 'F16': return fromArray(Float32Array.from(new Uint16Array(buf), halfToFloat), shape, { dtype: 'float32' });
    case 'BF16': return fromArray(new Float32Array(Uint32Array.from(new Uint16Array(buf), (x) => x << 16).buffer), shape, { dtype: 'float32' });
    default: throw new NotImplementedError(`safetensors dtype ${entry.dtype} is not supported`);
  }
}

/** Decodes a safetensors file's bytes into a state dict (in the order the data is laid out). */
export function deserialize(bytes: Uint8Array): StateDict {
  if (bytes.byteLength < 8) throw new RuntimeError('invalid safetensors file: shorter than its 8-byte header length');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.byteLength) throw new RuntimeError(`invalid safetensors file: header length ${n} exceeds the file size ${bytes.byteLength}`);
  let header: Record<string, HeaderEntry>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new RuntimeError(`invalid safetensors file: header is not valid JSON (${(e as Error).message})`);
  }
  const data = bytes.subarray(8 + n);
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__').sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  const out: StateDict = {};
  for (const [name, e] of entries) {
    const [begin, end] = e.data_offsets;
    const numel = e.shape.reduce((a, b) => a * b, 1);
    const size = ITEM_SIZE[e.dtype];
    if (size === undefined) throw new NotImplementedError(`safetensors dtype ${e.dtype} is not supported`);
    if (end - begin !== numel * size || end > data.byteLength) {
      throw new RuntimeError(`invalid safetensors file: tensor '${name}' has data_offsets [${begin}, ${end}] but shape [${e.shape.join(', ')}] of ${e.dtype} needs ${numel * size} bytes`);
    }
    out[name] = decode(e, data.subarray(begin, end));
  }
  return out;
}

interface NodeFs {
  writeFileSync(path: string, data: Uint8Array): void;
  readFileSync(path: string): Uint8Array;
  renameSync(from: string, to: string): void;
  rmSync(path: string, opts: { force: boolean }): void;
}
function nodeFs(): NodeFs {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  if (!fs) throw new NotImplementedError('nn.save / nn.load need Node.js file access; use nn.serialize / nn.deserialize elsewhere');
  return fs;
}

/**
 * `torch.save(model.state_dict(), path)` in the safetensors format: a module or a state dict is
 * written atomically (a temporary file in the same directory, then a rename).
 *
 * @example
 * nn.save(net, 'net.safetensors');
 * net.loadStateDict(nn.load('net.safetensors'));
 */
export function save(moduleOrStateDict: Module | StateDict | Map<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  const sd = moduleOrStateDict instanceof Module ? moduleOrStateDict.stateDict() : moduleOrStateDict;
  const bytes = serialize(sd, metadata);
  const fs = nodeFs();
  const tmp = `${path}.tmp-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Reads a safetensors file into a state dict (`torch.load` of a saved state dict). */
export function load(path: string): StateDict {
  return deserialize(nodeFs().readFileSync(path));
}
