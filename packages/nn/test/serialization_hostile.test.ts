import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DTypeError, FlambeauError, NotImplementedError, RuntimeError, ValueError, arange, fromArray, tensor } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import '@flambeau/backend-testing';
import { fixture } from './core-fixtures.js';

interface RefTensor { name: string; dtype: string; shape: number[]; data: string }
interface HostileCase { name: string; bytes: string; ok?: RefTensor[]; error?: string; stricter?: boolean }
const hostile = fixture<{ reference: string; cases: HostileCase[] }>('safetensors_hostile.json');

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'flambeau-st-'));
const fixturePath = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

function fileOf(header: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.byteLength), true);
  out.set(h, 8);
  out.set(data, 8 + h.byteLength);
  return out;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe(`safetensors reader agrees with the reference reader (${hostile.reference})`, () => {
  for (const c of hostile.cases) {
    it(c.name, () => {
      const bytes = b64(c.bytes);
      if (c.ok && !c.stricter) {
        const sd = nn.deserialize(bytes);
        expect(Object.keys(sd).sort()).toEqual(c.ok.map((t) => t.name));
        for (const t of c.ok) {
          expect(sd[t.name].shape, t.name).toEqual(t.shape);
          // Dtypes Flambeau stores as they are keep the reference's bytes exactly.
          if (['F32', 'F64', 'I32', 'U8'].includes(t.dtype)) {
            const got = sd[t.name].dataSync();
            expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).toString('base64'), t.name).toBe(t.data);
          }
        }
        return;
      }
      // Refused: always a SafetensorError (a FlambeauError), never a raw TypeError or RangeError.
      const e = errorOf(() => nn.deserialize(bytes));
      expect(e, `${c.name}: ${e.message}`).toBeInstanceOf(nn.SafetensorError);
      expect(e).toBeInstanceOf(FlambeauError);
      expect(e.message).toMatch(/^invalid safetensors file \(in-memory bytes\): .*\[[A-Za-z]+\]$/s);
    });
  }

  it('accepts exactly what the reference accepts, except the documented stricter cases', () => {
    const stricter = hostile.cases.filter((c) => c.stricter).map((c) => c.name);
    expect(stricter).toEqual(['duplicate tensor name, same entry']);
    const c = hostile.cases.find((x) => x.stricter) as HostileCase;
    expect(() => nn.deserialize(b64(c.bytes))).toThrow(/duplicate key "a".*\[InvalidHeaderDeserialization\]/);
  });

  it('widens the dtypes Flambeau lacks losslessly', () => {
    const c = hostile.cases.find((x) => x.name === 'valid: every loadable dtype') as HostileCase;
    const sd = nn.deserialize(b64(c.bytes));
    const got = Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, [t.dtype, t.itemSync()]]));
    expect(got).toEqual({
      a: ['float64', -1.5], b: ['int64', -7], c: ['int64', 9], d: ['float32', 0.25], e: ['int32', -3], f: ['int64', 4000000000],
      g: ['float32', 1], h: ['float32', 3], i: ['int32', -300], j: ['int32', 65535], k: ['int32', -128], l: ['uint8', 255], m: ['bool', true],
    });
  });
});

describe('safetensors reader: the cases of issue 17', () => {
  it('names the file, the tensor and the rule', () => {
    const dir = tmp();
    const path = join(dir, 'overlap.safetensors');
    writeFileSync(path, fileOf('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', new Uint8Array(12)));
    const e = errorOf(() => nn.load(path)) as InstanceType<typeof nn.SafetensorError>;
    expect(e).toBeInstanceOf(nn.SafetensorError);
    expect(e.message).toBe(`invalid safetensors file ${JSON.stringify(path)}: tensor "b": data_offsets [4, 12] must start at 8, where the previous tensor ends (no gaps, overlaps or aliases) [InvalidOffset]`);
    expect([e.rule, e.key, e.file]).toEqual(['InvalidOffset', 'b', JSON.stringify(path)]);
  });

  it('a header that is a number is refused, not read as {}', () => {
    expect(() => nn.deserialize(fileOf('5'))).toThrow(/the header is not a JSON object \[InvalidHeaderDeserialization\]/);
  });

  it('a tensor named __proto__ loads as a key and leaves the prototype alone', () => {
    const sd = nn.deserialize(fileOf('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(new Float32Array([7]).buffer)));
    expect(Object.keys(sd)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(sd)).toBe(null);
    expect(sd['__proto__'].tolistSync()).toEqual([7]);
  });

  it('saving keys __proto__ round-trips; __metadata__ as a tensor name is refused', async () => {
    const dir = tmp();
    const path = join(dir, 'proto.safetensors');
    const sd = Object.create(null) as Record<string, ReturnType<typeof tensor>>;
    sd['__proto__'] = tensor([1, 2]).float();
    sd.constructor = tensor([3]).float();
    await nn.saveAsync(sd, path);
    const back = nn.load(path);
    expect(Object.keys(back)).toEqual(['__proto__', 'constructor']);
    expect(back['__proto__'].tolistSync()).toEqual([1, 2]);
    const e = errorOf(() => nn.save(new Map([['__metadata__', tensor([1]).float()]]), join(dir, 'meta.safetensors')));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/cannot be named '__metadata__'/);
    expect(existsSync(join(dir, 'meta.safetensors'))).toBe(false);
  });

  it('metadata round-trips through load({ metadata: true }) and safeOpen', async () => {
    const dir = tmp();
    const path = join(dir, 'm.safetensors');
    await nn.saveAsync({ w: arange(6).float().reshape(2, 3) }, path, { format: 'pt', '__proto__': 'x' });
    const { stateDict, metadata } = nn.load(path, { metadata: true });
    expect(stateDict.w.tolistSync()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect({ ...metadata }).toEqual({ format: 'pt', '__proto__': 'x' });
    const f = nn.safeOpen(path);
    try {
      expect(f.keys()).toEqual(['w']);
      expect(f.metadata()?.format).toBe('pt');
      expect(f.getTensor('w').shape).toEqual([2, 3]);
      expect(() => f.getTensor('nope')).toThrow(/tensor "nope": no such tensor in the file \[TensorNotFound\]/);
    } finally {
      f.close();
    }
    expect(nn.load(join(dir, 'm.safetensors'), { metadata: true }).metadata).not.toBe(null);
    nn.save({ w: arange(2, { device: 'cpu' }).float() }, path);
    expect(nn.load(path, { metadata: true, device: 'cpu' }).metadata).toBe(null);
  });

  it('non-string metadata is refused before anything is written', () => {
    const dir = tmp();
    const e = errorOf(() => nn.save({ w: arange(2).float() }, join(dir, 'x.safetensors'), { epoch: 3 } as unknown as Record<string, string>));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toBe('save(): metadata values must be strings (the safetensors format allows no other), but "epoch" is number');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('I64 beyond 2^53 is refused instead of rounded', () => {
    const big = new BigInt64Array([1n, 2n ** 53n + 1n]);
    const bytes = fileOf('{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', new Uint8Array(big.buffer));
    const e = errorOf(() => nn.deserialize(bytes));
    expect(e).toBeInstanceOf(NotImplementedError);
    expect(e.message).toBe('safetensors file (in-memory bytes): tensor "ids": I64 value 9007199254740993 at index 1 is beyond 2^53 and cannot be held exactly (Flambeau stores int64 as float64)');
    const ok = nn.deserialize(fileOf('{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', new Uint8Array(new BigInt64Array([-(2n ** 53n) + 1n, 2n ** 53n - 1n]).buffer)));
    expect(ok.ids.tolistSync()).toEqual([-(2 ** 53) + 1, 2 ** 53 - 1]);
  });

  it('torch.load of a PyTorch pickle checkpoint says what it is', () => {
    for (const [name, kind] of [['torch_zip.pt', 'a zip archive'], ['torch_legacy.pt', 'a pickle stream']]) {
      const e = errorOf(() => nn.load(fixturePath(name)));
      expect(e).toBeInstanceOf(nn.SafetensorError);
      expect(e.message).toContain(`this is a PyTorch pickle checkpoint (${kind} written by Python's torch.save), not safetensors`);
      expect(e.message).toContain('safetensors.torch.save_file');
    }
    // A real safetensors file whose header length starts like a pickle (0x80 0x02: 640 bytes) still loads.
    const name = 'x'.repeat(640 - 53);
    const header = `{"${name}":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`;
    expect(new TextEncoder().encode(header).byteLength).toBe(640);
    const sd = nn.deserialize(fileOf(header, new Uint8Array(new Float32Array([9]).buffer)));
    expect(sd[name].tolistSync()).toEqual([9]);
  });

  it('a file larger than its claimed header is read tensor by tensor, not as one buffer', async () => {
    // A state dict with many tensors: each getTensor reads only its own byte range.
    const dir = tmp();
    const path = join(dir, 'many.safetensors');
    const sd: Record<string, ReturnType<typeof tensor>> = {};
    for (let i = 0; i < 50; i++) sd[`t${i}`] = fromArray(new Float32Array(1000).fill(i), [10, 100]);
    await nn.saveAsync(sd, path);
    const f = nn.safeOpen(path);
    try {
      expect(f.getTensor('t37').sum().itemSync()).toBe(37000);
    } finally {
      f.close();
    }
    expect(readFileSync(path).byteLength).toBe(8 + Number(readFileSync(path).readBigUInt64LE(0)) + 50 * 4000);
  });

  it('a missing file or folder is a clear error, not a raw ENOENT', () => {
    const dir = tmp();
    const e = errorOf(() => nn.load(join(dir, 'nope.safetensors')));
    expect(e).toBeInstanceOf(nn.SafetensorError);
    expect(e.message).toMatch(/: cannot open the file \(ENOENT: no such file or directory.*\) \[IoError\]$/);
    expect(() => nn.save({ w: tensor([1]).float() }, join(dir, 'no', 'such', 'x.safetensors'))).toThrow(new RuntimeError(`Parent directory ${join(dir, 'no', 'such')} does not exist.`));
  });

  it('tensors on a device without synchronous reads: save says to use saveAsync, which works', async () => {
    const dir = tmp();
    const path = join(dir, 'dev.safetensors');
    const sd = { w: tensor([1.5, 2.5], { device: 'testing' }), ids: tensor([3, -4], { device: 'testing' }) };
    expect(() => nn.save(sd, path)).toThrow(new RuntimeError("save(): tensor \"w\" is on device 'testing', which cannot be read synchronously: use `await nn.saveAsync(...)`"));
    expect(readdirSync(dir)).toEqual([]);
    await nn.saveAsync(sd, path, { on: 'testing' });
    const { stateDict, metadata } = nn.load(path, { metadata: true, device: 'cpu' });
    expect([String(stateDict.w.device), stateDict.w.tolistSync(), stateDict.ids.dtype, stateDict.ids.tolistSync(), metadata?.on]).toEqual(['cpu', [1.5, 2.5], 'int64', [3, -4], 'testing']);
    expect(readdirSync(dir)).toEqual(['dev.safetensors']);
  });
});
