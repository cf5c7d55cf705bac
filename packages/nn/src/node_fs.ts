import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import { NotImplementedError } from '@flambeau/tensor';

/**
 * Node's `fs` and `path`, reached through `process.getBuiltinModule` (Node >= 20.16, the
 * `engines` floor) so this package still imports in a browser, where saving to a path has no
 * meaning and `serialize`/`deserialize` work on bytes instead.
 */
export function nodeModules(api: string): { fs: typeof Fs; path: typeof Path } {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as typeof Fs | undefined;
  const path = proc?.getBuiltinModule?.('node:path') as typeof Path | undefined;
  if (!fs || !path) throw new NotImplementedError(`${api} needs Node.js >= 20.16 file access; use nn.serialize / nn.deserialize elsewhere`);
  return { fs, path };
}

/** The most one `read`/`write` call moves: Node refuses lengths past 2^31 - 1. */
export const IO_CHUNK = 64 * 1024 * 1024;
