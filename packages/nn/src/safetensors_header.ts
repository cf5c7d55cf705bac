import { RuntimeError } from '@flambeau/tensor';
import { JsonNumber, JsonSyntaxError, type JsonValue, parseStrictJson } from './strict_json.js';

/**
 * The safetensors header rules, as the reference reader (`safetensors/src/tensor.rs`,
 * `SafeTensors::read_metadata` and `Metadata::validate`) enforces them. Each violation is named
 * by the reference's `SafeTensorError` variant so a message can be looked up there.
 */

/** Bits per element of every dtype the format defines (sub-byte floats included). */
export const DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['BOOL', 8], ['U8', 8], ['I8', 8], ['F8_E5M2', 8], ['F8_E4M3', 8], ['F8_E8M0', 8], ['F4', 4], ['F6_E2M3', 6], ['F6_E3M2', 6],
  ['I16', 16], ['U16', 16], ['F16', 16], ['BF16', 16], ['I32', 32], ['U32', 32], ['F32', 32], ['F64', 64], ['I64', 64], ['U64', 64], ['C64', 64],
]);

/** The reference reader's limit on the JSON header (100 MB). */
export const MAX_HEADER_SIZE = 100_000_000;

export type SafetensorsRule =
  | 'HeaderTooSmall' | 'HeaderTooLarge' | 'InvalidHeaderLength' | 'InvalidHeader' | 'NotSafetensors'
  | 'InvalidHeaderDeserialization' | 'InvalidOffset' | 'TensorInvalidInfo' | 'ValidationOverflow'
  | 'MisalignedSlice' | 'MetadataIncompleteBuffer' | 'TensorNotFound' | 'IoError';

/**
 * A safetensors file that breaks the format's rules (or could not be read). Names the file, the
 * tensor when one is at fault, and the rule (`rule` is the reference reader's error name).
 */
export class SafetensorError extends RuntimeError {
  constructor(readonly file: string, readonly rule: SafetensorsRule, detail: string, readonly key?: string) {
    super(`invalid safetensors file ${file}: ${key === undefined ? '' : `tensor ${JSON.stringify(key)}: `}${detail} [${rule}]`);
  }
}

/** One tensor's header entry, checked: offsets are relative to the data section. */
export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Tensors in data order. */
  entries: TensorEntry[];
  /** `__metadata__` (string to string), or null when the header has none. */
  metadata: Map<string, string> | null;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Checks the 8-byte length prefix against the file size; returns the header length.
 * `fileSize` is the whole file's length.
 */
export function checkHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8 || prefix.byteLength < 8) throw new SafetensorError(file, 'HeaderTooSmall', `the file is ${fileSize} bytes, shorter than the 8-byte header length`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) throw new SafetensorError(file, 'HeaderTooLarge', `header length ${n} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  if (8n + n > BigInt(fileSize)) throw new SafetensorError(file, 'InvalidHeaderLength', `header length ${n} exceeds the file size ${fileSize}`);
  return Number(n);
}

function unsigned(v: JsonValue | undefined): bigint | null {
  return v instanceof JsonNumber && v.isUnsignedInteger ? BigInt(v.raw) : null;
}

/**
 * Parses and validates the JSON header. `dataSize` is the number of bytes after the header: the
 * tensors must tile it exactly (no gaps, overlaps, aliases or trailing bytes).
 */
export function parseHeader(headerBytes: Uint8Array, dataSize: number, file: string): SafetensorsHeader {
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, where the JSON rules refuse it (as serde_json does).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new SafetensorError(file, 'InvalidHeader', 'the header is not valid UTF-8');
  }
  let root: JsonValue;
  try {
    root = parseStrictJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new SafetensorError(file, 'InvalidHeaderDeserialization', `the header is not valid JSON: ${e.message}`);
  }
  if (!(root instanceof Map)) throw new SafetensorError(file, 'InvalidHeaderDeserialization', 'the header is not a JSON object');
  const bad = (detail: string, key?: string): never => { throw new SafetensorError(file, 'InvalidHeaderDeserialization', detail, key); };

  let metadata: Map<string, string> | null = null;
  const raw: { name: string; dtype: string; shape: bigint[]; begin: bigint; end: bigint }[] = [];
  for (const [name, v] of root) {
    if (name === '__metadata__') {
      if (v === null) continue;
      if (!(v instanceof Map)) bad('__metadata__ must be an object of strings');
      metadata = new Map();
      for (const [mk, mv] of v as Map<string, JsonValue>) {
        if (typeof mv !== 'string') bad(`__metadata__ value of ${JSON.stringify(mk)} must be a string`);
        metadata.set(mk, mv as string);
      }
      continue;
    }
    // serde, and so the reference, also reads a struct from an array of its fields in order.
    const info = Array.isArray(v) && v.length === 3 ? new Map([['dtype', v[0]], ['shape', v[1]], ['data_offsets', v[2]]]) : v;
    if (!(info instanceof Map)) bad('the entry must be an object with dtype, shape and data_offsets', name);
    const field = (k: string): JsonValue | undefined => (info as Map<string, JsonValue>).get(k);
    const dtype = field('dtype');
    if (typeof dtype !== 'string' || !DTYPE_BITS.has(dtype)) bad(`unknown dtype ${JSON.stringify(dtype ?? null)}`, name);
    const shapeV = field('shape');
    if (!Array.isArray(shapeV)) bad('shape must be an array of non-negative integers', name);
    const shape = (shapeV as JsonValue[]).map((d) => unsigned(d) ?? bad(`shape must be an array of non-negative integers, got ${JSON.stringify(jsonText(d))}`, name));
    const offs = field('data_offsets');
    if (!Array.isArray(offs) || offs.length !== 2) bad('data_offsets must be an array of two non-negative integers', name);
    const [b, e] = (offs as JsonValue[]).map((d) => unsigned(d) ?? bad(`data_offsets must be non-negative integers, got ${JSON.stringify(jsonText(d))}`, name));
    if (b > U64_MAX || e > U64_MAX || shape.some((d) => d > U64_MAX)) bad('an integer does not fit in 64 bits', name);
    // A dimension past 2^53 cannot be held exactly (the reference accepts it when another is 0).
    if (shape.some((d) => d > BigInt(Number.MAX_SAFE_INTEGER))) throw new SafetensorError(file, 'ValidationOverflow', `shape [${shape.join(', ')}] has a dimension beyond 2^53`, name);
    raw.push({ name, dtype: dtype as string, shape, begin: b, end: e });
  }

  // The reference sorts by (begin, end) and then requires the tensors to tile the data section.
  raw.sort((x, y) => (x.begin === y.begin ? (x.end < y.end ? -1 : x.end > y.end ? 1 : 0) : x.begin < y.begin ? -1 : 1));
  let start = 0n;
  for (const t of raw) {
    if (t.begin !== start || t.end < t.begin) {
      throw new SafetensorError(file, 'InvalidOffset', `data_offsets [${t.begin}, ${t.end}] must start at ${start}, where the previous tensor ends (no gaps, overlaps or aliases)`, t.name);
    }
    start = t.end;
    let bits = BigInt(DTYPE_BITS.get(t.dtype) as number);
    for (const d of t.shape) bits *= d;
    if (bits > U64_MAX) throw new SafetensorError(file, 'ValidationOverflow', `shape [${t.shape.join(', ')}] overflows 64 bits`, t.name);
    if (bits % 8n !== 0n) throw new SafetensorError(file, 'MisalignedSlice', `shape [${t.shape.join(', ')}] of ${t.dtype} is not a whole number of bytes`, t.name);
    if (t.end - t.begin !== bits / 8n) {
      throw new SafetensorError(file, 'TensorInvalidInfo', `data_offsets [${t.begin}, ${t.end}] span ${t.end - t.begin} bytes but shape [${t.shape.join(', ')}] of ${t.dtype} needs ${bits / 8n}`, t.name);
    }
  }
  if (start !== BigInt(dataSize)) {
    throw new SafetensorError(file, 'MetadataIncompleteBuffer', `the tensors cover ${start} bytes but the data section holds ${dataSize} (truncated file or trailing bytes)`);
  }
  const entries = raw.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape.map(Number), begin: Number(t.begin), end: Number(t.end) }));
  return { entries, metadata };
}

function jsonText(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return v.raw;
  if (v instanceof Map) return '{…}';
  return v;
}
