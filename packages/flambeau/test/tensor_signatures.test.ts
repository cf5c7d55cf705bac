import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { torch } from '../src/index.js';
import { DEPARTURES, FLAMBEAU_METHODS, NEVER_DECLARED, TENSOR_DEPARTURES, TORCH_UNDECLARED } from './signature_departures.js';

// PyTorch 1.13's Tensor methods and torch functions (tools/gen_tensor_signatures.py), one overload
// chosen per name: every Flambeau method and function under a PyTorch name must be declared with
// that overload's parameter list, camelCased, and bind its arguments through the declaration.
interface PyParam { name: string; default?: unknown; repr?: string; kwOnly?: boolean; posOnly?: boolean }
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/tensor_signatures.json', import.meta.url), 'utf8')) as {
  signatures: Record<string, { chosen: string; overloads: Record<string, PyParam[]> }>;
};
type Decl = ReturnType<typeof torch.listDeclarations>[number];

/** `keep_dim` → `keepDim`; Python's trailing underscore for a reserved word (`from_`) goes. */
const camel = (s: string): string => s.replace(/(?<=[A-Za-z0-9])_+([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/(?<=\w)_$/, '');
/** `indexSelect` → `index_select`; in-place names keep their underscore (`addcmul_`). */
const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const key = (qualname: string): string => {
  const dot = qualname.indexOf('.');
  return `${qualname.slice(0, dot)}.${snake(qualname.slice(dot + 1))}`;
};

/** Why `decl` differs from PyTorch's `overload`, or `null` when it does not (departures allowed). */
function mismatch(decl: Decl, overload: readonly PyParam[]): string | null {
  const dep = TENSOR_DEPARTURES[decl.qualname] ?? DEPARTURES[decl.qualname] ?? {};
  const missing = new Set(dep.missing ?? []);
  const loose = new Set(dep.loose ?? []);
  const extra = new Set(dep.extra ?? []);
  // `*size` is one sequence or its elements as varargs: Flambeau's `int[] size`.
  const py = overload
    .map((p) => (/^\*\w/.test(p.name) ? { ...p, name: p.name.slice(1) } : p))
    .filter((p) => !(p.name in NEVER_DECLARED) && !missing.has(p.name));
  // `extra`: from another overload, so only where this one lacks it.
  const ours = decl.params.filter((p) => !extra.has(p.name) || py.some((q) => camel(q.name) === p.name));
  const names = (ps: readonly { name: string }[]) => ps.map((p) => p.name).join(', ');
  if (names(ours) !== names(py.map((p) => ({ name: camel(p.name) })))) return `(${names(ours)}) is not PyTorch's (${names(py)})`;
  for (let i = 0; i < ours.length; i++) {
    const [a, b] = [ours[i], py[i]];
    if (loose.has(a.name)) continue;
    if (!!a.kwOnly !== !!b.kwOnly) return `'${a.name}' is ${a.kwOnly ? '' : 'not '}keyword-only`;
    if ((a.default === undefined) !== (b.default === undefined)) return `'${a.name}' is ${a.default === undefined ? 'required' : 'optional'}`;
    if (b.default !== undefined && b.repr === undefined && JSON.stringify(a.value) !== JSON.stringify(b.default)) {
      return `'${a.name}' defaults to ${JSON.stringify(a.value)}, PyTorch's to ${JSON.stringify(b.default)}`;
    }
  }
  return null;
}

const decls = new Map(torch.listDeclarations().map((d) => [d.qualname, d]));
const methodNames = Object.getOwnPropertyNames(torch.Tensor.prototype).filter((n) => n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(torch.Tensor.prototype, n)?.value === 'function');
const functionNames = Object.entries(torch).filter(([n, v]) => typeof v === 'function' && /^[a-z]/.test(n)).map(([n]) => n);
const pytorch = (qualname: string): boolean => key(qualname) in FIXTURE.signatures;

describe('every Tensor method and torch function under a PyTorch name is declared', () => {
  it('finds the methods and functions', () => {
    for (const n of ['sum', 'view', 'add_', 'indexSelect', 'scatterAdd']) expect(methodNames).toContain(n);
    for (const n of ['cat', 'clamp', 'zeros', 'logsumexp', 'scatterAdd']) expect(functionNames).toContain(n);
  });
  for (const n of methodNames) {
    it(`Tensor.${n}`, () => {
      if (n in FLAMBEAU_METHODS) expect(pytorch(`Tensor.${n}`), `Tensor.${n} is PyTorch's: declare it, and drop it from FLAMBEAU_METHODS`).toBe(false);
      else {
        expect(pytorch(`Tensor.${n}`), `Tensor.${n} is not a PyTorch method: list it in FLAMBEAU_METHODS with the reason`).toBe(true);
        expect(decls.has(`Tensor.${n}`), `Tensor.${n} has no declaration`).toBe(true);
      }
    });
  }
  for (const n of functionNames.filter((f) => pytorch(`torch.${f}`))) {
    it(`torch.${n}`, () => {
      if (`torch.${n}` in TORCH_UNDECLARED) expect(decls.has(`torch.${n}`), `torch.${n} is declared: drop it from TORCH_UNDECLARED`).toBe(false);
      else expect(decls.has(`torch.${n}`), `torch.${n} has no declaration (declare it, or list it in TORCH_UNDECLARED with the reason)`).toBe(true);
    });
  }
  it('offers torch.X for every method X that PyTorch also has as torch.X', () => {
    const missing = methodNames.filter((n) => !(n in FLAMBEAU_METHODS) && pytorch(`torch.${n}`) && !functionNames.includes(n));
    expect(missing).toEqual([]);
  });
  it('lists in FLAMBEAU_METHODS and TORCH_UNDECLARED only what exists', () => {
    for (const n of Object.keys(FLAMBEAU_METHODS)) expect(methodNames).toContain(n);
    for (const q of Object.keys(TORCH_UNDECLARED)) expect(functionNames).toContain(q.slice('torch.'.length));
  });
});

describe("each declaration is PyTorch 1.13's chosen overload, camelCased", () => {
  const ours = [...decls.values()].filter((d) => /^(Tensor|torch)\./.test(d.qualname));
  for (const decl of ours) {
    it(decl.qualname, () => {
      const entry = FIXTURE.signatures[key(decl.qualname)];
      expect(entry, `no PyTorch signature recorded for ${key(decl.qualname)}`).toBeDefined();
      const why = mismatch(decl, entry.overloads[entry.chosen]);
      if (why !== null) expect.fail(`${decl.qualname} against ${entry.chosen}: ${why}`);
    });
  }
  it('lists departures only for declared functions', () => {
    for (const q of Object.keys(TENSOR_DEPARTURES)) expect(decls.has(q), q).toBe(true);
  });
});

describe('each binds its arguments through its declaration', () => {
  // A misspelt keyword must raise PyTorch's TypeError, whatever else the call lacks: proof that the
  // call went through parseArgs (a hand-read options object would ignore it or fail elsewhere).
  const x = torch.tensor([[0.5, 1], [2, 3]]);
  const callable = [...decls.values()].filter((d) => /^(Tensor|torch)\./.test(d.qualname) && d.positional[0]?.type !== 'Any');
  for (const decl of callable) {
    it(decl.qualname, async () => {
      const name = decl.qualname.slice(decl.qualname.indexOf('.') + 1);
      const fn = decl.qualname.startsWith('Tensor.')
        ? () => (x.clone() as unknown as Record<string, (...a: unknown[]) => unknown>)[name]({ zzBogus: 1 })
        : () => (torch as unknown as Record<string, (...a: unknown[]) => unknown>)[name]({ zzBogus: 1 });
      // `async` so that the asynchronous readbacks (`item`, `tolist`) reject the same way.
      await expect((async () => fn())()).rejects.toThrow(`${decl.name}() got an unexpected keyword argument 'zzBogus'`);
    });
  }
});

describe('positional and by-name calls agree', () => {
  const x = torch.tensor([[3, 1, 2], [0.5, -1, 4]]);
  const same = (a: unknown, b: unknown) => expect(String(a)).toBe(String(b));
  it('methods', () => {
    same(x.sum(1, true), x.sum({ dim: 1, keepdim: true }));
    same(x.transpose(0, 1), x.transpose({ dim0: 0, dim1: 1 }));
    same(x.view(3, 2), x.view({ size: [3, 2] }));
    same(x.matmul(x.t()), x.matmul({ other: x.t() }));
    same(x.add(x, { alpha: 2 }), x.add({ other: x, alpha: 2 }));
    same(x.mul(2), x.mul({ other: 2 }));
    same(x.gather(1, torch.tensor([[0], [2]])), x.gather(1, { index: torch.tensor([[0], [2]]) }));
    same(x.norm(2, 1), x.norm({ p: 2, dim: 1 }));
    same(x.roll(1, 1), x.roll(1, { dims: 1 }));
    same(x.relu(), x.relu({}));
  });
  it('torch functions', () => {
    same(torch.sum(x, 0), torch.sum({ input: x, dim: 0 }));
    same(torch.clamp(x, 0, 2), torch.clamp(x, { min: 0, max: 2 }));
    same(torch.neg(x), torch.neg({ input: x }));
    same(torch.cat([x, x], 1), torch.cat({ tensors: [x, x], dim: 1 }));
    same(torch.where(x.gt(1), x, 0), torch.where(x.gt(1), { input: x, other: 0 }));
    same(torch.split(x, 1, 1)[0], torch.split(x, { splitSizeOrSections: 1, dim: 1 })[0]);
    same(torch.max(x, 1).values, torch.max(x, { dim: 1 }).values);
  });
  it('utility functions of plain values', () => {
    expect(torch.promoteTypes(torch.int64, { type2: 'float16' })).toBe('float16');
    expect(torch.promoteTypes({ type1: 'uint8', type2: 'int32' })).toBe('int32');
    expect(torch.manualSeed({ seed: 7 }).initialSeed()).toBe(7);
    expect(torch.initialSeed()).toBe(7);
    torch.setDefaultDtype({ d: torch.float64 });
    expect(torch.getDefaultDtype()).toBe('float64');
    torch.setDefaultDtype('float32');
    const n = torch.getNumThreads();
    torch.setNumThreads({ num: 1 });
    expect(torch.getNumThreads()).toBe(1);
    torch.setNumThreads(n);
    expect(() => torch.setNumThreads({ num: 'a' } as never)).toThrow("set_num_threads(): argument 'num' must be int, not str");
    expect(() => torch.promoteTypes('float32' as never)).toThrow("promote_types() missing 1 required positional argument: 'type2'");
    expect(torch.noGrad(() => torch.isGradEnabled())).toBe(false);
  });
  it('save and load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-sig-'));
    try {
      const f = join(dir, 'w.safetensors');
      torch.save({ w: torch.tensor([1.5, 2]) }, f, { epoch: '3' });
      same(torch.load(f, 'cpu').w, torch.tensor([1.5, 2]));
      same(torch.load({ f, mapLocation: torch.device('cpu') }).w, torch.tensor([1.5, 2]));
      expect(torch.load(f, { metadata: true }).metadata).toEqual({ epoch: '3' });
      expect(() => torch.load(f, { weights_only: true } as never)).toThrow("load() got an unexpected keyword argument 'weights_only'");
      expect(() => torch.save({ w: torch.tensor([1]) }, 3 as never)).toThrow("save(): argument 'f' must be str, not int");
      expect(() => (torch.save as (...a: unknown[]) => void)({ w: torch.tensor([1]) }, { zzBogus: 1 })).toThrow("save() got an unexpected keyword argument 'zzBogus'");
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
  it("rejects PyTorch's way: snake_case, duplicates, wrong types, too many", () => {
    expect(() => x.sum({ keep_dim: true } as never)).toThrow("sum() got an unexpected keyword argument 'keep_dim'. Did you mean 'keepdim'?");
    expect(() => x.softmax({ dim: 1, dtype_: 'float64' } as never)).toThrow("got an unexpected keyword argument 'dtype_'");
    expect(() => x.indexSelect(0, { index: torch.tensor([0]), dim: 1 } as never)).toThrow("index_select() got multiple values for argument 'dim'");
    expect(() => x.transpose(0, 'a' as never)).toThrow("transpose(): argument 'dim1' must be int, not str");
    expect(() => x.mul(x, x as never)).toThrow('mul() takes 1 positional argument but 2 were given');
    expect(() => x.relu(1 as never)).toThrow('relu() takes 0 positional arguments but 1 was given');
    expect(() => torch.neg(3 as never)).toThrow("neg(): argument 'input' must be Tensor, not int");
    expect(() => x.topk({ dim: 0 } as never)).toThrow("topk() missing 1 required positional argument: 'k'");
  });
});
