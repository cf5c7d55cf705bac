import { describe, expect, it } from 'vitest';
import { FlambeauError, Generator, arange, tensor } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';

/** Draws in [0, 1) from a seeded torch Generator, so a failure names a replayable case. */
function rng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.uniformDouble();
}

const cpu = { device: 'cpu' };
const BASE = nn.serialize({
  'layer.weight': arange(12, cpu).float().reshape(3, 4),
  'layer.bias': tensor([1.5, -2, 3], { ...cpu, dtype: 'float64' }),
  steps: tensor([7, 8], cpu),
  mask: tensor([true, false, true], cpu),
  empty: arange(0, cpu).float(),
}, { format: 'pt', note: 'fuzz' });
const N = Number(new DataView(BASE.buffer).getBigUint64(0, true));
const HEADER = new TextDecoder().decode(BASE.subarray(8, 8 + N));
const DATA = BASE.subarray(8 + N);

const SIZE: Record<string, number> = { F64: 8, F32: 4, I64: 8, I32: 4, U8: 1, BOOL: 1, F16: 2, BF16: 2 };
const JUNK: unknown[] = [-1, 0, 1, 2.5, 1e300, 2 ** 53 + 2, '8', null, true, [], {}, [0], [0, 0, 0], 'F32', 'F99', '__proto__'];

function fileOf(header: string | Uint8Array, data: Uint8Array, declared?: number): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + h.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(declared ?? h.byteLength), true);
  out.set(h, 8);
  out.set(data, 8 + h.byteLength);
  return out;
}

/** One mutation of the base file, chosen by `r`. */
function mutate(r: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const kind = Math.floor(r() * 6);
  if (kind === 0) {
    // Byte-level edits of the header text.
    const h = new TextEncoder().encode(HEADER);
    const out = [...h];
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
      const i = Math.floor(r() * out.length);
      const op = Math.floor(r() * 3);
      if (op === 0) out[i] = Math.floor(r() * 256);
      else if (op === 1) out.splice(i, 1);
      else out.splice(i, 0, ...new TextEncoder().encode(pick(['{', '}', '[', ']', ',', ':', '"', '0', '-', '.', 'e', '\\', '\u00ff'])));
    }
    return fileOf(Uint8Array.from(out), DATA);
  }
  if (kind === 1) {
    // Structural edits: replace or drop one field, or a whole entry.
    const obj = JSON.parse(HEADER) as Record<string, Record<string, unknown>>;
    const names = Object.keys(obj);
    const name = pick(names);
    const field = pick(['dtype', 'shape', 'data_offsets', '*', 'entry']);
    if (field === 'entry') obj[name] = pick(JUNK) as Record<string, unknown>;
    else if (field === '*') delete obj[name][pick(Object.keys(obj[name]))];
    else if (name === '__metadata__') obj[name][pick(Object.keys(obj[name]))] = pick(JUNK);
    else if (Array.isArray(obj[name][field]) && r() < 0.6) (obj[name][field] as unknown[])[Math.floor(r() * 2)] = pick(JUNK);
    else obj[name][field] = pick(JUNK);
    return fileOf(JSON.stringify(obj), DATA);
  }
  if (kind === 2) {
    // Offsets shifted, swapped or aliased; shapes and dtypes swapped between tensors.
    const obj = JSON.parse(HEADER) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
    const names = Object.keys(obj).filter((k) => k !== '__metadata__');
    const [a, b] = [pick(names), pick(names)];
    const op = Math.floor(r() * 4);
    if (op === 0) obj[a].data_offsets = obj[a].data_offsets.map((o) => o + Math.floor(r() * 9) - 4);
    else if (op === 1) [obj[a].data_offsets, obj[b].data_offsets] = [obj[b].data_offsets, obj[a].data_offsets];
    else if (op === 2) obj[a].data_offsets = [...obj[b].data_offsets];
    else [obj[a].dtype, obj[b].dtype] = [obj[b].dtype, obj[a].dtype];
    return fileOf(JSON.stringify(obj), DATA);
  }
  if (kind === 3) {
    // Data section truncated or extended.
    const delta = Math.floor(r() * 17) - 8;
    const data = delta < 0 ? DATA.subarray(0, DATA.byteLength + delta) : new Uint8Array([...DATA, ...new Uint8Array(delta)]);
    return fileOf(HEADER, data);
  }
  if (kind === 4) {
    // A wrong length prefix.
    return fileOf(HEADER, DATA, pick([0, 1, 7, N - 1, N + 1, N + 8, 2 ** 27, 2 ** 40, 2 ** 53]));
  }
  // A duplicated entry (a repeated key) or a repeated __metadata__.
  const text = HEADER.trimEnd();
  const inner = text.slice(1, -1);
  const parts = inner.split(/,(?="[^"]+":)/);
  const dup = pick(parts);
  return fileOf(`{${inner},${dup}}`, DATA);
}

/**
 * An independent check of what a successful load must satisfy: JSON.parse reads the header as an
 * object, every tensor's offsets are integers whose span is its shape times its dtype size, and
 * the spans tile the data section exactly.
 */
function assertWellFormed(bytes: Uint8Array, sd: Record<string, { shape: number[] }>): void {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  expect(Object.keys(sd).sort()).toEqual(names.sort());
  const spans: [number, number][] = [];
  for (const k of names) {
    const { dtype, shape, data_offsets: [b, e] } = header[k];
    expect(Number.isInteger(b) && Number.isInteger(e) && shape.every(Number.isInteger)).toBe(true);
    expect(e - b).toBe(shape.reduce((x, y) => x * y, 1) * SIZE[dtype]);
    expect(sd[k].shape).toEqual(shape);
    spans.push([b, e]);
  }
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let at = 0;
  for (const [b, e] of spans) {
    expect(b).toBe(at);
    at = e;
  }
  expect(at).toBe(bytes.byteLength - 8 - n);
  const meta = header.__metadata__ as unknown as Record<string, unknown> | undefined;
  if (meta) expect(Object.values(meta).every((v) => typeof v === 'string')).toBe(true);
}

describe('safetensors fuzz (seeded, 2000 mutated files)', () => {
  it('every mutation loads as a well-formed file or fails with a FlambeauError', () => {
    const r = rng(2026);
    const tally = { loaded: 0, refused: 0 };
    for (let i = 0; i < 2000; i++) {
      const bytes = mutate(r);
      let sd: ReturnType<typeof nn.deserialize> | null = null;
      try {
        sd = nn.deserialize(bytes);
      } catch (e) {
        if (!(e instanceof FlambeauError)) throw new Error(`case ${i}: raw ${(e as Error).name}: ${(e as Error).message}`);
        tally.refused++;
        continue;
      }
      assertWellFormed(bytes, sd);
      tally.loaded++;
    }
    // Both outcomes occur (mutations that keep a file valid, such as reordered-but-tiling offsets, load).
    expect(tally.refused).toBeGreaterThan(1000);
    expect(tally.loaded).toBeGreaterThan(10);
  });
});
