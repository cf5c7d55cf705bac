import { type Args, type DTypeLike, type DeviceLike, DTypeError, declare, isDTypeLike, parseArgs, toDType, IndexError, NotImplementedError, RuntimeError, Tensor, ValueError, className, isFloating, keep } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import { Parameter, setData } from './parameter.js';
import { BackwardHook, type FullBackwardHook, type FullBackwardPreHook } from './backward_hook.js';

export type { FullBackwardHook, FullBackwardPreHook, Grads } from './backward_hook.js';

/** A state dict: PyTorch key names (`conv1.weight`, `bn.running_mean`) to tensors, in module order. */
export type StateDict = Record<string, Tensor>;

/** `hook(module, args)`; may return replacement args (an array, or one value). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/** `hook(module, args, output)`; may return a replacement output. */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

/** What `registerForwardHook` and friends return (`torch.utils.hooks.RemovableHandle`). */
export interface RemovableHandle {
  remove(): void;
}

/**
 * `loadStateDict`'s result, PyTorch's `_IncompatibleKeys` named tuple: `.missingKeys`,
 * `.unexpectedKeys`, destructuring as `[missing, unexpected]`, and PyTorch's printed form.
 *
 * @example
 * String(net.loadStateDict(sd)); // '<All keys matched successfully>'
 */
export class IncompatibleKeys {
  constructor(readonly missingKeys: string[], readonly unexpectedKeys: string[]) {}
  *[Symbol.iterator](): Iterator<string[]> {
    yield this.missingKeys;
    yield this.unexpectedKeys;
  }
  toString(): string {
    if (this.missingKeys.length === 0 && this.unexpectedKeys.length === 0) return '<All keys matched successfully>';
    const list = (ks: string[]): string => `[${ks.map((k) => (k.includes("'") ? `"${k}"` : `'${k}'`)).join(', ')}]`;
    return `_IncompatibleKeys(missing_keys=${list(this.missingKeys)}, unexpected_keys=${list(this.unexpectedKeys)})`;
  }
}

/**
 * `module.to`'s overloads, as PyTorch's docstring lists them: `to(device=None, dtype=None,
 * non_blocking=False)`, `to(dtype, non_blocking=False)`, `to(tensor, non_blocking=False)`.
 * `non_blocking` is a hint PyTorch may ignore; copies here are always complete on return.
 */
const TO = declare('nn.Module.to', 'to(Device? device=None, ScalarType? dtype=None, bool nonBlocking=False)');
const TO_DTYPE = declare('nn.Module.to', 'to(ScalarType dtype, bool nonBlocking=False)', { listed: false });
const TO_TENSOR = declare('nn.Module.to', 'to(Tensor tensor, bool nonBlocking=False)', { listed: false });
type NonBlocking = Args<[nonBlocking: boolean], { nonBlocking?: boolean }>;

// PyTorch 1.13's parameter lists of nn.Module's methods. `bool|Any`, `str|Any`: not type-checked by the parser, as
// PyTorch's own check (and message) applies instead; `Any` alone would also take an options object as the value.
const method = (sig: string) => declare(`nn.Module.${sig.slice(0, sig.indexOf('('))}`, sig);
const MEMBERS = 'str prefix="", bool recurse=True, bool removeDuplicate=True';
const M = {
  stateDict: method('stateDict(*, dict? destination=None, str prefix="", bool keepVars=False)'),
  loadStateDict: method('loadStateDict(Any stateDict, bool strict=True)'),
  parameters: method('parameters(bool recurse=True)'),
  namedParameters: method(`namedParameters(${MEMBERS})`),
  buffers: method('buffers(bool recurse=True)'),
  namedBuffers: method(`namedBuffers(${MEMBERS})`),
  children: method('children()'),
  namedChildren: method('namedChildren()'),
  modules: method('modules()'),
  namedModules: method('namedModules(Set? memo=None, str prefix="", bool removeDuplicate=True)'),
  train: method('train(bool|Any mode=True)'),
  eval: method('eval()'),
  requiresGrad_: method('requiresGrad_(bool requiresGrad=True)'),
  zeroGrad: method('zeroGrad(bool setToNone=True)'),
  apply: method('apply(Callable fn)'),
  registerBuffer: method('registerBuffer(str|Any name, Tensor|Any? tensor, bool persistent=True)'),
  registerParameter: method('registerParameter(str|Any name, Tensor|Any? param)'),
  addModule: method('addModule(str|Any name, Callable|Any? module)'),
  registerModule: method('registerModule(str|Any name, Callable|Any? module)'),
  getSubmodule: method('getSubmodule(str target)'),
  registerForwardPreHook: method('registerForwardPreHook(Callable hook)'),
  registerForwardHook: method('registerForwardHook(Callable hook)'),
  registerFullBackwardHook: method('registerFullBackwardHook(Callable hook)'),
  // PyTorch 2.0's: no 1.13 list to check it against.
  registerFullBackwardPreHook: declare('nn.Module.registerFullBackwardPreHook', 'registerFullBackwardPreHook(Callable hook)', { listed: false }),
  float: method('float()'),
  double: method('double()'),
  half: method('half()'),
  cpu: method('cpu()'),
  extraRepr: method('extraRepr()'),
};
/** `prefix`, `recurse`, `removeDuplicate` of `namedParameters` / `namedBuffers`, positional or by name. */
export type MembersArgs = Args<[prefix: string, recurse: boolean, removeDuplicate: boolean], { prefix?: string; recurse?: boolean; removeDuplicate?: boolean }>;
/** `recurse` of `parameters` / `buffers`. */
export type RecurseArgs = Args<[recurse: boolean], { recurse?: boolean }>;

const SELF = Symbol('flambeau.module.self');
let nextHookId = 0;

// Module state lives on the proxy's target; these are the fields the traps consult.
interface ModuleTarget {
  _parameters: Map<string, Parameter | null>;
  _buffers: Map<string, Tensor | null>;
  _modules: Map<string, Module | null>;
  [SELF]: Module;
}

function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof Tensor) return 'Tensor';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'object' || typeof v === 'function') return (v as object).constructor ? className((v as object).constructor) : typeof v;
  return typeof v;
}

/** Parameters and buffers belong to the module, not to the `tidy` scope they were made in. */
function owned<T extends Tensor | null>(x: T): T {
  if (x !== null) keep(x);
  return x;
}

/** Drops `name` from every registry but `kept`, whose entry a new value replaces in place (dict order, as PyTorch's `remove_from`). */
function forget(t: ModuleTarget, name: string, kept?: Map<string, unknown>): void {
  for (const registry of [t._parameters, t._buffers, t._modules] as Map<string, unknown>[]) if (registry !== kept) registry.delete(name);
  if (Object.prototype.hasOwnProperty.call(t, name)) Reflect.deleteProperty(t, name);
}

/**
 * PyTorch's `Module.__setattr__`: Parameters and Modules register themselves; assigning to an
 * already registered name keeps it registered. Returns false for ordinary attributes.
 */
function assignAttr(t: ModuleTarget, name: string, value: unknown, defining: boolean): boolean {
  const registered = t._parameters.has(name) || t._buffers.has(name) || t._modules.has(name);
  // A subclass field declared without an initialiser (`weight!: Parameter`) defines `undefined`
  // after the parent constructor may already have registered the name: keep the registration.
  if (defining && value === undefined && registered) return true;
  if (value instanceof Parameter) {
    forget(t, name, t._parameters);
    t._parameters.set(name, owned(value));
    return true;
  }
  if (value instanceof Module) {
    forget(t, name, t._modules);
    t._modules.set(name, value);
    return true;
  }
  const none = value === null || value === undefined;
  if (t._parameters.has(name)) {
    if (!none) throw new DTypeError(`cannot assign '${pyTypeName(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    t._parameters.set(name, null);
    return true;
  }
  if (t._modules.has(name)) {
    if (!none) throw new DTypeError(`cannot assign '${pyTypeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    t._modules.set(name, null);
    return true;
  }
  if (t._buffers.has(name)) {
    if (!none && !(value instanceof Tensor)) throw new DTypeError(`cannot assign '${pyTypeName(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
    t._buffers.set(name, none ? null : owned(value as Tensor));
    return true;
  }
  return false;
}

const handler: ProxyHandler<ModuleTarget & ((...a: unknown[]) => unknown)> = {
  apply(target, _thisArg, args) {
    return target[SELF]._callImpl(...args);
  },
  get(target, key, receiver) {
    if (typeof key === 'string') {
      if (target._parameters.has(key)) return target._parameters.get(key);
      if (target._buffers.has(key)) return target._buffers.get(key);
      if (target._modules.has(key)) return target._modules.get(key);
    }
    return Reflect.get(target, key, receiver);
  },
  set(target, key, value, receiver) {
    if (typeof key === 'string' && assignAttr(target, key, value, false)) return true;
    return Reflect.set(target, key, value, receiver);
  },
  defineProperty(target, key, desc) {
    if (typeof key === 'string' && 'value' in desc && assignAttr(target, key, desc.value, true)) return true;
    return Reflect.defineProperty(target, key, desc);
  },
  has(target, key) {
    if (typeof key === 'string' && (target._parameters.has(key) || target._buffers.has(key) || target._modules.has(key))) return true;
    return Reflect.has(target, key);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string' && (target._parameters.has(key) || target._buffers.has(key) || target._modules.has(key))) {
      forget(target, key);
      return true;
    }
    return Reflect.deleteProperty(target, key);
  },
};

/**
 * A module instance is a Proxy over an arrow function (callable, and without the non-configurable
 * `prototype` property of ordinary functions) whose prototype is the subclass's: calls go to
 * `_callImpl`, attribute writes go through `assignAttr`. State lives on the target.
 */
function makeInstance(proto: object): [Module, Module] {
  const fn = (() => undefined) as unknown as ModuleTarget & ((...a: unknown[]) => unknown);
  delete (fn as { length?: number }).length;
  delete (fn as { name?: string }).name;
  Object.setPrototypeOf(fn, proto);
  const proxy = new Proxy(fn, handler) as unknown as Module;
  Object.defineProperty(fn, SELF, { value: proxy });
  return [fn as unknown as Module, proxy];
}

function deepcopyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Module) {
    const [target, proxy] = makeInstance(Object.getPrototypeOf(v) as object);
    memo.set(v, proxy);
    for (const key of Reflect.ownKeys(v)) {
      if (key === SELF) continue;
      const desc = Reflect.getOwnPropertyDescriptor(v, key) as PropertyDescriptor;
      if ('value' in desc) desc.value = deepcopyValue(desc.value, memo);
      Reflect.defineProperty(target, key, desc);
    }
    return proxy;
  }
  if (v instanceof Parameter) {
    const p = new Parameter(v.detach().clone(), v.requiresGrad);
    memo.set(v, p);
    return p;
  }
  if (v instanceof Tensor) {
    const t = v.detach().clone();
    if (v.requiresGrad && v.isLeaf) t.requiresGrad = true;
    memo.set(v, t);
    return t;
  }
  if (v instanceof Map) {
    const m = new Map();
    memo.set(v, m);
    for (const [k, x] of v) m.set(k, deepcopyValue(x, memo));
    return m;
  }
  if (v instanceof Set) {
    const m = new Set();
    memo.set(v, m);
    for (const x of v) m.add(deepcopyValue(x, memo));
    return m;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    memo.set(v, a);
    for (const x of v) a.push(deepcopyValue(x, memo));
    return a;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, unknown> = {};
    memo.set(v, o);
    for (const [k, x] of Object.entries(v)) o[k] = deepcopyValue(x, memo);
    return o;
  }
  // Functions (hooks) and other objects are shared, as deepcopy does for functions.
  return v;
}

function checkName(kind: string, name: string): void {
  if (typeof name !== 'string') throw new DTypeError(`${kind} name should be a string. Got ${typeof name}`);
  if (name.includes('.')) throw new IndexError(`${kind} name can't contain "."`);
  if (name === '') throw new IndexError(`${kind} name can't be empty string ""`);
}

function addIndent(s: string, numSpaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const first = lines.shift() as string;
  return [first, ...lines.map((l) => ' '.repeat(numSpaces) + l)].join('\n');
}

/** `torch.Size([2, 3])`, as PyTorch prints shapes in messages. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/**
 * Modules are called like functions: `net(x)` runs the forward pre-hooks, `forward`, then the
 * forward hooks. The call signature follows the subclass's `forward`.
 */
export interface Module {
  (...args: Parameters<this['forward']>): ReturnType<this['forward']>;
}

/**
 * Base class for all neural network modules (`torch.nn.Module`).
 *
 * Parameters, buffers and submodules assigned as fields (class field initialisers included) are
 * registered in assignment order, which fixes `stateDict()` keys and the printout.
 *
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: Tensor) { return this.fc2(F.relu(this.fc1(x))); }
 * }
 * const net = new Net();
 * net(torch.randn(3, 4)); // shape [3, 2]
 * Object.keys(net.stateDict()); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export class Module {
  /** The name printed and used in errors, kept through bundling (see `className`). */
  static readonly __name__: string = 'Module';
  /** Training mode flag (`module.training`), set by `train()` / `eval()`. */
  declare training: boolean;
  declare _parameters: Map<string, Parameter | null>;
  declare _buffers: Map<string, Tensor | null>;
  declare _nonPersistentBuffers: Set<string>;
  declare _modules: Map<string, Module | null>;
  declare _forwardPreHooks: Map<number, ForwardPreHook>;
  declare _forwardHooks: Map<number, ForwardHook>;
  declare _backwardHooks: Map<number, FullBackwardHook>;
  declare _backwardPreHooks: Map<number, FullBackwardPreHook>;

  constructor() {
    const [target, proxy] = makeInstance(new.target.prototype);
    target.training = true;
    target._parameters = new Map();
    target._buffers = new Map();
    target._nonPersistentBuffers = new Set();
    target._modules = new Map();
    target._forwardPreHooks = new Map();
    target._forwardHooks = new Map();
    target._backwardHooks = new Map();
    target._backwardPreHooks = new Map();
    return proxy;
  }

  /**
   * `copy.deepcopy(module)`: a structurally identical module with its own copies of every
   * parameter and buffer (parameters shared within the module stay shared in the copy).
   */
  deepcopy(): this {
    return deepcopyValue(this, new Map()) as this;
  }

  /** The computation of the module; subclasses override it. Call the module, not `forward`. */
  forward(...args: any[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    throw new NotImplementedError(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** What `module(...)` runs: pre-hooks, `forward`, hooks. */
  _callImpl(...args: unknown[]): unknown {
    let a = args;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const r = hook(this, a);
      if (r !== undefined) a = Array.isArray(r) ? r : [r];
    }
    const bwHook = this._backwardHooks.size > 0 || this._backwardPreHooks.size > 0
      ? new BackwardHook(this, [...this._backwardHooks.values()], [...this._backwardPreHooks.values()]) : null;
    if (bwHook) a = bwHook.setupInputHook(a);
    let out = this.forward(...a);
    for (const hook of [...this._forwardHooks.values()]) {
      const r = hook(this, a, out);
      if (r !== undefined) out = r;
    }
    return bwHook ? bwHook.setupOutputHook(out) : out;
  }

  /** `register_forward_pre_hook(hook)`: `hook(module, args)` runs before `forward`. */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    parseArgs(M.registerForwardPreHook, [hook]);
    return this.addHook(this._forwardPreHooks, hook as ForwardPreHook);
  }
  /** `register_forward_hook(hook)`: `hook(module, args, output)` runs after `forward`. */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    parseArgs(M.registerForwardHook, [hook]);
    return this.addHook(this._forwardHooks, hook as ForwardHook);
  }
  /**
   * `register_full_backward_hook(hook)`: `hook(module, gradInput, gradOutput)` runs when the
   * gradients w.r.t. the module's inputs have been computed, and may return replacement
   * `gradInput`. Entries are null for non-tensor inputs; inputs that do not require grad get
   * zeros, or null when no input requires grad. The module sees views of its tensor inputs and
   * the caller views of its outputs.
   *
   * @example
   * lin.registerFullBackwardHook((m, gradInput, gradOutput) => [gradInput[0]!.clamp(-1, 1)]);
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>): RemovableHandle {
    parseArgs(M.registerFullBackwardHook, [hook]);
    return this.addHook(this._backwardHooks, hook as FullBackwardHook);
  }
  /**
   * `register_full_backward_pre_hook(hook)` (PyTorch 2.0): `hook(module, gradOutput)` runs when the
   * gradients w.r.t. the module's outputs arrive, and may return replacement `gradOutput`
   * (null for unused and non-tensor outputs).
   */
  registerFullBackwardPreHook(hook: FullBackwardPreHook<this>): RemovableHandle {
    parseArgs(M.registerFullBackwardPreHook, [hook]);
    return this.addHook(this._backwardPreHooks, hook as FullBackwardPreHook);
  }
  private addHook<H>(hooks: Map<number, H>, hook: H): RemovableHandle {
    const id = nextHookId++;
    hooks.set(id, hook);
    return { remove: () => { hooks.delete(id); } };
  }

  // ---------------------------------------------------------------- registration

  private checkFree(kind: string, name: string, own: Map<string, unknown>): void {
    checkName(kind, name);
    const t = this as unknown as ModuleTarget;
    const taken = [t._parameters, t._buffers, t._modules].some((m) => m !== own && m.has(name));
    const attr = !taken && !own.has(name) && name in this && (this as unknown as Record<string, unknown>)[name] !== undefined;
    if (taken || attr) throw new IndexError(`attribute '${name}' already exists`);
  }

  /** `register_parameter(name, param)`; `null` registers an absent parameter (e.g. no bias). */
  registerParameter(...args: Args<[name: string, param: Parameter | null], { name?: string; param?: Parameter | null }>): void {
    const { name, param } = parseArgs(M.registerParameter, args) as { name: string; param: Parameter | null };
    this.checkFree('parameter', name, this._parameters);
    if (param !== null && !(param instanceof Parameter)) {
      throw new DTypeError(`cannot assign '${pyTypeName(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    forget(this as unknown as ModuleTarget, name, this._parameters);
    this._parameters.set(name, owned(param));
  }

  /**
   * `register_buffer(name, tensor, persistent=True)`: state that is not a parameter (running
   * statistics). Non-persistent buffers are left out of `stateDict()`.
   */
  registerBuffer(...args: Args<[name: string, tensor: Tensor | null, persistent: boolean], { name?: string; tensor?: Tensor | null; persistent?: boolean }>): void {
    const { name, tensor, persistent } = parseArgs(M.registerBuffer, args) as { name: string; tensor: Tensor | null; persistent: boolean };
    this.checkFree('buffer', name, this._buffers);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new DTypeError(`cannot assign '${pyTypeName(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    forget(this as unknown as ModuleTarget, name, this._buffers);
    this._buffers.set(name, owned(tensor));
    if (persistent) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
  }

  /** `add_module(name, module)`. */
  addModule(...args: Args<[name: string, module: Module | null], { name?: string; module?: Module | null }>): void {
    const { name, module } = parseArgs(M.addModule, args) as { name: string; module: Module | null };
    if (module !== null && !(module instanceof Module)) throw new DTypeError(`${pyTypeName(module)} is not a Module subclass`);
    this.checkFree('module', name, this._modules);
    forget(this as unknown as ModuleTarget, name, this._modules);
    this._modules.set(name, module);
  }
  /** `register_module(name, module)`, an alias of `addModule`. */
  registerModule(...args: Args<[name: string, module: Module | null], { name?: string; module?: Module | null }>): void {
    const { name, module } = parseArgs(M.registerModule, args) as { name: string; module: Module | null };
    this.addModule(name, module);
  }

  /** `get_submodule('net.0.conv')`. */
  getSubmodule(...args: Args<[target: string], { target?: string }>): Module {
    const { target } = parseArgs(M.getSubmodule, args) as { target: string };
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = mod._modules.get(item);
      if (!next) throw new RuntimeError(`${mod._getName()} has no attribute \`${item}\``);
      mod = next;
    }
    return mod;
  }

  // ---------------------------------------------------------------- traversal

  /**
   * `named_modules(memo=None, prefix='', remove_duplicate=True)`: this module first, then every
   * submodule depth-first, each once by default; modules already in `memo` (a Set) are skipped.
   */
  namedModules(...args: Args<[memo: Set<Module> | null, prefix: string, removeDuplicate: boolean], { memo?: Set<Module> | null; prefix?: string; removeDuplicate?: boolean }>): [string, Module][] {
    const opts = parseArgs(M.namedModules, args) as { memo: Set<Module> | null; prefix: string; removeDuplicate: boolean };
    if (opts.memo !== null && !(opts.memo instanceof Set)) throw new DTypeError(`namedModules(): argument 'memo' must be Set, not ${pyTypeName(opts.memo)}`);
    const out: [string, Module][] = [];
    const memo = opts.memo ?? new Set<Module>();
    const removeDuplicate = opts.removeDuplicate;
    const visit = (m: Module, prefix: string): void => {
      if (memo.has(m)) return;
      if (removeDuplicate) memo.add(m);
      out.push([prefix, m]);
      for (const [name, child] of m._modules) {
        if (child !== null) visit(child, prefix === '' ? name : `${prefix}.${name}`);
      }
    };
    visit(this, opts.prefix);
    return out;
  }
  modules(...args: []): Module[] {
    parseArgs(M.modules, args);
    return this.namedModules().map(([, m]) => m);
  }
  /** `named_children()`: direct submodules, each once. */
  namedChildren(...args: []): [string, Module][] {
    parseArgs(M.namedChildren, args);
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this._modules) {
      if (m !== null && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }
  children(...args: []): Module[] {
    parseArgs(M.children, args);
    return this.namedChildren().map(([, m]) => m);
  }

  private namedMembers<T>(get: (m: Module) => Map<string, T | null>, opts: { prefix: string; recurse: boolean; removeDuplicate: boolean }): [string, T][] {
    const { prefix, removeDuplicate } = opts;
    const mods: [string, Module][] = opts.recurse ? this.namedModules({ prefix, removeDuplicate }) : [[prefix, this]];
    const seen = new Set<T>();
    const out: [string, T][] = [];
    for (const [modPrefix, m] of mods) {
      for (const [name, v] of get(m)) {
        if (v === null || (removeDuplicate && seen.has(v))) continue;
        if (removeDuplicate) seen.add(v);
        out.push([modPrefix === '' ? name : `${modPrefix}.${name}`, v]);
      }
    }
    return out;
  }
  /** `named_parameters(prefix='', recurse=True, remove_duplicate=True)`; shared parameters appear once. */
  namedParameters(...args: MembersArgs): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, parseArgs(M.namedParameters, args) as { prefix: string; recurse: boolean; removeDuplicate: boolean });
  }
  /** `parameters(recurse=True)`: what an optimizer takes. */
  parameters(...args: RecurseArgs): Parameter[] {
    const { recurse } = parseArgs(M.parameters, args);
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }
  /** `named_buffers(prefix='', recurse=True, remove_duplicate=True)`. */
  namedBuffers(...args: MembersArgs): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, parseArgs(M.namedBuffers, args) as { prefix: string; recurse: boolean; removeDuplicate: boolean });
  }
  /** `buffers(recurse=True)`. */
  buffers(...args: RecurseArgs): Tensor[] {
    const { recurse } = parseArgs(M.buffers, args);
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** `apply(fn)`: calls fn on every submodule (children first) and on this module; returns this. */
  apply(...args: Args<[fn: (m: Module) => void], { fn?: (m: Module) => void }>): this {
    const { fn } = parseArgs(M.apply, args) as { fn: (m: Module) => void };
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---------------------------------------------------------------- modes and gradients

  /** `train(mode=True)`: sets training mode here and in every submodule. */
  train(...args: Args<[mode: boolean], { mode?: boolean }>): this {
    const { mode } = parseArgs(M.train, args);
    if (typeof mode !== 'boolean') throw new ValueError('training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }
  /** `eval()`: `train(false)`. */
  eval(...args: []): this {
    parseArgs(M.eval, args);
    return this.train(false);
  }

  /** `requires_grad_(requires_grad=True)` on every parameter. */
  requiresGrad_(...args: Args<[requiresGrad: boolean], { requiresGrad?: boolean }>): this {
    const { requiresGrad } = parseArgs(M.requiresGrad_, args);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** `zero_grad(set_to_none=True)` (PyTorch 2.0's default): drops (or zeroes) every parameter's `.grad`. */
  zeroGrad(...args: Args<[setToNone: boolean], { setToNone?: boolean }>): void {
    const { setToNone } = parseArgs(M.zeroGrad, args);
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) {
        // The gradient belongs to the parameter: its device memory goes back now, not at GC.
        p.grad.dispose();
        p.grad = null;
      } else {
        if (p.grad.gradFn !== null) p.grad.detach_();
        else p.grad.requiresGrad_(false);
        p.grad.zero_();
      }
    }
  }

  // ---------------------------------------------------------------- device and dtype

  /**
   * Applies `fn` to every parameter (in place: parameters keep their identity, as optimizers hold
   * them), their gradients, and every buffer, in this module and all submodules (`_apply`).
   */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const child of this.children()) child._apply(fn);
    noGrad(() => {
      for (const p of this._parameters.values()) {
        if (p === null) continue;
        setData(p, fn(p));
        if (p.grad !== null) setData(p.grad, fn(p.grad));
      }
    });
    for (const [name, b] of this._buffers) {
      if (b !== null) this._buffers.set(name, owned(fn(b)));
    }
    return this;
  }

  /**
   * `to(device)`, `to(dtype)` or `to({ device, dtype })`: moves and/or casts parameters and buffers
   * in place; a dtype applies only to floating-point ones, as in PyTorch.
   */
  to(dtype: DTypeLike, ...rest: NonBlocking): this;
  to(tensor: Tensor, ...rest: NonBlocking): this;
  to(...args: Args<[device: DeviceLike | null, dtype: DTypeLike | null, nonBlocking: boolean], { device?: DeviceLike | null; dtype?: DTypeLike | null; nonBlocking?: boolean }>): this;
  to(...args: unknown[]): this {
    const first = args[0];
    let given: { device?: DeviceLike | null; dtype?: DTypeLike | null };
    if (isDTypeLike(first)) given = parseArgs(TO_DTYPE, args);
    else if (first instanceof Tensor) {
      const { tensor } = parseArgs(TO_TENSOR, args) as { tensor: Tensor };
      given = { device: tensor.device, dtype: tensor.dtype };
    } else given = parseArgs(TO, args);
    const o = { device: given.device ?? undefined, dtype: given.dtype == null ? undefined : toDType(given.dtype) };
    if (o.dtype !== undefined && !isFloating(o.dtype)) {
      throw new DTypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${o.dtype}`);
    }
    return this._apply((t) => t.to(t.isFloatingPoint() ? o : { device: o.device }));
  }
  /** Casts floating-point parameters and buffers to float32. */
  float(...args: []): this {
    parseArgs(M.float, args);
    return this.to('float32');
  }
  /** Casts floating-point parameters and buffers to float64. */
  double(...args: []): this {
    parseArgs(M.double, args);
    return this.to('float64');
  }
  /** Casts floating-point parameters and buffers to float16 (`module.half()`). */
  half(...args: []): this {
    parseArgs(M.half, args);
    return this.to('float16');
  }
  /** Moves parameters and buffers to the CPU (`module.cpu()`). */
  cpu(...args: []): this {
    parseArgs(M.cpu, args);
    return this.to({ device: 'cpu' });
  }

  // ---------------------------------------------------------------- state dict

  /** Adds this module's own parameters and persistent buffers to `destination` (`_save_to_state_dict`). */
  _saveToStateDict(destination: StateDict, prefix: string, keepVars: boolean): void {
    for (const [name, p] of this._parameters) {
      if (p !== null) destination[prefix + name] = keepVars ? p : p.detach();
    }
    for (const [name, b] of this._buffers) {
      if (b !== null && !this._nonPersistentBuffers.has(name)) destination[prefix + name] = keepVars ? b : b.detach();
    }
  }

  /**
   * `state_dict()`: every parameter and persistent buffer under its dotted PyTorch key, in
   * registration order. Values share storage with the module (detached unless `keepVars`).
   */
  stateDict(...args: [] | [{ destination?: StateDict | null; prefix?: string; keepVars?: boolean }]): StateDict {
    const opts = parseArgs(M.stateDict, args) as { destination: StateDict | null; prefix: string; keepVars: boolean };
    const destination = opts.destination ?? {};
    const { prefix, keepVars } = opts;
    this._saveToStateDict(destination, prefix, keepVars);
    for (const [name, m] of this._modules) {
      if (m !== null) m.stateDict({ destination, prefix: `${prefix}${name}.`, keepVars });
    }
    return destination;
  }

  /** Copies this module's own entries from `stateDict` (`_load_from_state_dict`); subclasses may adapt old formats. */
  _loadFromStateDict(stateDict: Map<string, unknown>, prefix: string, missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    const local = new Map<string, Tensor>();
    for (const [k, v] of this._parameters) if (v !== null) local.set(k, v);
    for (const [k, v] of this._buffers) if (v !== null && !this._nonPersistentBuffers.has(k)) local.set(k, v);
    for (const [name, param] of local) {
      const key = prefix + name;
      if (!stateDict.has(key)) {
        missingKeys.push(key);
        continue;
      }
      const input = stateDict.get(key);
      if (!(input instanceof Tensor)) {
        errorMsgs.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${pyTypeName(input)}`);
        continue;
      }
      // Checkpoints from PyTorch 0.3 stored scalars as 1-element vectors.
      const src = param.ndim === 0 && input.ndim === 1 ? input.select(0, 0) : input;
      if (src.ndim !== param.ndim || src.shape.some((s, i) => s !== param.shape[i])) {
        errorMsgs.push(`size mismatch for ${key}: copying a param with shape ${torchSize(src.shape)} from checkpoint, the shape in current model is ${torchSize(param.shape)}.`);
        continue;
      }
      try {
        noGrad(() => param.copy_(src));
      } catch (e) {
        errorMsgs.push(`While copying the parameter named "${key}", whose dimensions in the model are ${torchSize(param.shape)} and whose dimensions in the checkpoint are ${torchSize(src.shape)}, an exception occurred : ${(e as Error).message}.`);
      }
    }
    for (const key of stateDict.keys()) {
      if (!key.startsWith(prefix)) continue;
      const inputName = key.slice(prefix.length).split('.', 1)[0];
      if (!this._modules.has(inputName) && !local.has(inputName)) unexpectedKeys.push(key);
    }
  }

  /**
   * `load_state_dict(state_dict, strict=True)`: copies values into the existing parameters and
   * buffers. Size mismatches always throw; with `strict`, missing and unexpected keys throw too,
   * with PyTorch's message.
   */
  loadStateDict(...args: Args<[stateDict: StateDict | Map<string, Tensor>, strict: boolean], { stateDict?: StateDict | Map<string, Tensor>; strict?: boolean }>): IncompatibleKeys {
    const { stateDict, strict } = parseArgs(M.loadStateDict, args) as { stateDict: StateDict | Map<string, Tensor>; strict: boolean };
    const sd = stateDict instanceof Map ? new Map<string, unknown>(stateDict) : new Map<string, unknown>(Object.entries(stateDict));
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const errorMsgs: string[] = [];
    const load = (m: Module, prefix: string): void => {
      m._loadFromStateDict(sd, prefix, missingKeys, unexpectedKeys, errorMsgs);
      for (const [name, child] of m._modules) if (child !== null) load(child, `${prefix}${name}.`);
    };
    load(this, '');
    if (strict) {
      const q = (ks: string[]) => ks.map((k) => `"${k}"`).join(', ');
      if (unexpectedKeys.length > 0) errorMsgs.unshift(`Unexpected key(s) in state_dict: ${q(unexpectedKeys)}. `);
      if (missingKeys.length > 0) errorMsgs.unshift(`Missing key(s) in state_dict: ${q(missingKeys)}. `);
    }
    if (errorMsgs.length > 0) {
      throw new RuntimeError(`Error(s) in loading state_dict for ${this._getName()}:\n\t${errorMsgs.join('\n\t')}`);
    }
    return new IncompatibleKeys(missingKeys, unexpectedKeys);
  }

  // ---------------------------------------------------------------- printing

  /** The class name PyTorch prints (`_get_name()`). */
  _getName(): string {
    return className(this.constructor);
  }
  /** The text inside the parentheses of this module's printout (`extra_repr()`). */
  extraRepr(...args: []): string {
    parseArgs(M.extraRepr, args);
    return '';
  }
  /** The module tree exactly as PyTorch's `print(net)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [key, m] of this._modules) childLines.push(`(${key}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._getName()}(`;
    if (lines.length > 0) {
      main += extraLines.length === 1 && childLines.length === 0 ? extraLines[0] : `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    // Node's inspector hands us the proxy's target: print through the proxy.
    return ((this as unknown as Partial<ModuleTarget>)[SELF] ?? this).toString();
  }
}

