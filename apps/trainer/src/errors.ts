import { ValueError } from '@flambeau/tensor';

/**
 * A mistake in the command line or its inputs (unknown name, missing data, unusable --out): the
 * CLI prints its message without a stack trace and exits with status 2.
 */
export class UsageError extends ValueError {
  override name = 'UsageError';
}

/** A checkpoint that cannot be used for --resume, eval or predict; the message names the file. */
export class CheckpointError extends ValueError {
  override name = 'CheckpointError';
}

/** `unknown X 'y'; valid: a, b, c` — the message every name lookup gives. */
export function pick<T>(table: Record<string, T>, name: string, what: string): T {
  if (Object.hasOwn(table, name)) return table[name];
  throw new UsageError(`unknown ${what} '${name}'; valid ${what}s: ${Object.keys(table).join(', ')}`);
}
