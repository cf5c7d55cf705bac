import { DTypeError, type DType, type DeviceLike, RuntimeError, type Tensor, type TypedArray, ValueError, declare, halfBits, parseArgs } from '@flambeau/tensor';
import { type FileSink, atomicWrite, atomicWriteAsync } from './atomic_write.js';
import { Module, type StateDict } from './module.js';
import { openBytes, safeOpen, type SafetensorsFile } from './safetensors_reader.js';

export { SafetensorError } from './safetensors_header.js';
export { safeOpen, SafetensorsFile } from './safetensors_reader.js';

/** safetensors dtype names for Flambeau dtypes. */
const ST_DTYPE: Record<DType, string> = { float16: 'F16', float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', bool: 'BOOL', uint8: 'U8' };
const ITEM_SIZE: Record<DType, number> = { float16: 2, float32: 4, float64: 8, int32: 4, int64: 8, bool: 1, uint8: 1 };

/** int64 elements converted per write, so a large int64 tensor needs no full-size temporary. */
const INT64_CHUNK = 1 << 20;

type Tensors = StateDict | Map<string, Tensor>;
type Metadata = Record<string, string> | Map<string, string>;

function entriesOf(sd: Tensors): [string, Tensor][] {
  return sd instanceof Map ? [...sd] : Object.entries(sd);
}

/**
 * The header bytes (padded with spaces so the data starts 8-byte aligned, as the reference
 * writer does) and the data size. Written by hand, not `JSON.stringify` of an object, so keys
 * such as `__proto__` survive and entries keep the state dict's order.
 */
function buildHeader(entries: [string, Tensor][], metadata: Metadata | undefined): { header: Uint8Array; dataSize: number } {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const meta = metadata instanceof Map ? [...metadata] : Object.entries(metadata);
    for (const [k, v] of meta) {
      if (typeof v !== 'string') throw new DTypeError(`save(): metadata values must be strings (the safetensors format allows no other), but ${JSON.stringify(k)} is ${v === null ? 'null' : typeof v}`);
    }
    parts.push(`"__metadata__":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new ValueError("save(): a tensor cannot be named '__metadata__': the safetensors format reserves that key");
    const n = t.numel() * ITEM_SIZE[t.dtype];
    parts.push(`${JSON.stringify(name)}:{"dtype":"${ST_DTYPE[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + n}]}`);
    offset += n;
  }
  const raw = new TextEncoder().encode(`{${parts.join(',')}}`);
  const header = new Uint8Array(8 + raw.byteLength + ((8 - (raw.byteLength % 8)) % 8)).fill(0x20);
  new DataView(header.buffer).setBigUint64(0, BigInt(header.byteLength - 8), true);
  header.set(raw, 8);
  return { header, dataSize: offset };
}

/** Streams one tensor's little-endian bytes (its host copy `data`) into `sink`. */
function writeTensor(data: TypedArray, dtype: DType, sink: FileSink): void {
  if (dtype === 'float16') {
    // float16 is held in a Float32Array on the host; the file holds its 16-bit words.
    const words = Uint16Array.from(data, halfBits);
    sink.write(new Uint8Array(words.buffer));
    return;
  }
  if (dtype !== 'int64') {
    sink.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return;
  }
  // int64 lives in a Float64Array; the file holds real int64, converted a chunk at a time.
  const chunk = new BigInt64Array(Math.min(INT64_CHUNK, data.length));
  for (let s = 0; s < data.length; s += chunk.length) {
    const m = Math.min(chunk.length, data.length - s);
    for (let i = 0; i < m; i++) chunk[i] = BigInt(data[s + i]);
    sink.write(new Uint8Array(chunk.buffer, 0, m * 8));
  }
}

/** A tensor's data read synchronously, or a pointer to the asynchronous API for devices without such reads. */
function hostData(t: Tensor, name: string, api: string): TypedArray {
  if (!t.backend.readSync) {
    throw new RuntimeError(`${api}(): tensor ${JSON.stringify(name)} is on device '${t.device}', which cannot be read synchronously: use \`await nn.saveAsync(...)\``);
  }
  return t.dataSync();
}

function writeAll(entries: [string, Tensor][], header: Uint8Array, sink: FileSink, api: string): void {
  sink.write(header);
  for (const [name, t] of entries) writeTensor(hostData(t, name, api), t.dtype, sink);
}

/**
 * Encodes a state dict in the safetensors format: an 8-byte little-endian header length, a JSON
 * header (`dtype`, `shape`, `data_offsets` per tensor, optional `__metadata__` of strings), then
 * the raw little-endian data. Entries keep the state dict's order. For files, `save` streams
 * instead of building one buffer.
 *
 * @example
 * const bytes = nn.serialize(net.stateDict(), { epoch: '3' });
 */
export function serialize(stateDict: Tensors, metadata?: Metadata): Uint8Array {
  const entries = entriesOf(stateDict);
  const { header, dataSize } = buildHeader(entries, metadata);
  const out = new Uint8Array(header.byteLength + dataSize);
  let p = 0;
  writeAll(entries, header, { write(b) { out.set(b, p); p += b.byteLength; } }, 'serialize');
  return out;
}

/** Every tensor of an open file, into a null-prototype object (a tensor may be named `__proto__`). */
function readAll(f: SafetensorsFile): StateDict {
  try {
    const out = Object.create(null) as StateDict;
    for (const k of f.keys()) out[k] = f.getTensor(k);
    return out;
  } finally {
    f.close();
  }
}

/**
 * Decodes safetensors bytes into a state dict (in the order the data is laid out), after checking
 * every rule of the format (`SafetensorError` names the rule broken).
 */
export function deserialize(bytes: Uint8Array, opts?: { metadata?: false; device?: string }): StateDict;
export function deserialize(bytes: Uint8Array, opts: { metadata: true; device?: string }): { stateDict: StateDict; metadata: Record<string, string> | null };
export function deserialize(bytes: Uint8Array, opts: LoadOptions = {}): StateDict | { stateDict: StateDict; metadata: Record<string, string> | null } {
  return withMetadata(openBytes(bytes, { device: deviceName(opts.mapLocation ?? opts.device) }), opts.metadata ?? false);
}

/**
 * `metadata: true` also returns `__metadata__`; `mapLocation` (PyTorch's `map_location`, a device
 * here) or its alias `device` is where tensors go (default: the default device).
 */
export interface LoadOptions { mapLocation?: DeviceLike | null; metadata?: boolean; device?: DeviceLike | null }

// The safetensors format: PyTorch's pickle parameters (pickle_module, pickle_protocol, weights_only, …) have nothing to set.
const SAVE = declare('torch.save', 'save(Any obj, str f, dict? metadata=None)');
const LOAD = declare('torch.load', 'load(str f, Device? mapLocation=None, *, bool metadata=False, Device? device=None)');

function deviceName(d: DeviceLike | null | undefined): string | undefined {
  return d == null ? undefined : String(d);
}

function withMetadata(f: SafetensorsFile, metadata: boolean): StateDict | { stateDict: StateDict; metadata: Record<string, string> | null } {
  if (!metadata) return readAll(f);
  const meta = f.metadata();
  return { stateDict: readAll(f), metadata: meta };
}

/**
 * `torch.save(model.state_dict(), path)` in the safetensors format. A module or a state dict is
 * streamed to a temporary file in the same directory, fsynced and renamed over `path` (then the
 * directory is fsynced), so a crash leaves the old file or the new one; temporary files left by
 * killed saves of the same target are removed. Any size: no buffer of the whole file is built.
 *
 * @example
 * nn.save(net, 'net.safetensors', { epoch: '3' });
 * net.loadStateDict(nn.load('net.safetensors'));
 */
export function save(moduleOrStateDict: Module | Tensors, path: string, metadata?: Metadata | null): void {
  const { obj, f, metadata: meta } = parseArgs(SAVE, arguments) as { obj: Module | Tensors; f: string; metadata: Metadata | null };
  const sd = obj instanceof Module ? obj.stateDict() : obj;
  const entries = entriesOf(sd);
  // Built (and checked) before the target directory is touched.
  const { header } = buildHeader(entries, meta ?? undefined);
  atomicWrite(f, (sink) => writeAll(entries, header, sink, 'save'));
}

/**
 * `save` for tensors on devices without synchronous reads (WebGPU): each tensor is read with
 * `await t.dataAsync()` and streamed, one at a time, with the same atomic and durable write.
 *
 * @example
 * await nn.saveAsync(net, 'net.safetensors');
 */
export async function saveAsync(moduleOrStateDict: Module | Tensors, path: string, metadata?: Metadata): Promise<void> {
  const sd = moduleOrStateDict instanceof Module ? moduleOrStateDict.stateDict() : moduleOrStateDict;
  const entries = entriesOf(sd);
  const { header } = buildHeader(entries, metadata);
  await atomicWriteAsync(path, async (sink) => {
    sink.write(header);
    for (const [, t] of entries) writeTensor(await t.dataAsync(), t.dtype, sink);
  });
}

/**
 * Reads a safetensors file into a state dict (`torch.load` of a saved state dict,
 * `safetensors.torch.load_file`), one tensor at a time from its byte range, onto `mapLocation` (a
 * device, or by its alias `device`; PyTorch's pickle parameters have nothing to set). With
 * `{ metadata: true }` returns `{ stateDict, metadata }`. A PyTorch pickle checkpoint (`.pt`,
 * `.pth`) is refused with an explanation.
 *
 * @example
 * const { stateDict, metadata } = nn.load('net.safetensors', { metadata: true });
 * const onCpu = torch.load('net.safetensors', 'cpu'); // PyTorch's torch.load(f, map_location='cpu')
 */
export function load(path: string, opts?: { mapLocation?: DeviceLike | null; metadata?: false; device?: DeviceLike | null }): StateDict;
export function load(path: string, opts: { mapLocation?: DeviceLike | null; metadata: true; device?: DeviceLike | null }): { stateDict: StateDict; metadata: Record<string, string> | null };
export function load(path: string, mapLocation: DeviceLike | null, opts?: { metadata?: false }): StateDict;
export function load(...args: unknown[]): StateDict | { stateDict: StateDict; metadata: Record<string, string> | null } {
  const { f, mapLocation, metadata, device } = parseArgs(LOAD, args) as { f: string; mapLocation: DeviceLike | null; metadata: boolean; device: DeviceLike | null };
  return withMetadata(safeOpen(f, { device: deviceName(mapLocation ?? device) }), metadata);
}
