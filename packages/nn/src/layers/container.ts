import { type Tensor, IndexError, DTypeError, declare, parseArgs } from '@flambeau/tensor';

// `Module[]?`: any iterable of modules (unchecked here, checked as they are added), or by name.
const MODULE_LIST = declare('nn.ModuleList', 'ModuleList(Module[]? modules=None)');
// `dict?`: a lone `{ … }` is the modules by name, as Python's dict, not an options object.
const MODULE_DICT = declare('nn.ModuleDict', 'ModuleDict(dict? modules=None)');
// The list methods under PyTorch 1.13's parameter names; `pop`'s key defaults to the last, as Python's list.pop.
const listMethods = (cls: string, extendParam: string) => ({
  append: declare(`nn.${cls}.append`, 'append(Module module)'),
  extend: declare(`nn.${cls}.extend`, `extend(Module[] ${extendParam})`),
  insert: declare(`nn.${cls}.insert`, 'insert(int index, Module module)'),
  pop: declare(`nn.${cls}.pop`, 'pop(int key=-1)'),
});
const SEQUENTIAL = listMethods('Sequential', 'sequential');
const MODULE_LIST_METHODS = listMethods('ModuleList', 'modules');
const DICT = {
  pop: declare('nn.ModuleDict.pop', 'pop(str key)'),
  clear: declare('nn.ModuleDict.clear', 'clear()'),
  keys: declare('nn.ModuleDict.keys', 'keys()'),
  values: declare('nn.ModuleDict.values', 'values()'),
  items: declare('nn.ModuleDict.items', 'items()'),
  update: declare('nn.ModuleDict.update', 'update(dict modules)'),
};
import { Module } from '../module.js';

function normIndex(idx: number, n: number): number {
  if (!Number.isInteger(idx) || idx < -n || idx >= n) throw new IndexError(`index ${idx} is out of range`);
  return idx < 0 ? idx + n : idx;
}

function sliceRange(n: number, start?: number, end?: number): [number, number] {
  const clip = (i: number) => (i < 0 ? Math.max(0, i + n) : Math.min(i, n));
  return [clip(start ?? 0), clip(end ?? n)];
}

/** Replaces the children with `modules`, named '0', '1', … in order. */
function renumber(m: Module, modules: readonly Module[]): void {
  m._modules.clear();
  modules.forEach((mod, i) => m.addModule(String(i), mod));
}

/**
 * `nn.Sequential(*modules)` or `nn.Sequential(OrderedDict)`: calls its children in order, feeding
 * each output to the next. Children are named '0', '1', … (or by the record's keys).
 *
 * @example
 * const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(1024, 64), new nn.Linear(64, 10));
 * model.get(-1); // Linear(in_features=64, out_features=10, bias=True)
 * const head = new nn.Sequential(...[...model.children()].slice(0, 2));
 */
export class Sequential extends Module {
  static override readonly __name__: string = 'Sequential';
  [index: number]: Module;

  constructor(...modules: Module[]);
  constructor(modules: Record<string, Module> | Map<string, Module>);
  constructor(...args: (Module | Record<string, Module> | Map<string, Module>)[]) {
    super();
    const first = args[0];
    if (args.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first);
      for (const [name, m] of entries) this.addModule(name, m);
    } else {
      args.forEach((m, i) => {
        if (!(m instanceof Module)) throw new DTypeError(`${typeof m} is not a Module subclass`);
        this.addModule(String(i), m);
      });
    }
  }

  /** `seq[idx]`, negative indices from the end. */
  get(idx: number): Module {
    const mods = [...this._modules.values()];
    return mods[normIndex(idx, mods.length)] as Module;
  }
  /** `seq[idx] = module`. */
  set(idx: number, module: Module): void {
    const keys = [...this._modules.keys()];
    this._modules.set(keys[normIndex(idx, keys.length)], module);
  }
  /** `seq[start:end]`: a Sequential of those children, keeping their names. */
  slice(start?: number, end?: number): Sequential {
    const [a, b] = sliceRange(this._modules.size, start, end);
    return new Sequential(new Map([...this._modules].slice(a, b) as [string, Module][]));
  }
  /** `del seq[idx]`; the remaining children keep their names, as in PyTorch. */
  delete(idx: number): void {
    const keys = [...this._modules.keys()];
    this._modules.delete(keys[normIndex(idx, keys.length)]);
  }
  override get length(): number {
    return this._modules.size;
  }
  append(...args: [module: Module] | [{ module: Module }]): this {
    const { module } = parseArgs(SEQUENTIAL.append, args) as { module: Module };
    this.addModule(String(this._modules.size), module);
    return this;
  }
  extend(...args: [sequential: Iterable<Module>] | [{ sequential: Iterable<Module> }]): this {
    const { sequential } = parseArgs(SEQUENTIAL.extend, args) as { sequential: Iterable<Module> };
    for (const m of sequential) this.append(m);
    return this;
  }
  insert(...args: [index: number, module: Module] | [index: number, { module: Module }] | [{ index: number; module: Module }]): this {
    const { index, module } = parseArgs(SEQUENTIAL.insert, args) as { index: number; module: Module };
    const mods = [...this._modules.values()] as Module[];
    const n = mods.length;
    if (index < -n || index > n) throw new IndexError(`Index out of range: ${index}`);
    mods.splice(index < 0 ? index + n : index, 0, module);
    renumber(this, mods);
    return this;
  }
  pop(...args: [key?: number] | [{ key?: number }]): Module {
    const idx = parseArgs(SEQUENTIAL.pop, args).key as number;
    const m = this.get(idx);
    this.delete(idx);
    return m;
  }
  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this) x = m(x);
    return x as Tensor;
  }
}

/**
 * `nn.ModuleList(modules)`: a list of submodules, registered (so their parameters are found) but
 * not called: the owner's `forward` decides how to use them.
 *
 * @example
 * this.layers = new nn.ModuleList(Array.from({ length: 3 }, () => new nn.Linear(8, 8)));
 * for (const layer of this.layers) x = layer(x);
 */
export class ModuleList<T extends Module = Module> extends Module {
  static override readonly __name__: string = 'ModuleList';
  [index: number]: T;

  constructor(...args: [modules?: Iterable<T> | null] | [{ modules?: Iterable<T> | null }]) {
    super();
    this.extend(parseArgs(MODULE_LIST, args).modules ?? []);
  }
  get(idx: number): T {
    return [...this._modules.values()][normIndex(idx, this._modules.size)] as T;
  }
  set(idx: number, module: T): void {
    this.addModule(String(normIndex(idx, this._modules.size)), module);
  }
  slice(start?: number, end?: number): ModuleList<T> {
    const [a, b] = sliceRange(this._modules.size, start, end);
    return new ModuleList([...this].slice(a, b));
  }
  /** `del list[idx]`: later entries are renumbered, as in PyTorch. */
  delete(idx: number): void {
    const mods = [...this];
    mods.splice(normIndex(idx, mods.length), 1);
    renumber(this, mods);
  }
  override get length(): number {
    return this._modules.size;
  }
  append(...args: [module: T] | [{ module: T }]): this {
    const { module } = parseArgs(MODULE_LIST_METHODS.append, args) as { module: T };
    this.addModule(String(this._modules.size), module);
    return this;
  }
  extend(...args: [modules: Iterable<T>] | [{ modules: Iterable<T> }]): this {
    const { modules } = parseArgs(MODULE_LIST_METHODS.extend, args) as { modules: Iterable<T> };
    for (const m of modules) this.append(m);
    return this;
  }
  insert(...args: [index: number, module: T] | [index: number, { module: T }] | [{ index: number; module: T }]): void {
    const { index, module } = parseArgs(MODULE_LIST_METHODS.insert, args) as { index: number; module: T };
    const mods = [...this];
    const n = mods.length;
    mods.splice(index < 0 ? Math.max(0, index + n) : Math.min(index, n), 0, module);
    renumber(this, mods);
  }
  pop(...args: [key?: number] | [{ key?: number }]): T {
    const idx = parseArgs(MODULE_LIST_METHODS.pop, args).key as number;
    const m = this.get(idx);
    this.delete(idx);
    return m;
  }
  *[Symbol.iterator](): Iterator<T> {
    for (const m of this._modules.values()) yield m as T;
  }
}

/**
 * `nn.ModuleDict(modules)`: submodules by name, in insertion order. Iterating yields the keys,
 * as in PyTorch.
 *
 * @example
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 10), box: new nn.Linear(8, 4) });
 * heads.get('cls')(x);
 */
export class ModuleDict<T extends Module = Module> extends Module {
  static override readonly __name__: string = 'ModuleDict';
  constructor(...args: [modules?: Record<string, T> | Map<string, T> | Iterable<[string, T]> | null]) {
    super();
    this.update(parseArgs(MODULE_DICT, args).modules ?? {});
  }
  get(key: string): T {
    if (!this._modules.has(key)) throw new IndexError(`'${key}'`);
    return this._modules.get(key) as T;
  }
  set(key: string, module: T): void {
    this.addModule(key, module);
  }
  has(key: string): boolean {
    return this._modules.has(key);
  }
  delete(key: string): void {
    this.get(key);
    this._modules.delete(key);
  }
  pop(...args: [key: string] | [{ key: string }]): T {
    const { key } = parseArgs(DICT.pop, args) as { key: string };
    const m = this.get(key);
    this._modules.delete(key);
    return m;
  }
  clear(...args: []): void {
    parseArgs(DICT.clear, args);
    this._modules.clear();
  }
  keys(...args: []): string[] {
    parseArgs(DICT.keys, args);
    return [...this._modules.keys()];
  }
  values(...args: []): T[] {
    parseArgs(DICT.values, args);
    return [...this._modules.values()] as T[];
  }
  items(...args: []): [string, T][] {
    parseArgs(DICT.items, args);
    return [...this._modules.entries()] as [string, T][];
  }
  override get length(): number {
    return this._modules.size;
  }
  update(...args: [modules: Record<string, T> | Map<string, T> | Iterable<[string, T]>]): void {
    const { modules } = parseArgs(DICT.update, args) as { modules: Record<string, T> | Map<string, T> | Iterable<[string, T]> };
    const entries = modules instanceof Map || Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, T]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }
  [Symbol.iterator](): Iterator<string> {
    return this._modules.keys();
  }
}
