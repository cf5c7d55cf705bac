/** The run folder: checks on `--out` before training, and the files written at the end. */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { CHECKPOINT_JSON } from './checkpoint.js';

/**
 * Makes sure `out` can take a new run (absent or empty, writable) or, with `resume`, holds a
 * checkpoint — before any data is read or any training starts.
 */
export function prepareOut(out: string, resume: boolean): string {
  const dir = resolve(out);
  if (resume) {
    if (!existsSync(join(dir, CHECKPOINT_JSON))) throw new UsageError(`--resume: ${join(dir, CHECKPOINT_JSON)} does not exist; nothing to resume in ${dir}`);
  } else if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${out}: ${dir} exists and is not a folder`);
    const entries = readdirSync(dir);
    if (entries.length > 0) throw new UsageError(`--out ${out}: ${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose a new folder, or pass --resume to continue the run in it`);
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new UsageError(`--out ${out}: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return dir;
}

/** `runs/<model>-<dataset>-<UTC time>`, the default `--out`. */
export function defaultOut(model: string, dataset: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return join('runs', `${model}-${dataset.replace(/[^a-z0-9-]+/gi, '_')}-${stamp}`);
}
