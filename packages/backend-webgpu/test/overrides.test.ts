import * as torch from '@flambeau/tensor';
import { type Tensor, installInterceptor } from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';
import * as nn from '@flambeau/nn';
import * as optim from '@flambeau/optim';
import { describe, expect, it } from 'vitest';
import optimFixtures from '../../optim/test/fixtures/optimizers.json';
import { CASES } from '../../optim/test/step_cases.js';
import { fx } from '../../nn/test/layer-fixtures.js';
import { gpu, skipReason } from './helpers.js';
import { randn } from './reference.js';

/**
 * The fused overrides webgpu installs in `backend.kernels` (addmm, nativeLayerNorm, sgdStep_,
 * adamStep_, rmspropStep_): each against the CPU on random inputs, against PyTorch fixtures, and checked to
 * be the code that ran (no inner ops dispatched, one GPU dispatch per call).
 */
const suite = gpu ? describe : describe.skip;

type Ctor = new (params: never, opts: Record<string, unknown>) => optim.Optimizer<object>;
const optimizer = (name: string) => (optim as unknown as Record<string, Ctor>)[name];

/** Largest |a − b| / (atol/rtol + |b|)-style excess: ≤ 0 means every element is within rtol·|b| + atol. */
function worstExcess(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  expect(a.length).toBe(b.length);
  let worst = -Infinity;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i] - b[i]) - rtol * Math.abs(b[i]) - atol;
    worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
  }
  return worst;
}

/** Counts the step ops dispatched and the ops dispatched inside them while `fn` runs. */
function countSteps<T>(fn: () => T): { result: T; steps: number; inner: number } {
  const FUSED = ['sgdStep_', 'adamStep_', 'rmspropStep_'];
  let steps = 0, inner = 0, inside = false;
  const remove = installInterceptor('count-webgpu-steps', (op, _i, _a, next) => {
    if (inside) inner++;
    if (!FUSED.includes(op)) return next();
    steps++;
    inside = true;
    try { return next(); } finally { inside = false; }
  });
  try {
    return { result: fn(), steps, inner };
  } finally {
    remove();
  }
}


suite(`webgpu fused overrides${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const g = gpu!;

  it('are installed under the registry ops they replace', () => {
    for (const op of ['softmax', 'logSoftmax', 'addmm', 'nativeLayerNorm', 'sgdStep_', 'adamStep_', 'rmspropStep_']) {
      expect(torch.getOpSchema(op).name).toBe(op);
      expect(typeof g.kernels[op]).toBe('function');
    }
  });

  /** 5 steps with fixed gradients on `device`: parameters then state, as float arrays. */
  async function runSteps(name: string, opts: Record<string, unknown>, device: 'cpu' | 'webgpu', transposed = false) {
    const data = [0, 1].map((k) => randn(45, 100 + k));
    const grads = Array.from({ length: 5 }, (_, s) => [0, 1].map((k) => randn(45, 200 + 10 * s + k)));
    const make = (d: Float32Array): Tensor => {
      const t = torch.tensor(Array.from(d)).to(device);
      return transposed ? t.reshape(9, 5).t() : t.reshape(5, 9);
    };
    const params = data.map((d) => make(d).requiresGrad_());
    const opt = new (optimizer(name))(params as never, opts);
    let steps = 0, inner = 0, dispatched = 0;
    for (const [s, gs] of grads.entries()) {
      params.forEach((p, i) => (p.grad = make(gs[i])));
      const before = g.stats.dispatches;
      const c = countSteps(() => opt.step());
      // The first step also creates the state tensors.
      if (s > 0) dispatched += g.stats.dispatches - before;
      steps += c.steps;
      inner += c.inner;
    }
    const state = [...opt.state.values()].flatMap((s) => Object.values(s).filter((v): v is Tensor => v instanceof torch.Tensor && v.numel() > 1));
    const values = await Promise.all([...params, ...state].map(async (t) => Array.from(await t.contiguous().dataAsync())));
    return { values, steps, inner, dispatched };
  }

  for (const [name, opts] of CASES) {
    it(`${name} ${JSON.stringify(opts)}: the fused step matches the CPU's over 5 steps, one dispatch per parameter`, async () => {
      const want = await runSteps(name, opts, 'cpu');
      const got = await runSteps(name, opts, 'webgpu');
      expect(got.values.length).toBe(want.values.length);
      got.values.forEach((v, k) => expect(worstExcess(v, want.values[k], 1e-5, 1e-6)).toBeLessThanOrEqual(0));
      expect(got.steps).toBe(10);
      // The override ran: nothing dispatched inside the step op; grads uploaded with writeBuffer.
      expect(got.inner).toBe(0);
      expect(want.inner).toBe(0);
      // One kernel per parameter per step after the first.
      expect(got.dispatched).toBe(8);
    });
  }

  it('a strided parameter runs the default sequence of ops, with the same values', async () => {
    const want = await runSteps('Adam', { lr: 0.01, weightDecay: 0.1 }, 'cpu', true);
    const got = await runSteps('Adam', { lr: 0.01, weightDecay: 0.1 }, 'webgpu', true);
    got.values.forEach((v, k) => expect(worstExcess(v, want.values[k], 1e-5, 1e-6)).toBeLessThanOrEqual(0));
    expect(got.inner).toBeGreaterThan(0);
  });

  // PyTorch 1.13's trajectories (tools/gen_optim_fixtures.py), run with parameters and gradients on webgpu.
  const fixtureCases = optimFixtures.cases.filter((c) => c.dtype === 'float32' && /^(sgd|adam|adamw|rmsprop)_/.test(c.name));
  for (const c of fixtureCases) {
    it(`PyTorch fixture ${c.name} on webgpu`, async () => {
      const A = torch.tensor(optimFixtures.A).to('webgpu');
      const b = torch.tensor(optimFixtures.b).to('webgpu');
      const x0 = torch.tensor(optimFixtures.x0);
      const w = x0.narrow(0, 0, 6).reshape(2, 3).to('webgpu').clone().requiresGrad_();
      const v = x0.narrow(0, 6, 4).to('webgpu').clone().requiresGrad_();
      const params = c.group1 === null ? [w, v] : [{ params: [w] }, { params: [v], ...c.group1 }];
      const opt = new (optimizer(c.optimizer))(params as never, c.options);
      let steps = 0;
      for (let step = 0; step < optimFixtures.steps; step++) {
        noGrad(() => {
          const x = torch.cat([w.detach().reshape(-1), v.detach()]);
          const gr = A.matmul(x).sub(b).add(x.pow(3).mul(0.4));
          w.grad = gr.narrow(0, 0, 6).reshape(2, 3).contiguous();
          v.grad = gr.narrow(0, 6, 4).contiguous();
        });
        steps += countSteps(() => opt.step()).steps;
        const got = [...(await w.dataAsync()), ...(await v.dataAsync())];
        expect(worstExcess(got, c.trajectory[step], 1e-4, 1e-5)).toBeLessThanOrEqual(0);
      }
      expect(steps).toBe(2 * optimFixtures.steps);
    });
  }

  it('addmm (nn.Linear with a bias): one GEMM dispatch adding the bias, the CPU composite\'s values', async () => {
    const m1 = torch.tensor(Array.from(randn(37 * 70, 11))).reshape(37, 70);
    const w = torch.tensor(Array.from(randn(70 * 19, 12))).reshape(19, 70);
    for (const bshape of [[19], [1, 19], [37, 1], [37, 19], []]) {
      const n = bshape.reduce((p, q) => p * q, 1);
      const bias = torch.tensor(Array.from(randn(n, 13 + n))).reshape(...bshape);
      const [m1g, wg, bg] = [m1, w, bias].map((t) => t.to('webgpu'));
      const before = g.stats.dispatches;
      const got = torch.dispatch1('addmm', [bg, m1g, wg.t()]);
      expect(g.stats.dispatches - before).toBe(1);
      expect(got.shape).toEqual([37, 19]);
      expect(worstExcess(await got.dataAsync(), torch.dispatch1('addmm', [bias, m1, w.t()]).dataSync(), 1e-5, 1e-5)).toBeLessThanOrEqual(0);
    }
    // Through nn.Linear, with gradients (AddmmBackward0's formula runs on webgpu).
    torch.manualSeed(2);
    const lin = new nn.Linear(70, 19);
    const x = m1.clone().requiresGrad_();
    const ref = lin(x) as Tensor;
    ref.square().sum().backward();
    const lg = new nn.Linear(70, 19);
    noGrad(() => { lg.weight.copy_(lin.weight); lg.bias!.copy_(lin.bias!); });
    lg.to('webgpu');
    const xg = m1.to('webgpu').requiresGrad_();
    const out = lg(xg) as Tensor;
    out.square().sum().backward();
    expect(worstExcess(await out.dataAsync(), ref.dataSync(), 1e-5, 1e-5)).toBeLessThanOrEqual(0);
    expect(worstExcess(await xg.grad!.dataAsync(), x.grad!.dataSync(), 1e-4, 1e-4)).toBeLessThanOrEqual(0);
    expect(worstExcess(await lg.bias!.grad!.dataAsync(), lin.bias!.grad!.dataSync(), 1e-4, 1e-4)).toBeLessThanOrEqual(0);
  });

  it('nativeLayerNorm: one dispatch, the CPU composite\'s values, on contiguous and transposed input', async () => {
    const x = torch.tensor(Array.from(randn(6 * 70, 3, 4))).reshape(6, 70);
    const w = torch.tensor(Array.from(randn(70, 5))), b = torch.tensor(Array.from(randn(70, 6)));
    const [xg, wg, bg] = [x, w, b].map((t) => t.to('webgpu'));
    const before = g.stats.dispatches;
    const out = nn.F.layerNorm(xg, [70], wg, bg, 1e-5);
    expect(g.stats.dispatches - before).toBe(1);
    expect(worstExcess(await out.dataAsync(), nn.F.layerNorm(x, [70], w, b).dataSync(), 1e-5, 1e-5)).toBeLessThanOrEqual(0);
    // Transposed input (copied to rows first), no affine, two normalised dims.
    const xt = torch.tensor(Array.from(randn(4 * 5 * 6, 7, 3))).reshape(6, 5, 4);
    const got = nn.F.layerNorm(xt.to('webgpu').transpose(0, 2), [5, 6], null, null, 1e-3);
    expect(got.shape).toEqual([4, 5, 6]);
    expect(worstExcess(await got.contiguous().dataAsync(), nn.F.layerNorm(xt.transpose(0, 2), [5, 6], null, null, 1e-3).contiguous().dataSync(), 1e-5, 1e-5)).toBeLessThanOrEqual(0);
  });

  for (const c of fx.cases.filter((k) => k.name.startsWith('layernorm'))) {
    it(`nn.LayerNorm PyTorch fixture '${c.name}' on webgpu (forward and gradients)`, async () => {
      const T = (f: { shape: number[]; data: number[] }) => torch.tensor(f.data).reshape(...f.shape).to('webgpu');
      const m = c.name === 'layernorm' ? new nn.LayerNorm([3, 4]) : new nn.LayerNorm(6, { elementwiseAffine: false, eps: 1e-6 });
      m.to('webgpu');
      noGrad(() => { for (const [k, p] of m.namedParameters()) p.copy_(T(c.params[k])); });
      const x = T(c.inputs[0]).requiresGrad_();
      const out = m(x) as Tensor;
      expect(worstExcess(await out.dataAsync(), c.outputs[0].data, 1e-4, 1e-5)).toBeLessThanOrEqual(0);
      out.backward(T(c.gradOut));
      expect(worstExcess(await x.grad!.dataAsync(), c.grads.input.data, 1e-4, 1e-5)).toBeLessThanOrEqual(0);
      for (const [k, p] of m.namedParameters()) expect(worstExcess(await p.grad!.dataAsync(), c.grads[k].data, 1e-4, 1e-5)).toBeLessThanOrEqual(0);
    });
  }
});
