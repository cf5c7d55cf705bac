import { DTypeError, Tensor } from '@flambeau/tensor';

/**
 * Argument-kind checks for optimizers and schedulers. PyTorch gets them from Python itself
 * (`TypeError: __init__() got an unexpected keyword argument`) or fails later inside arithmetic;
 * here a wrong kind would silently turn learning rates into NaN, so constructors check up front
 * and throw `DTypeError` (PyTorch's `TypeError`) naming the class and the argument.
 */
export type ArgKind =
  | 'number' | 'number|null' | 'boolean' | 'string' | 'string|null' | 'number[]' | 'number|number[]'
  | 'function' | 'function|function[]' | 'function|null';

const EXPECTED: Record<ArgKind, string> = {
  number: 'a number',
  'number|null': 'a number or null',
  boolean: 'a boolean',
  string: 'a string',
  'string|null': 'a string or null',
  'number[]': 'an array of numbers',
  'number|number[]': 'a number or an array of numbers (one per parameter group)',
  function: 'a function',
  'function|function[]': 'a function or an array of functions (one per parameter group)',
  'function|null': 'a function or null',
};

function isKind(v: unknown, kind: ArgKind): boolean {
  const [base, alt] = kind.split('|') as [string, string | undefined];
  const one = (x: unknown, k: string): boolean => {
    if (k === 'null') return x === null;
    if (k.endsWith('[]')) return Array.isArray(x) && x.every((e) => typeof e === k.slice(0, -2));
    return typeof x === k;
  };
  return one(v, base) || (alt !== undefined && one(v, alt));
}

/** A wrong value as a message shows it: its kind and a short rendering. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof Tensor) return `Tensor of shape [${v.shape.join(', ')}]`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'string') return `string '${v}'`;
  if (typeof v !== 'object') return `${typeof v} ${String(v)}`;
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  return `${Array.isArray(v) ? 'array' : (Object.getPrototypeOf(v)?.constructor?.name ?? 'object')} ${text}`;
}

/** Throws unless `value` is of `kind`; `where` is the class (`StepLR`), `name` the argument. */
export function checkArg(where: string, name: string, value: unknown, kind: ArgKind): void {
  if (isKind(value, kind)) return;
  // The usual slip: an options object where a positional argument goes (`new StepLR(opt, { stepSize: 1 })`).
  const hint = value !== null && typeof value === 'object' && !Array.isArray(value) && name in value
    ? `; '${name}' is a positional argument, pass the value itself`
    : '';
  throw new DTypeError(`${where}: argument '${name}' must be ${EXPECTED[kind]}, but got ${describeValue(value)}${hint}`);
}

/**
 * Checks that an options object holds only `valid` names and that each given value has its
 * kind, as Python rejects unexpected keyword arguments (`SGD() got an unexpected keyword argument 'learningRate'`).
 */
export function checkOptions(where: string, opts: unknown, kinds: Readonly<Record<string, ArgKind>>): void {
  if (opts === undefined) return;
  const valid = Object.keys(kinds);
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || opts instanceof Tensor) {
    throw new DTypeError(`${where}: options must be an object with any of ${valid.join(', ')}, but got ${describeValue(opts)}`);
  }
  for (const [k, v] of Object.entries(opts)) {
    if (!Object.hasOwn(kinds, k)) throw new DTypeError(`${where}() got an unexpected keyword argument '${k}'; valid options are: ${valid.join(', ')}`);
    if (v !== undefined) checkArg(where, k, v, kinds[k]);
  }
}
