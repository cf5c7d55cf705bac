/** Command-line options of every command, parsed with `util.parseArgs`; `--help` text comes from the same table. */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** How a string value is read. */
  kind?: 'int' | 'float' | 'string';
  default?: string | boolean;
  help: string;
  short?: string;
}

export type Specs = Record<string, OptionSpec>;
export type Parsed = Record<string, string | number | boolean | undefined>;

/** Parses `argv` against `specs`; unknown options and bad numbers are `UsageError`s naming the option. */
export function parse(command: string, argv: string[], specs: Specs, allowPositionals = false): { values: Parsed; positionals: string[]; given: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [k, s] of Object.entries(specs)) options[k] = { type: s.type, ...(s.short ? { short: s.short } : {}) };
  let res;
  try {
    res = parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\nsee: flambeau-train ${command} --help`);
  }
  const values: Parsed = { help: res.values.help as boolean | undefined };
  for (const [k, s] of Object.entries(specs)) {
    const raw = (res.values as Record<string, string | boolean | undefined>)[k] ?? s.default;
    if (raw === undefined || typeof raw === 'boolean' || !s.kind || s.kind === 'string') { values[k] = raw; continue; }
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || (s.kind === 'int' && !Number.isInteger(n))) {
      throw new UsageError(`${command}: --${k} expects ${s.kind === 'int' ? 'an integer' : 'a number'}, got '${raw}'`);
    }
    values[k] = n;
  }
  const given = Object.keys(specs).filter((k) => (res.values as Record<string, unknown>)[k] !== undefined);
  return { values, positionals: res.positionals, given };
}

export function helpText(usage: string, about: string, specs: Specs): string {
  const rows = Object.entries(specs).map(([k, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : ''}--${k}${s.type === 'string' ? ' <value>' : ''}`;
    const def = s.default !== undefined && s.default !== false ? ` (default: ${s.default})` : '';
    return `  ${flag.padEnd(28)} ${s.help}${def}`;
  });
  return `Usage: ${usage}\n\n${about}\n\nOptions:\n${rows.join('\n')}\n  ${'-h, --help'.padEnd(28)} show this help\n`;
}
