import { describe, expect, it } from 'vitest';
import { type DType, type OpImpl, type Tensor, cpu, installInterceptor, manualSeed, randn } from '@flambeau/tensor';
import * as optim from '../src/index.js';
import { CASES } from './step_cases.js';

/**
 * The CPU's fused optimizer steps (backend overrides of sgdStep_, adamStep_, rmspropStep_) must
 * equal the ops' default sequence of tensor ops bit for bit: every configuration is run twice
 * on the CPU, with the overrides and with them removed, and the parameters and state compared
 * byte by byte. (The PyTorch trajectories themselves are checked by optimizers.test.ts.)
 */

type Ctor = new (params: Tensor[], opts: Record<string, unknown>) => optim.Optimizer<object>;
const FUSED = ['sgdStep_', 'adamStep_', 'rmspropStep_'];

/**
 * Runs 5 steps with fixed gradients on the CPU; returns the bytes of every parameter and state
 * tensor, how many step ops ran, and how many ops those ran inside.
 */
function run(name: string, opts: Record<string, unknown>, dtype: DType, layout: 'dense' | 'transposed'): { bytes: number[][]; steps: number; inner: number } {
  manualSeed(7);
  const make = (): Tensor => (layout === 'dense' ? randn([5, 9], { dtype, device: 'cpu' }) : randn([9, 5], { dtype, device: 'cpu' }).t());
  const params = [make().requiresGrad_(), make().requiresGrad_()];
  const grads = Array.from({ length: 5 }, () => params.map(() => make()));
  const opt = new (optim as unknown as Record<string, Ctor>)[name](params, opts);
  let steps = 0;
  let inner = 0;
  let inside = false;
  const remove = installInterceptor('count-optimizer-ops', (op, _inputs, _attrs, next) => {
    if (inside) inner++;
    if (!FUSED.includes(op)) return next();
    steps++;
    inside = true;
    try {
      return next();
    } finally {
      inside = false;
    }
  });
  try {
    for (const gs of grads) {
      params.forEach((p, i) => (p.grad = gs[i]));
      opt.step();
    }
  } finally {
    remove();
  }
  const bytes = (t: Tensor) => Array.from(new Uint8Array(t.contiguous().dataSync().slice().buffer));
  const state = [...opt.state.values()].flatMap((s) => Object.values(s).filter((v): v is Tensor => typeof v === 'object' && v !== null && 'dtype' in v));
  return { bytes: [...params, ...state].map(bytes), steps, inner };
}

/** `fn` with the CPU's fused optimizer overrides removed, so the ops run their default sequence. */
function unfused<T>(fn: () => T): T {
  const kernels = cpu.kernels as Record<string, OpImpl>;
  const saved = FUSED.map((k) => kernels[k]);
  for (const k of FUSED) delete kernels[k];
  try {
    return fn();
  } finally {
    FUSED.forEach((k, i) => (kernels[k] = saved[i]));
  }
}

describe('fused CPU optimizer steps', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [name, opts] of CASES) {
      it(`${name} ${JSON.stringify(opts)} ${dtype}: bit-identical to the unfused ops`, () => {
        const fused = run(name, opts, dtype, 'dense');
        const reference = unfused(() => run(name, opts, dtype, 'dense'));
        expect(fused.bytes).toEqual(reference.bytes);
        // One op per parameter per step: the override ran, not the inner ops.
        expect([fused.steps, fused.inner]).toEqual([10, 0]);
        expect(reference.steps).toBe(10);
        expect(reference.inner).toBeGreaterThan(10);
      });
    }
  }

  it('strided parameters take the default sequence', () => {
    const fused = run('Adam', { lr: 0.01, amsgrad: true }, 'float32', 'transposed');
    const reference = unfused(() => run('Adam', { lr: 0.01, amsgrad: true }, 'float32', 'transposed'));
    expect(fused.bytes).toEqual(reference.bytes);
    expect(fused.inner).toBeGreaterThan(10);
  });

  it('bumps the version counters of the parameter and its state', () => {
    const p = randn([4], { device: 'cpu' }).requiresGrad_();
    p.grad = randn([4], { device: 'cpu' });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const before = p._version.value;
    opt.step();
    const buf = opt.state.get(p)!.momentum_buffer as Tensor;
    const bufBefore = buf._version.value;
    opt.step();
    expect(p._version.value).toBe(before + 2);
    expect(buf._version.value).toBe(bufBefore + 1);
  });
});
