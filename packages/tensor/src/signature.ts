import { type OpParam, getOpSchema, parseSignature } from './dispatcher.js';
import { DTypeError } from './errors.js';
import { Dtype, isDTypeLike } from './dtype.js';
import { Tensor } from './tensor.js';

/**
 * PyTorch's calling convention for every public function, method and constructor: one
 * declaration in the op registry's schema notation states the parameter list (names, order,
 * defaults, types; `*` starts the keyword-only ones, `/` ends the positional-only ones), and
 * {@link parseArgs} binds a call to it. Any trailing run of parameters may come as one options
 * object with camelCase names, as Python's keywords: `F.conv2d(x, w, { bias: b, stride: 2 })`.
 */

/** One declared parameter, its default already a JS value. */
export interface Param extends OpParam {
  /** The default as a JS value (`None` → `null`); absent when the parameter is required. */
  readonly value?: unknown;
  /** `Tensor?`-style: `null` is accepted. */
  readonly optional?: boolean;
  /** `int[2]`: one int given stands for the pair. */
  readonly tuple?: number;
  /** What the type accepts; `null` for types not checked. */
  readonly check?: Checker | null;
}

/** A function's parameter list. `name` is what error messages call it (`conv2d`, `Conv2d`). */
export interface Declaration {
  readonly name: string;
  /** Where it lives, as PyTorch spells it: `torch.clamp`, `Tensor.sum`, `F.conv2d`, `nn.Conv2d`. */
  readonly qualname: string;
  readonly params: readonly Param[];
  /** The parameters that may come positionally (not keyword-only), in order. */
  readonly positional: readonly Param[];
}

/** Where a declaration's list comes from: a schema string, an op's schema, or a method's (its function form, `input` first). */
export type DeclarationSource = string | { op: string; method?: boolean } | { functionOf: Declaration };

const declarations = new Map<string, Declaration>();

/**
 * Declares `qualname`'s parameter list, from a schema string or from an op's own schema (a
 * dispatcher op is declared once). For a method, `self` is dropped (`Tensor.sum` declared from
 * the `sum` op binds `dim, keepdim, dtype`).
 *
 * @example
 * const CLAMP = declare('torch.clamp', 'clamp(Tensor input, Scalar? min=None, Scalar? max=None)');
 * parseArgs(CLAMP, [x, { min: 0 }]); // { input: x, min: 0, max: null }
 */
export function declare(qualname: string, signature: DeclarationSource, opts: { listed?: boolean } = {}): Declaration {
  const decl = new LazyDeclaration(qualname, signature);
  // `listed: false`: a partial list (an options bag) that the PyTorch signature test cannot compare.
  if (opts.listed !== false) declarations.set(qualname, decl);
  return decl;
}

interface Resolved { name: string; params: readonly Param[]; positional: readonly Param[] }

/** Resolved on first use: methods are declared in `tensor.ts`, before the op modules register their schemas. */
class LazyDeclaration implements Declaration {
  private resolved?: Resolved;
  constructor(readonly qualname: string, private readonly signature: DeclarationSource) {}
  get name(): string { return this.resolve().name; }
  get params(): readonly Param[] { return this.resolve().params; }
  get positional(): readonly Param[] { return this.resolve().positional; }
  private resolve(): Resolved {
    if (this.resolved) return this.resolved;
    const sig = this.signature;
    let name: string;
    let params: readonly OpParam[];
    if (typeof sig === 'string') {
      ({ name, params } = parseSignature(sig));
    } else if ('functionOf' in sig) {
      // `torch.neg(input)` for `Tensor.neg()`: the method's list after the tensor it is called on.
      name = sig.functionOf.name;
      params = [{ type: 'Tensor', name: 'input' }, ...sig.functionOf.params];
    } else {
      const schema = getOpSchema(sig.op);
      if (!schema) throw new DTypeError(`declare(): no op named '${sig.op}'`);
      name = schema.name;
      // Python names an op's `self` `input` in its function form.
      params = sig.method ? schema.params.slice(1) : schema.params.map((p) => (p.name === 'self' ? { ...p, name: 'input' } : p));
    }
    const bound = params.map((q): Param => {
      // Worked out once here, so that binding a call runs no regex.
      const optional = q.type.endsWith('?');
      const p: Param = { ...q, optional, tuple: Number(/^\w+\[(\d+)\]/.exec(q.type)?.[1] ?? 0), check: checkerOf(q.type, optional) };
      return p.default === undefined || 'value' in q ? p : { ...p, value: normalize(p, parseDefault(p.default)) };
    });
    this.resolved = { name, params: bound, positional: bound.filter((p) => !p.kwOnly) };
    return this.resolved;
  }
}

/**
 * The TypeScript form of a declaration's optional tail: any prefix of the positional parameters
 * `P`, optionally followed by one options object `O`.
 *
 * @example
 * constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, ...rest: Args<[stride: IntOrTuple, padding: ConvPadding], ConvOptions>)
 */
export type Args<P extends readonly unknown[], O> = P extends readonly [...infer Init, unknown]
  ? Args<Init, O> | [...P] | [...P, O]
  : [] | [O];

/** The declaration listed under `qualname` (`Tensor.sum`), if any. */
export function getDeclaration(qualname: string): Declaration | undefined {
  return declarations.get(qualname);
}

/** Every declaration made so far, for the signature test against PyTorch's own lists. */
export function listDeclarations(): Declaration[] {
  return [...declarations.values()];
}

/** `true` for `{ … }` literals: what a trailing options object is, as opposed to tensors, arrays, modules. */
export function isOptions(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Binds `args` (positional values, optionally ending in one options object) to `decl`: every
 * parameter by its camelCase name, defaults filled in, `int[2]`-style parameters given one int
 * expanded to the tuple. `undefined` counts as not given. Raises PyTorch's `TypeError`
 * (`DTypeError`) for an unknown or snake_case name, a wrong type, a parameter given twice, too
 * many positional values or a missing required one.
 */
export function parseArgs(decl: Declaration, args: ArrayLike<unknown>): Record<string, any> {
  const { name, params, positional } = decl;
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  let options: Record<string, unknown> | undefined;
  if (n > 0 && isOptions(args[n - 1])) {
    const at = positional[n - 1];
    if (!at || !acceptsObject(at.type)) options = args[--n] as Record<string, unknown>;
  }
  if (n > positional.length) {
    const required = positional.filter((p) => p.default === undefined).length;
    const takes = required === positional.length ? `${positional.length}` : `from ${required} to ${positional.length}`;
    throw new DTypeError(`${name}() takes ${takes} positional argument${positional.length === 1 ? '' : 's'} but ${n} ${n === 1 ? 'was' : 'were'} given`);
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) if (args[i] !== undefined) out[positional[i].name] = args[i];
  if (options) {
    for (const [key, v] of Object.entries(options)) {
      if (v === undefined) continue;
      const p = params.find((q) => q.name === key);
      if (!p) throw new DTypeError(`${name}() got an unexpected keyword argument '${key}'${suggest(key, params)}`);
      if (p.posOnly) throw new DTypeError(`${name}() got some positional-only arguments passed as keyword arguments: '${key}'`);
      if (key in out) throw new DTypeError(`${name}() got multiple values for argument '${key}'`);
      out[key] = v;
    }
  }
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (!(p.name in out)) {
      if (p.default === undefined) throw missingError(name, params, out);
      out[p.name] = p.value;
      continue;
    }
    const v = out[p.name];
    if (v === null && p.optional) continue;
    const check = p.check;
    if (check && !check.ok(v)) throw new DTypeError(`${name}(): argument '${p.name}' must be ${check.expected}, not ${pyTypeName(v)}`);
    out[p.name] = normalize(p, v);
  }
  return out;
}

function missingError(name: string, params: readonly Param[], out: Record<string, unknown>): DTypeError {
  const missing = params.filter((p) => p.default === undefined && !(p.name in out));
  const kw = missing.every((p) => p.kwOnly) ? 'keyword-only' : 'positional';
  const names = missing.map((p) => `'${p.name}'`);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return new DTypeError(`${name}() missing ${missing.length} required ${kw} argument${missing.length === 1 ? '' : 's'}: ${list}`);
}

function acceptsObject(type: string): boolean {
  return /^(dict|Any|Dataset|object)\??$/.test(type);
}

/** ` Did you mean 'batchSize'?` for a snake_case spelling or a near miss, else ''. */
function suggest(key: string, params: readonly Param[]): string {
  const camel = key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && params.some((p) => p.name === camel)) return `. Did you mean '${camel}'? (Flambeau spells keyword arguments in camelCase)`;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const p of params) {
    const d = editDistance(key.toLowerCase(), p.name.toLowerCase());
    if (d < bestD) { best = p.name; bestD = d; }
  }
  return best ? `. Did you mean '${best}'?` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const swap = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? prev[j - 2] + 1 : Infinity;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), swap);
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Python's `type(v).__name__` for a JS value, as PyTorch's messages name it. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'function') return 'function';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Tensor) return 'Tensor';
  if (v instanceof Dtype) return 'torch.dtype';
  if (isOptions(v)) return 'dict';
  return (v as object).constructor?.name ?? 'object';
}

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const isNumber = (v: unknown): boolean => typeof v === 'number';

/** What PyTorch's parser calls each schema type, and the JS values it accepts. */
const TYPES: Record<string, [string, (v: unknown) => boolean]> = {
  Tensor: ['Tensor', (v) => v instanceof Tensor],
  'Tensor[]': ['tuple of Tensors', (v) => Array.isArray(v) && v.every((t) => t instanceof Tensor)],
  int: ['int', isInt],
  'int[]': ['tuple of ints', (v) => isInt(v) || (Array.isArray(v) && v.every(isInt))],
  float: ['float', isNumber],
  'float[]': ['tuple of floats', (v) => isNumber(v) || (Array.isArray(v) && v.every(isNumber))],
  Scalar: ['Number', (v) => isNumber(v) || typeof v === 'boolean'],
  bool: ['bool', (v) => typeof v === 'boolean'],
  str: ['str', (v) => typeof v === 'string'],
  ScalarType: ['torch.dtype', isDTypeLike],
  Device: ['torch.device', (v) => typeof v === 'string' || (typeof v === 'object' && v !== null && 'type' in v)],
  Callable: ['callable', (v) => typeof v === 'function'],
};

export interface Checker { readonly expected: string; readonly ok: (v: unknown) => boolean }

/** What a parameter's type accepts, `null` for types not checked. */
function checkerOf(type: string, optional: boolean): Checker | null {
  const base = (optional ? type.slice(0, -1) : type).replace(/\[\d+\]$/, '[]');
  // A union (`Tensor|Scalar`, `int[]|str`): any member will do.
  const known = base.split('|').map((m) => TYPES[m]);
  if (known.some((k) => !k)) return null;
  return { expected: known.map(([n]) => n).join(' or '), ok: known.length === 1 ? known[0][1] : (v) => known.some(([, ok]) => ok(v)) };
}

/** `int[2] stride=1` given one int is the pair `[1, 1]`, as PyTorch's `_pair`; a dtype object is its name. */
function normalize(p: Param, v: unknown): unknown {
  if (v instanceof Dtype) return v.name;
  if (p.tuple !== undefined && p.tuple > 1 && typeof v === 'number') return new Array<number>(p.tuple).fill(v);
  return v;
}

function parseDefault(text: string): unknown {
  const t = text.trim();
  if (t === 'None') return null;
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  if (/^["'].*["']$/.test(t)) return t.slice(1, -1);
  if (/^[[(].*[\])]$/.test(t)) return t.slice(1, -1).split(',').filter((s) => s.trim()).map(parseDefault);
  const n = Number(t);
  if (!Number.isNaN(n)) return n;
  throw new DTypeError(`bad default '${text}' in a declaration`);
}
