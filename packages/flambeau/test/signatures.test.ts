import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { data, nn, optim, torch } from '../src/index.js';
// Not re-exported by the umbrella package; imported for its declarations.
import { SummaryWriter } from '../../tensorboard/src/index.js';
import { DEPARTURES, NEVER_DECLARED, UNDECLARED } from './signature_departures.js';

// PyTorch 1.13's parameter lists (tools/gen_signatures.py): every Flambeau declaration must match one overload, camelCased.
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/signatures.json', import.meta.url), 'utf8')) as {
  signatures: Record<string, PyParam[][]>;
};
interface PyParam { name: string; default?: unknown; repr?: string; kwOnly?: boolean; posOnly?: boolean }
type Decl = ReturnType<typeof torch.listDeclarations>[number];

// Leading underscores stay (`_weight`): they mark PyTorch's private parameters.
const camel = (s: string): string => s.replace(/(?<=[A-Za-z0-9])_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** `F.maxPool2d` → `F.max_pool2d`, `nn.Module.stateDict` → `nn.Module.state_dict`; classes keep their name. */
function fixtureKey(qualname: string): string {
  const dot = qualname.lastIndexOf('.');
  const [ns, name] = [qualname.slice(0, dot), qualname.slice(dot + 1)];
  return /^[A-Z]/.test(name) ? qualname : `${ns}.${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`;
}

function sameDefault(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) !== Array.isArray(b)) {
    const [arr, one] = Array.isArray(a) ? [a, b] : [b as unknown[], a];
    return (arr as unknown[]).every((v) => v === one);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Why `decl` does not match `overload`, or `null` when it does. */
function mismatch(decl: Decl, overload: readonly PyParam[]): string | null {
  const dep = DEPARTURES[decl.qualname];
  const ours = new Set(decl.params.map((p) => p.name));
  const allowed = new Set(dep?.missing ?? []);
  const loose = new Set(dep?.loose ?? []);
  const extra = new Set(dep?.extra ?? []);
  const defaults = new Set(dep?.defaults ?? []);
  // `*size` (zeros, rand, …) is one sequence or its elements as varargs: Flambeau's `int[] size`.
  const py = overload.map((p) => (/^\*\w/.test(p.name) ? { ...p, name: p.name.slice(1) } : p)).filter((p) => !(p.name in NEVER_DECLARED && !ours.has(camel(p.name))));
  let j = 0;
  let pyPos = 0;
  let ourPos = 0;
  for (const ours of decl.params) {
    if (extra.has(ours.name) && !py.some((p) => camel(p.name) === ours.name)) continue;
    while (j < py.length && camel(py[j].name) !== ours.name) {
      if (!allowed.has(py[j].name)) return `takes no '${py[j].name}' before '${ours.name}'`;
      if (!py[j].kwOnly) pyPos++;
      j++;
    }
    if (j === py.length) return `'${ours.name}' is not PyTorch's`;
    const theirs = py[j++];
    if (loose.has(ours.name)) { if (!ours.kwOnly) { pyPos++; ourPos++; } continue; }
    if (!!theirs.kwOnly !== !!ours.kwOnly) return `'${ours.name}' is ${ours.kwOnly ? '' : 'not '}keyword-only`;
    if (!ours.kwOnly && pyPos++ !== ourPos++) return `'${ours.name}' is at another position`;
    if ((theirs.default === undefined) !== (ours.default === undefined)) return `'${ours.name}' is ${ours.default === undefined ? 'required' : 'optional'}`;
    if (theirs.default !== undefined && theirs.repr === undefined && !defaults.has(ours.name) && !sameDefault(ours.value, theirs.default)) {
      return `'${ours.name}' defaults to ${JSON.stringify(ours.value)}, PyTorch's to ${JSON.stringify(theirs.default)}`;
    }
  }
  const rest = py.slice(j).filter((p) => !allowed.has(p.name));
  return rest.length ? `takes no '${rest.map((p) => p.name).join("', '")}'` : null;
}

describe("every declaration is PyTorch 1.13's parameter list, camelCased", () => {
  const decls = torch.listDeclarations().filter((d) => !d.qualname.startsWith('test.'));
  it('covers the functions that had misread arguments', () => {
    const names = new Set(decls.map((d) => d.qualname));
    for (const q of ['torch.clamp', 'F.hardtanh', 'F.conv2d', 'nn.Conv2d', 'nn.LSTM', 'nn.AvgPool2d', 'nn.Embedding', 'Tensor.sum', 'Tensor.std', 'torch.arange', 'data.DataLoader', 'nn.Dropout', 'F.softmax', 'F.maxPool2d']) {
      expect(names, q).toContain(q);
    }
  });
  for (const decl of decls) {
    it(decl.qualname, () => {
      const overloads = FIXTURE.signatures[fixtureKey(decl.qualname)];
      expect(overloads, `no PyTorch signature recorded for ${fixtureKey(decl.qualname)}`).toBeDefined();
      const why = overloads.map((o) => mismatch(decl, o));
      if (!why.includes(null)) expect.fail(`${decl.qualname}(${decl.params.map((p) => p.name).join(', ')}): ${why.join('; ')}`);
    });
  }
  it('lists departures only for declared functions', () => {
    const names = new Set(decls.map((d) => d.qualname));
    for (const q of Object.keys(DEPARTURES)) expect(names, q).toContain(q);
  });
});

/** The public methods on `cls.prototype` (own, not inherited), as `prefix.name`. */
function methods(prefix: string, cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype)
    .filter((k) => k !== 'constructor' && !k.startsWith('_') && typeof Object.getOwnPropertyDescriptor(cls.prototype, k)?.value === 'function')
    .map((k) => `${prefix}.${k}`);
}

/**
 * Every exported class and function of nn, nn.functional, nn.utils, nn.init, optim, lr_scheduler,
 * data, data.transforms, torchvision's datasets and utils, nn.Module's and SummaryWriter's methods,
 * the optimizers' and schedulers' own step, the containers' list and dict methods, and the forward of each layer whose PyTorch forward has optional
 * parameters, by qualname.
 */
function exported(): string[] {
  const out: string[] = [];
  const scan = (prefix: string, ns: object, pick: (v: unknown) => boolean): void => {
    for (const [k, v] of Object.entries(ns)) if (pick(v)) out.push(`${prefix}.${k}`);
  };
  const isFn = (v: unknown): boolean => typeof v === 'function';
  const subclassOf = (base: unknown) => (v: unknown): boolean => typeof v === 'function' && (v as { prototype: unknown }).prototype instanceof (base as new () => unknown);
  scan('nn', nn, subclassOf(nn.Module));
  scan('F', nn.functional, isFn);
  scan('utils', nn.utils, isFn);
  scan('init', nn.init, isFn);
  scan('optim', optim, subclassOf(optim.Optimizer));
  scan('lr_scheduler', optim.lrScheduler, isFn);
  scan('data', data, isFn);
  scan('transforms', data.transforms, isFn);
  scan('datasets', data.datasets, isFn);
  scan('torchvision.utils', data.utils, isFn);
  out.push('tensorboard.SummaryWriter', ...methods('tensorboard.SummaryWriter', SummaryWriter), ...methods('nn.Module', nn.Module), ...methods('optim.Optimizer', optim.Optimizer));
  for (const [k, v] of Object.entries(nn)) {
    const forward = FIXTURE.signatures[`nn.${k}.forward`]?.[0];
    if (subclassOf(nn.Module)(v) && forward?.some((p) => p.default !== undefined)) out.push(`nn.${k}.forward`);
    if (typeof v === 'function' && 'fromPretrained' in v) out.push(`nn.${k}.fromPretrained`);
  }
  for (const [k, v] of Object.entries(optim)) if (subclassOf(optim.Optimizer)(v)) out.push(`optim.${k}.step`);
  // The containers' methods under PyTorch's names (append, pop, keys, …; not Flambeau's get/set/slice for indexing,
  // nor nn.Module's forward and extraRepr, overridden).
  for (const cls of [nn.Sequential, nn.ModuleList, nn.ModuleDict, nn.ParameterList, nn.ParameterDict]) {
    out.push(...methods(`nn.${cls.name}`, cls).filter((q) => fixtureKey(q) in FIXTURE.signatures && !/\.(forward|extraRepr)$/.test(q)));
  }
  for (const [k, v] of Object.entries(optim.lrScheduler)) {
    if (typeof v === 'function' && Object.prototype.hasOwnProperty.call(v.prototype, 'step')) out.push(`lr_scheduler.${k}.step`);
  }
  return out;
}

describe('every exported layer, function, optimizer, scheduler and data class has a declaration', () => {
  const declared = new Set(torch.listDeclarations().map((d) => d.qualname));
  const names = exported();
  it('finds the exports', () => {
    for (const q of ['nn.Linear', 'nn.CrossEntropyLoss', 'F.crossEntropy', 'utils.clipGradNorm_', 'optim.LBFGS', 'lr_scheduler.OneCycleLR', 'data.RandomSampler', 'data.randomSplit']) expect(names).toContain(q);
  });
  for (const q of names) {
    it(q, () => {
      if (q in UNDECLARED) expect(declared.has(q), `${q} is declared: drop it from UNDECLARED`).toBe(false);
      else expect(declared.has(q), `${q} has no declaration (declare it, or list it in UNDECLARED with the reason)`).toBe(true);
    });
  }
  it('lists in UNDECLARED only exports', () => {
    for (const q of Object.keys(UNDECLARED)) expect(names, q).toContain(q);
  });
});

describe("each optimizer's step binds its arguments through its declaration", () => {
  for (const [k, v] of Object.entries(optim)) {
    if (typeof v !== 'function' || !(v.prototype instanceof optim.Optimizer)) continue;
    it(`optim.${k}.step`, () => {
      const p = torch.tensor([1.5, -2]).requiresGrad_();
      const Cls = v as unknown as new (params: unknown, opts: { lr: number }) => { step(...a: unknown[]): unknown };
      const opt = new Cls([p], { lr: 0.1 });
      expect(() => opt.step({ zzBogus: 1 })).toThrow("step() got an unexpected keyword argument 'zzBogus'");
      expect(() => opt.step(3)).toThrow("step(): argument 'closure' must be callable, not int");
      const closure = () => { const l = p.mul(p).sum(); l.backward(); return l; };
      expect(Number(opt.step({ closure }))).toBe(6.25);
    });
  }
});

describe("the containers' methods bind their arguments through their declarations", () => {
  const bogus = "got an unexpected keyword argument 'zzBogus'";
  it('list methods', () => {
    for (const c of [new nn.Sequential(new nn.ReLU()), new nn.ModuleList([new nn.ReLU()])]) {
      expect(() => c.append({ zzBogus: 1 } as never)).toThrow(`append() ${bogus}`);
      expect(() => c.extend({ zzBogus: 1 } as never)).toThrow(`extend() ${bogus}`);
      expect(() => c.insert(0, { zzBogus: 1 } as never)).toThrow(`insert() ${bogus}`);
      expect(() => c.pop({ zzBogus: 1 } as never)).toThrow(`pop() ${bogus}`);
      const tanh = new nn.Tanh();
      c.insert({ index: 0, module: tanh });
      expect(c.pop({ key: 0 })).toBe(tanh);
    }
    const seq = new nn.Sequential(new nn.ReLU());
    seq.extend({ sequential: [new nn.Tanh()] });
    expect(seq.length).toBe(2);
    const pl = new nn.ParameterList();
    pl.append({ value: torch.zeros(2) }).extend({ values: [torch.ones(1)] });
    expect(pl.length).toBe(2);
    expect(() => pl.append({ zzBogus: 1 } as never)).toThrow(`append() ${bogus}`);
    expect(() => pl.append(3 as never)).toThrow("append(): argument 'value' must be Tensor, not int");
  });
  it('dict methods', () => {
    const md = new nn.ModuleDict({ a: new nn.ReLU() });
    const pd = new nn.ParameterDict({ a: torch.zeros(1) });
    for (const d of [md, pd] as unknown as { keys(...a: unknown[]): unknown; values(...a: unknown[]): unknown; items(...a: unknown[]): unknown; clear(...a: unknown[]): unknown; pop(...a: unknown[]): unknown }[]) {
      for (const m of ['keys', 'values', 'items', 'clear'] as const) expect(() => d[m]({ zzBogus: 1 })).toThrow(`${m}() ${bogus}`);
      expect(() => d.pop({ zzBogus: 1 })).toThrow(`pop() ${bogus}`);
      expect(() => d.keys(1)).toThrow('keys() takes 0 positional arguments but 1 was given');
    }
    // A lone `{ … }` given to update is the entries (Python's dict), not an options object.
    md.update({ b: new nn.Tanh() });
    pd.update({ b: torch.ones(1) });
    expect([md.keys(), pd.keys()]).toEqual([['a', 'b'], ['a', 'b']]);
    expect(md.pop({ key: 'b' })).toBeInstanceOf(nn.Tanh);
  });
});
