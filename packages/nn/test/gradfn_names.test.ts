import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import type { Tensor } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { F } from '@flambeau/nn';
import { fixture } from './core-fixtures.js';

/** Rows from tools/gen_gradfn_fixtures.py: an expression as data and PyTorch's `type(out.grad_fn).__name__`. */
interface Spec { shape: number[]; kind: string; grad: boolean; t: boolean }
interface Row { call: string; inputs: Spec[]; args: unknown[]; opts: Record<string, unknown>; ctor: unknown[]; ctorOpts: Record<string, unknown>; name: string | null }
const fx = fixture<{ rows: Row[]; printed: { mseLoss: string } }>('gradfn_names.json');

function make(s: Spec): Tensor {
  let t: Tensor;
  if (s.t) t = make({ ...s, shape: [...s.shape].reverse(), t: false, grad: false }).permute([...s.shape.keys()].reverse());
  else if (s.kind.startsWith('classes:')) t = torch.randint(0, Number(s.kind.slice(8)), s.shape);
  else if (s.kind === 'rand') t = torch.rand(s.shape).mul(0.9).add(0.05);
  else if (s.kind === 'prob') t = torch.randn(s.shape).softmax(s.shape.length < 2 ? -1 : 1);
  else if (s.kind === 'logprob') t = torch.randn(s.shape).logSoftmax(s.shape.length < 2 ? -1 : 1);
  else t = torch.randn(s.shape);
  return s.grad ? t.requiresGrad_(true) : t;
}

const value = (v: unknown): unknown => (typeof v === 'object' && v !== null && 'kind' in v ? make(v as Spec) : v);

type AnyFn = (...a: unknown[]) => Tensor;

function run(r: Row): Tensor {
  const [kind, name] = r.call.split('.');
  const inputs = r.inputs.map(make);
  const args = r.args.map(value);
  const opts = Object.fromEntries(Object.entries(r.opts).map(([k, v]) => [k, value(v)]));
  const tail = Object.keys(opts).length > 0 ? [opts] : [];
  if (kind === 'F') return ((F as unknown as Record<string, AnyFn>)[name])(...inputs, ...args, ...tail);
  if (kind === 'nn') {
    const Ctor = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[name];
    const mod = new Ctor(...r.ctor, ...(Object.keys(r.ctorOpts).length > 0 ? [r.ctorOpts] : []));
    return (mod as unknown as { forward: AnyFn }).forward(...inputs);
  }
  if (kind === 'torch') return ((torch as unknown as Record<string, AnyFn>)[name])(inputs, ...args, ...tail);
  return ((inputs[0] as unknown as Record<string, AnyFn>)[name])(...args, ...tail);
}

const label = (r: Row): string =>
  `${r.call}(${[...r.ctor.map((c) => JSON.stringify(c)), ...r.inputs.map((s) => `[${s.shape.join(',')}]${s.t ? 'ᵀ' : ''}`), ...r.args.map((a) => JSON.stringify(a)), ...Object.entries(r.opts).map(([k, v]) => `${k}=${typeof v === 'object' ? 'T' : JSON.stringify(v)}`)].join(', ')}) -> ${r.name}`;

describe('grad_fn names match PyTorch 1.13', () => {
  torch.manualSeed(0);
  for (const r of fx.rows) {
    it(label(r), () => {
      const result = run(r) as Tensor | Tensor[];
      // A list result (split, unbind) is named by its first tensor, as in the generator.
      const out = Array.isArray(result) ? result[0] : result;
      expect(out.gradFn?.name ?? null).toBe(r.name);
    });
  }

  it('printing a loss shows its node', () => {
    const loss = F.mseLoss(torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true }), torch.tensor([0.5, 4, 1], { dtype: 'float32' }));
    expect(String(loss)).toBe(fx.printed.mseLoss);
  });
});
