import { IndexError, Tensor, declare, dtypeTitle, keep, parseArgs } from '@flambeau/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

// `Parameter[]?`: any iterable of tensors (generators included); `dict?`: a lone `{ … }` is the parameters by name.
const PARAMETER_LIST = declare('nn.ParameterList', 'ParameterList(Parameter[]? values=None)');
const PARAMETER_DICT = declare('nn.ParameterDict', 'ParameterDict(dict? parameters=None)');
const LIST = {
  append: declare('nn.ParameterList.append', 'append(Tensor value)'),
  extend: declare('nn.ParameterList.extend', 'extend(Tensor[] values)'),
};
const DICT = {
  pop: declare('nn.ParameterDict.pop', 'pop(str key)'),
  clear: declare('nn.ParameterDict.clear', 'clear()'),
  keys: declare('nn.ParameterDict.keys', 'keys()'),
  values: declare('nn.ParameterDict.values', 'values()'),
  items: declare('nn.ParameterDict.items', 'items()'),
  update: declare('nn.ParameterDict.update', 'update(dict parameters)'),
};

function normIndex(idx: number, n: number): number {
  if (!Number.isInteger(idx) || idx < -n || idx >= n) throw new IndexError(`index ${idx} is out of range`);
  return idx < 0 ? idx + n : idx;
}

/** A plain tensor stored in a parameter container becomes a Parameter, as in PyTorch. */
const asParameter = (t: Tensor): Parameter => keep(t instanceof Parameter ? t : new Parameter(t));

/** One printed entry: `(key): Parameter containing: [<type> of size 3x4]`. */
function entryLine(key: string, p: Parameter, type: string): string {
  return `  (${key}): Parameter containing: [${type} of size ${p.shape.join('x')}]`;
}

/**
 * `nn.ParameterList(values)`: parameters registered under '0', '1', … so that `parameters()` and
 * `stateDict()` find them (`plist.0`). Plain tensors are wrapped in `Parameter`.
 *
 * @example
 * this.weights = new nn.ParameterList([torch.randn(3, 4), torch.randn(4)]);
 * for (const w of this.weights) x = x.matmul(w);
 * String(this.weights); // 'ParameterList(\n    (0): Parameter containing: [torch.float32 of size 3x4]\n ...'
 */
export class ParameterList extends Module {
  static override readonly __name__: string = 'ParameterList';
  [index: number]: Parameter;

  constructor(...args: [values?: Iterable<Tensor> | null] | [{ values?: Iterable<Tensor> | null }]) {
    super();
    this.extend(parseArgs(PARAMETER_LIST, args).values ?? []);
  }
  /** `plist[idx]`, negative indices from the end. */
  get(idx: number): Parameter {
    return [...this._parameters.values()][normIndex(idx, this._parameters.size)] as Parameter;
  }
  /** `plist[idx] = value`. */
  set(idx: number, value: Tensor): void {
    this._parameters.set(String(normIndex(idx, this._parameters.size)), asParameter(value));
  }
  override get length(): number {
    return this._parameters.size;
  }
  append(...args: [value: Tensor] | [{ value: Tensor }]): this {
    const { value } = parseArgs(LIST.append, args) as { value: Tensor };
    this.registerParameter(String(this._parameters.size), asParameter(value));
    return this;
  }
  extend(...args: [values: Iterable<Tensor>] | [{ values: Iterable<Tensor> }]): this {
    const { values } = parseArgs(LIST.extend, args) as { values: Iterable<Tensor> };
    for (const v of values) this.append(v);
    return this;
  }
  *[Symbol.iterator](): Iterator<Parameter> {
    for (const p of this._parameters.values()) yield p as Parameter;
  }
  override extraRepr(): string {
    return [...this].map((p, i) => entryLine(String(i), p, `torch.${p.dtype}`)).join('\n');
  }
}

/**
 * `nn.ParameterDict(parameters)`: parameters by key, in insertion order, registered under their
 * keys (`pdict.key`). Iterating yields the keys, as in PyTorch.
 *
 * @example
 * this.scales = new nn.ParameterDict({ a: torch.ones(3), b: torch.zeros(3) });
 * x.mul(this.scales.get('a'));
 */
type ParameterEntries = Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]> | ParameterDict;

export class ParameterDict extends Module {
  static override readonly __name__: string = 'ParameterDict';
  constructor(...args: [parameters?: ParameterEntries | null]) {
    super();
    this.update(parseArgs(PARAMETER_DICT, args).parameters ?? {});
  }
  /** `pdict[key]`. */
  get(key: string): Parameter {
    const p = this._parameters.get(key);
    if (!p) throw new IndexError(`'${key}'`);
    return p;
  }
  /** `pdict[key] = value`. */
  set(key: string, value: Tensor): void {
    if (this._parameters.has(key)) this._parameters.set(key, asParameter(value));
    else this.registerParameter(key, asParameter(value));
  }
  has(key: string): boolean {
    return this._parameters.has(key);
  }
  delete(key: string): void {
    this.get(key);
    this._parameters.delete(key);
  }
  pop(...args: [key: string] | [{ key: string }]): Parameter {
    const { key } = parseArgs(DICT.pop, args) as { key: string };
    const p = this.get(key);
    this._parameters.delete(key);
    return p;
  }
  clear(...args: []): void {
    parseArgs(DICT.clear, args);
    this._parameters.clear();
  }
  keys(...args: []): string[] {
    parseArgs(DICT.keys, args);
    return [...this._parameters.keys()];
  }
  values(...args: []): Parameter[] {
    parseArgs(DICT.values, args);
    return [...this._parameters.values()] as Parameter[];
  }
  items(...args: []): [string, Parameter][] {
    parseArgs(DICT.items, args);
    return [...this._parameters.entries()] as [string, Parameter][];
  }
  override get length(): number {
    return this._parameters.size;
  }
  /** `update(other)`: adds or replaces entries, in `other`'s order. */
  update(...args: [parameters: ParameterEntries]): void {
    const { parameters } = parseArgs(DICT.update, args) as { parameters: ParameterEntries };
    const entries = parameters instanceof ParameterDict ? parameters.items()
      : Symbol.iterator in Object(parameters) ? [...(parameters as Iterable<[string, Tensor]>)] : Object.entries(parameters);
    for (const [k, v] of entries) this.set(k, v);
  }
  [Symbol.iterator](): Iterator<string> {
    return this._parameters.keys();
  }
  override extraRepr(): string {
    // PyTorch prints the legacy type name here (`torch.typename`), unlike ParameterList.
    return this.items().map(([k, p]) => entryLine(k, p, `torch.${dtypeTitle(p.dtype)}Tensor`)).join('\n');
  }
}
