import { RuntimeError } from '@flambeau/tensor';
import { IO_CHUNK, nodeModules } from './node_fs.js';

/**
 * Crash-safe replacement of a file: the bytes go to a temporary file in the same directory
 * (a rename is only atomic within one filesystem), which is fsynced, renamed over the target,
 * and the directory is fsynced so the rename itself survives a power loss. A reader therefore
 * sees the old file or the new one, never a part.
 *
 * Temporary files are named `.<target name>.tmp-<pid>-<random>` so the next save of the same
 * target can recognise and delete those left by a process that was killed mid-write.
 */

/** Sequential writes into an open file descriptor. */
export interface FileSink {
  /** Appends `bytes` (any size: written in chunks the OS accepts). */
  write(bytes: Uint8Array): void;
}

function tempPrefix(base: string): string {
  return `.${base}.tmp-`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes temporary files of `base` in `dir` whose writer is gone (or is this process, which writes synchronously). */
function removeStaleTemps(dir: string, base: string): void {
  const { fs, path } = nodeModules('save');
  const prefix = tempPrefix(base);
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || !processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function fsyncDir(dir: string): void {
  const { fs } = nodeModules('save');
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return; // Windows cannot open a directory; its renames are durable without it.
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    // Some filesystems refuse fsync on directories; the data itself is already synced.
    if (!['EINVAL', 'EPERM', 'EISDIR', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/** A temporary file being written for `target`; `commit` renames it into place, `abort` removes it. */
interface TempFile {
  sink: FileSink;
  commit(): void;
  abort(): void;
}

function openTemp(target: string): TempFile {
  const { fs, path } = nodeModules('save');
  const abs = path.resolve(target);
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  // torch.save's message for the same mistake.
  if (!fs.existsSync(dir)) throw new RuntimeError(`Parent directory ${dir} does not exist.`);
  removeStaleTemps(dir, base);
  const tmp = path.join(dir, `${tempPrefix(base)}${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const fd = fs.openSync(tmp, 'wx');
  let open = true;
  let position = 0;
  return {
    sink: {
      write(bytes) {
        for (let off = 0; off < bytes.byteLength;) {
          const n = fs.writeSync(fd, bytes, off, Math.min(IO_CHUNK, bytes.byteLength - off), position);
          off += n;
          position += n;
        }
      },
    },
    commit() {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      open = false;
      fs.renameSync(tmp, abs);
      fsyncDir(dir);
    },
    abort() {
      if (open) fs.closeSync(fd);
      open = false;
      fs.rmSync(tmp, { force: true });
    },
  };
}

/** Writes `target` through `fill`, atomically and durably (see the module comment). */
export function atomicWrite(target: string, fill: (sink: FileSink) => void): void {
  const t = openTemp(target);
  try {
    fill(t.sink);
    t.commit();
  } catch (e) {
    t.abort();
    throw e;
  }
}

/** `atomicWrite` with a `fill` that awaits (reads from an asynchronous device). */
export async function atomicWriteAsync(target: string, fill: (sink: FileSink) => Promise<void>): Promise<void> {
  const t = openTemp(target);
  try {
    await fill(t.sink);
    t.commit();
  } catch (e) {
    t.abort();
    throw e;
  }
}
