import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, statSync, createWriteStream, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RuntimeError } from '@flambeau/tensor';

/** One downloadable file: its name on the mirrors and its md5. */
export interface Resource {
  file: string;
  md5: string;
}

export async function md5File(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A stderr progress line, redrawn at most every 100 ms. */
function progress(name: string, total: number | null): { tick(n: number): void; done(): void } {
  let got = 0, last = 0;
  const tty = process.stderr.isTTY;
  const draw = () => {
    const pct = total ? ` ${((100 * got) / total).toFixed(1)}%` : '';
    const bar = total ? ` [${'#'.repeat(Math.round((30 * got) / total)).padEnd(30, '.')}]` : '';
    process.stderr.write(`${tty ? '\r' : ''}Downloading ${name}${bar}${pct} ${(got / 1e6).toFixed(1)} MB${tty ? '' : '\n'}`);
  };
  return {
    tick(n) {
      got += n;
      const now = Date.now();
      if (tty && now - last > 100) { last = now; draw(); }
    },
    done() { draw(); if (tty) process.stderr.write('\n'); },
  };
}

/**
 * Fetches `url` into `dest`, resuming a previous partial download (`dest.part`) with an HTTP Range
 * request, and checks the md5. Throws on HTTP errors, network errors and checksum mismatches.
 */
export async function downloadUrl(url: string, dest: string, md5: string | null, opts: { timeoutMs?: number } = {}): Promise<void> {
  mkdirSync(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  const resumed = res.status === 206;
  const len = Number(res.headers.get('content-length') ?? NaN);
  const bar = progress(dest.split(/[\\/]/).pop()!, Number.isFinite(len) ? len + (resumed ? have : 0) : null);
  if (resumed) bar.tick(have);
  const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      bar.tick(chunk.length);
    }
  } finally {
    await new Promise<void>((r) => out.end(r));
    bar.done();
  }
  if (md5) {
    const got = await md5File(part);
    if (got !== md5) {
      renameSync(part, `${part}.bad`);
      throw new Error(`md5 mismatch for ${url}: expected ${md5}, got ${got}`);
    }
  }
  renameSync(part, dest);
}

/**
 * Downloads each resource into `dir` from the first mirror that serves it. When every mirror
 * fails, the error lists the files to place by hand and where.
 */
export async function downloadResources(what: string, dir: string, mirrors: readonly string[], resources: readonly Resource[]): Promise<void> {
  for (const r of resources) {
    const dest = join(dir, r.file);
    if (existsSync(dest) && (await md5File(dest)) === r.md5) continue;
    const errors: string[] = [];
    let ok = false;
    for (const m of mirrors) {
      const url = m.endsWith('/') ? m + r.file : `${m}/${r.file}`;
      try {
        await downloadUrl(url, dest, r.md5);
        ok = true;
        break;
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        errors.push(`${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
      }
    }
    if (!ok) {
      throw new RuntimeError(
        `${what}: could not download ${r.file} (${errors.join('; ')}).\n` +
          `Without network access, place these files in ${dir}:\n${resources.map((x) => `  ${x.file} (md5 ${x.md5})`).join('\n')}`,
      );
    }
  }
}

/** Extracts a .tar.gz (ustar) archive into `dir`. */
export function extractTarGz(archive: string, dir: string): void {
  const tar = gunzipSync(readFileSync(archive));
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a: number, b: number) => header.subarray(a, b).toString('latin1').replace(/\0.*$/s, '');
    const name = (str(345, 500) ? `${str(345, 500)}/` : '') + str(0, 100);
    const size = parseInt(str(124, 136).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    off += 512;
    if (type === '0' || type === '\0') {
      const dest = join(dir, name);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, tar.subarray(off, off + size));
    }
    off += Math.ceil(size / 512) * 512;
  }
}
