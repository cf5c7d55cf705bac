import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { datasets } from '../src/index.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** A mirror on localhost that honours `Range: bytes=N-` and records the requests it saw. */
let server: Server;
let base: string;
const files = new Map<string, Buffer>();
const seen: { url: string; range?: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url!, range: req.headers.range });
    const body = files.get(req.url!.slice(1));
    if (!body) { res.writeHead(404).end(); return; }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      const from = Number(m[1]);
      res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` }).end(body.subarray(from));
    } else {
      res.writeHead(200, { 'content-length': body.length }).end(body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('downloads', () => {
  it('fetches from the first mirror that has the file, verifies md5 and resumes a partial file with Range', async () => {
    const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 256));
    files.set('blob.bin', body);
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-dl-'));
    writeFileSync(join(dir, 'blob.bin.part'), body.subarray(0, 1234));
    await datasets.downloadResources('Test', dir, [`${base}missing/`, base], [{ file: 'blob.bin', md5: md5(body) }]);
    expect(readFileSync(join(dir, 'blob.bin')).equals(body)).toBe(true);
    expect(existsSync(join(dir, 'blob.bin.part'))).toBe(false);
    const last = seen.filter((s) => s.url === '/blob.bin').pop()!;
    expect(last.range).toBe('bytes=1234-');
  });
  it('rejects a file whose md5 does not match and says where to place it', async () => {
    files.set('bad.bin', Buffer.from('not what you expected'));
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-dl-'));
    await expect(datasets.downloadResources('Test', dir, [base], [{ file: 'bad.bin', md5: '0'.repeat(32) }]))
      .rejects.toThrowError(/Test: could not download bad.bin \(.*md5 mismatch.*\)\.\nWithout network access, place these files in .*:\n  bad.bin \(md5 0{32}\)/);
  });
  it('MNIST download: true fetches the four .gz files from a mirror and loads them', async () => {
    const idx = (dims: number[], data: Uint8Array) => {
      const h = Buffer.alloc(4 + 4 * dims.length);
      h[2] = 8; h[3] = dims.length;
      dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
      return gzipSync(Buffer.concat([h, Buffer.from(data)]));
    };
    const res = [
      ['train-images-idx3-ubyte.gz', idx([2, 28, 28], new Uint8Array(1568).fill(9))],
      ['train-labels-idx1-ubyte.gz', idx([2], Uint8Array.from([3, 4]))],
      ['t10k-images-idx3-ubyte.gz', idx([1, 28, 28], new Uint8Array(784))],
      ['t10k-labels-idx1-ubyte.gz', idx([1], Uint8Array.from([5]))],
    ] as const;
    for (const [name, body] of res) files.set(`mnist/${name}`, body);
    class TinyMNIST extends datasets.MNIST {
      static override resources = res.map(([file, body]) => ({ file, md5: md5(body) }));
    }
    const root = mkdtempSync(join(tmpdir(), 'flambeau-dl-'));
    mkdirSync(root, { recursive: true });
    const ds = new TinyMNIST(root, { download: true, mirrors: [`${base}mnist/`] });
    await ds.ready;
    expect(ds.length).toBe(2);
    expect(ds.getItem(1)[1]).toBe(4);
    expect(existsSync(join(root, 'TinyMNIST', 'raw', 'train-images-idx3-ubyte.gz'))).toBe(true);
    // Files already there are not fetched again.
    const before = seen.length;
    await new TinyMNIST(root, { train: false }).ready;
    expect(seen.length).toBe(before);
  });
});
