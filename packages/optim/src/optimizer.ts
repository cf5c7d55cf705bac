import { type Args, className, type Declaration, declare, keep, NotImplementedError, parseArgs, RuntimeError, type Tensor, Tensor as TensorClass, tidy, ValueError, zerosLike } from '@flambeau/tensor';
import { enableGrad, noGrad } from '@flambeau/autograd';
import { pyFloat } from '@flambeau/nn';
import { type ArgKind, checkArg, checkOptions } from './check_args.js';

// The optimizers' shared methods, as PyTorch 1.13's Optimizer (`dict`: a plain object, taken whole).
const ZERO_GRAD = declare('optim.Optimizer.zeroGrad', 'zeroGrad(bool setToNone=True)');
const ADD_PARAM_GROUP = declare('optim.Optimizer.addParamGroup', 'addParamGroup(dict paramGroup)');
const STATE_DICT = declare('optim.Optimizer.stateDict', 'stateDict()');
const LOAD_STATE_DICT = declare('optim.Optimizer.loadStateDict', 'loadStateDict(dict stateDict)');
// For subclasses that declare no step of their own (PyTorch's base step requires the closure; every optimizer's own takes it optionally).
const STEP = declare('optim.Optimizer.step', 'step(Callable? closure=None)', { listed: false });

/** Declares optimizer `name`'s own `step`: PyTorch 1.13's `step(closure=None)` unless `schema` says otherwise. */
export function declareStep(name: string, schema = 'step(Callable? closure=None)'): Declaration {
  return declare(`optim.${name}.step`, schema);
}

/** What a closure given to `step` returns: the loss, as a tensor or a number. */
export type Loss = Tensor | number;

/** A value kept in per-parameter state: tensors, counters, and (for LBFGS) lists of them. */
export type StateValue = Tensor | number | boolean | null | StateValue[];
export type ParamState = Record<string, StateValue>;

function keepAll(v: unknown): void {
  if (v instanceof TensorClass) keep(v);
  else if (Array.isArray(v)) v.forEach(keepAll);
}

/**
 * A parameter's state object: every tensor stored in it (lists too) is exempt from the enclosing
 * `tidy`, since momentum buffers and moment estimates made in one step are read in the next.
 */
function keptState(): ParamState {
  return new Proxy({} as ParamState, {
    set(target, key, value) {
      keepAll(value);
      return Reflect.set(target, key, value);
    },
  });
}

/** One parameter group: its tensors and the options that apply to them. */
export type ParamGroup<O> = O & { params: Tensor[] };
/** What the constructor and `addParamGroup` accept: options may be left out to take the defaults. */
export type ParamGroupInput<O> = Partial<O> & { params: Iterable<Tensor> | Tensor };
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** `optimizer.state_dict()`: parameters are replaced by their index in group order. */
export interface OptimizerStateDict<O> {
  state: Record<number, ParamState>;
  param_groups: (O & { params: number[] })[];
}

/**
 * Base class of all optimizers, PyTorch's `torch.optim.Optimizer`.
 *
 * Holds `paramGroups` (each with its own copy of the options), per-parameter `state`, and the
 * save/restore logic. Subclasses implement `updateGroup`, which runs under `noGrad`.
 *
 * @example
 * const opt = new SGD([{ params: model.parameters() }, { params: head.parameters(), lr: 0.1 }], { lr: 0.01 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * const any: Optimizer = new Adam(model.parameters()); // the default `O` accepts every optimizer
 */
export class Optimizer<O extends object = Record<string, any>> {
  /** The class name printed and used in errors, kept through bundling (see `className`). */
  static readonly __name__: string = 'Optimizer';
  readonly defaults: O;
  paramGroups: ParamGroup<O>[] = [];
  state = new Map<Tensor, ParamState>();

  constructor(params: Params<O>, defaults: O) {
    this.defaults = defaults;
    if (params instanceof TensorClass) {
      throw new TypeError('params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor');
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ValueError('optimizer got an empty parameter list');
    const groups = list[0] instanceof TensorClass ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** `optimizer.add_param_group(group)`: missing options take the defaults. */
  addParamGroup(...args: [paramGroup: ParamGroupInput<O>]): void {
    const group = parseArgs(ADD_PARAM_GROUP, args).paramGroup as ParamGroupInput<O>;
    if (group === null || typeof group !== 'object' || group instanceof TensorClass) throw new TypeError('param group must be a dict');
    const params = group.params instanceof TensorClass ? [group.params] : [...group.params];
    if (group.params instanceof Set) {
      throw new TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    }
    for (const p of params) {
      if (!(p instanceof TensorClass)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    // Groups may carry extra keys (PyTorch keeps them), but the optimizer's own options must have their kind.
    for (const [k, d] of Object.entries(this.defaults)) {
      const v = (group as Record<string, unknown>)[k];
      if (v !== undefined && d !== null && d !== undefined) checkArg(`${className(this.constructor)} parameter group`, k, v, kindOf(d));
    }
    const full = { ...withDefaults(this.defaults, group), params } as ParamGroup<O>;
    for (const [k, v] of Object.entries(full)) {
      if (v === undefined) throw new ValueError(`parameter group didn't specify a value of required optimization parameter ${k}`);
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new ValueError('some parameters appear in more than one parameter group');
    this.paramGroups.push(full);
  }

  /** `optimizer.zero_grad(set_to_none=True)`: drops gradients, or zeroes them in place (`zeroGrad(false)` or `{ setToNone: false }`). */
  zeroGrad(...args: Args<[setToNone: boolean], { setToNone?: boolean }>): void {
    const { setToNone } = parseArgs(ZERO_GRAD, args);
    for (const g of this.paramGroups) {
      for (const p of g.params) {
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
  }

  /** What `step` binds its arguments with: each optimizer's own declaration (`optim.SGD.step`, made by `declareStep`). */
  protected readonly stepDeclaration: Declaration = STEP;

  /**
   * One optimization step. `closure` re-evaluates the model (gradients enabled) and returns the
   * loss, which `step` returns. PyTorch: `optimizer.step(closure=None)`.
   *
   * @example
   * opt.step(); opt.step(() => { opt.zeroGrad(); const l = loss(); l.backward(); return l; });
   */
  step(...args: Args<[closure: (() => Loss) | null], { closure?: (() => Loss) | null }>): Loss | undefined {
    const closure = parseArgs(this.stepDeclaration, args).closure as (() => Loss) | null;
    const loss = closure ? enableGrad(closure) : undefined;
    // The update's temporaries are freed as soon as it ends; state and parameters are kept.
    noGrad(() => tidy(() => {
      for (const g of this.paramGroups) this.updateGroup(g);
    }));
    return loss;
  }

  /** Applies one update to the parameters of `group` that have a gradient. */
  protected updateGroup(_group: ParamGroup<O>): void {
    throw new NotImplementedError(`${className(this.constructor)} does not implement a per-group update`);
  }

  /** The parameter's state, created empty on first use (PyTorch's `defaultdict(dict)`). */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = keptState();
      this.state.set(p, s);
    }
    return s;
  }

  /** `optimizer.state_dict()`: shares the state tensors, as PyTorch does; `loadStateDict` copies. */
  stateDict(...args: []): OptimizerStateDict<O> {
    parseArgs(STATE_DICT, args);
    const index = new Map<Tensor, number>();
    const groups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      for (const p of params) if (!index.has(p)) index.set(p, index.size);
      return { ...cloneOptions(opts), params: params.map((p) => index.get(p)!) } as O & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups: groups };
  }

  /** `optimizer.load_state_dict(sd)`: deep-copies `sd`, casting state tensors to each parameter's dtype and device. */
  loadStateDict(...args: [stateDict: OptimizerStateDict<O>]): void {
    const sd = parseArgs(LOAD_STATE_DICT, args).stateDict as OptimizerStateDict<O>;
    const saved = sd.param_groups;
    if (saved.length !== this.paramGroups.length) throw new ValueError('loaded state dict has a different number of parameter groups');
    if (saved.some((g, i) => g.params.length !== this.paramGroups[i].params.length)) {
      throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => idMap.set(id, this.paramGroups[i].params[j])));
    const state = new Map<Tensor, ParamState>();
    for (const [k, v] of Object.entries(sd.state)) {
      const p = idMap.get(Number(k));
      if (!p) continue;
      const s = keptState();
      for (const [key, value] of Object.entries(v)) s[key] = castState(p, value, key);
      state.set(p, s);
    }
    this.state = state;
    this.paramGroups = saved.map((g, i) => {
      const { params: _ids, ...opts } = g;
      return { ...cloneOptions(opts), params: this.paramGroups[i].params } as unknown as ParamGroup<O>;
    });
  }

  /** The subclass's PyTorch declaration, which printing reads the defaults of (`SGD(params, lr=…, …)`). */
  protected static declaration?: Declaration;

  /**
   * PyTorch's `repr(optimizer)`: each group's options by their Python names, sorted, with the
   * declared ones Flambeau does not keep (`foreach`, `differentiable`, …) at their defaults.
   */
  toString(): string {
    const decl = (this.constructor as { declaration?: Declaration }).declaration;
    const declared = new Map((decl?.params ?? []).filter((p) => p.name !== 'params').map((p) => [p.name, p]));
    let s = `${className(this.constructor)} (`;
    this.paramGroups.forEach((g, i) => {
      s += `\nParameter Group ${i}\n`;
      const group = g as Record<string, unknown>;
      const keys = new Set([...Object.keys(group).filter((k) => k !== 'params'), ...declared.keys()]);
      const lines = [...keys].map((k) => {
        const p = declared.get(k);
        const value = k in group ? group[k] : p?.value;
        // A default prints as PyTorch's literal (`1.0`, `0`, `1e-08`): JS numbers do not tell 1 from 1.0.
        const text = p?.default !== undefined && sameValue(value, p.value) ? p.default.replace(/^\[(.*)\]$/, '($1)') : pyValue(value);
        return [snakeCase(k), text];
      });
      for (const [k, text] of lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) s += `    ${k}: ${text}\n`;
    });
    return `${s})`;
  }
}

function snakeCase(k: string): string {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Python's `str()` of an option: `True`, `None`, ints, floats in Python's notation, tuples. */
function pyValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `(${v.map(pyValue).join(', ')}${v.length === 1 ? ',' : ''})`;
  return String(v);
}

/** The kind an option must have, read off its default (`null`/`undefined` defaults: a number, e.g. SGD's required lr). */
function kindOf(value: unknown): ArgKind {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'number[]';
  return 'number';
}

/**
 * An optimizer's options: `opts` checked against the names and kinds of `defaults` (`overrides`
 * for options whose default does not show their kind), then merged into them.
 */
export function optionsFor<T extends object>(where: string, defaults: T, opts: object, overrides: Partial<Record<keyof T, ArgKind>> = {}): T {
  const kinds: Record<string, ArgKind> = {};
  for (const [k, v] of Object.entries(defaults)) kinds[k] = (overrides as Record<string, ArgKind>)[k] ?? kindOf(v);
  checkOptions(where, opts, kinds);
  return withDefaults(defaults, opts ?? {});
}

/**
 * An optimizer's constructor arguments after `params`, bound to its PyTorch declaration
 * (positional in PyTorch's order or by name): the options object, `None` left out. `foreach`
 * (PyTorch's choice of kernel) has no effect here: there is one implementation.
 */
export function optimizerArgs(decl: Declaration, params: unknown, rest: readonly unknown[]): object {
  const { params: _, foreach: __, ...opts } = parseArgs(decl, [params, ...rest]);
  // PyTorch's CUDA-graph capture, differentiable steps and fused kernels: declared, so PyTorch's
  // calls bind, but only their default (off) runs here.
  for (const flag of UNSUPPORTED) {
    if (opts[flag]) throw new NotImplementedError(`${decl.name}: ${snakeCase(flag)}=True is not supported`);
    delete opts[flag];
  }
  for (const [k, v] of Object.entries(opts)) if (v === null) delete opts[k];
  return opts;
}

const UNSUPPORTED = ['capturable', 'differentiable', 'fused'];

/** `{...defaults, ...opts}`, except that options left `undefined` keep their default. */
export function withDefaults<T extends object>(defaults: T, opts: object): T {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) out[k] = v;
  return out as T;
}

function cloneOptions<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = Array.isArray(v) ? [...v] : v;
  return out as T;
}

function castState(p: Tensor, value: StateValue, key: string): StateValue {
  if (value instanceof TensorClass) {
    const dtype = key !== 'step' && p.isFloatingPoint() ? p.dtype : value.dtype;
    return value.detach().to({ dtype, device: p.device, copy: true });
  }
  if (Array.isArray(value)) return value.map((v) => castState(p, v, ''));
  return value;
}

/** The parameters of a group that have a gradient (the others are skipped, as in PyTorch). */
export function withGrad(group: { params: Tensor[] }): [Tensor, Tensor][] {
  const out: [Tensor, Tensor][] = [];
  for (const p of group.params) if (p.grad !== null) out.push([p, p.grad]);
  return out;
}

/** Argument checks shared by the constructors; `!(x >= lo)` also rejects NaN. */
export function checkNonNegative(value: number, what: string): void {
  if (!(value >= 0)) throw new ValueError(`Invalid ${what}: ${value}`);
}
export function checkBetas(betas: readonly [number, number]): void {
  betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new ValueError(`Invalid beta parameter at index ${i}: ${b}`);
  });
}
export function checkLr(lr: number): void {
  checkNonNegative(lr, 'learning rate');
}

/** Adds weight decay (`grad + wd·param`) and the `maximize` sign flip, as every optimizer does first. */
export function effectiveGrad(grad: Tensor, param: Tensor, weightDecay: number, maximize = false): Tensor {
  let g = maximize ? grad.neg() : grad;
  if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
  return g;
}

/**
 * PyTorch's lazy state init (`if len(state) == 0`): on a parameter's first step, `step = 0` and a
 * zero tensor like `p` under each key. Returns whether it ran, for optimizers that add more.
 */
export function initState(s: ParamState, p: Tensor, ...zeroKeys: string[]): boolean {
  // `step` answers the common case without listing the keys of the state's proxy every step.
  if (s.step !== undefined || Object.keys(s).length !== 0) return false;
  s.step = 0;
  for (const k of zeroKeys) s[k] = zerosLike(p);
  return true;
}

export function stateTensor(s: ParamState, key: string): Tensor {
  const v = s[key];
  if (!(v instanceof TensorClass)) throw new RuntimeError(`optimizer state '${key}' is missing or not a tensor`);
  return v;
}
