import { describe, expect, it } from 'vitest';
import { type Tensor, ones } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { type TJ, expectClose, fixture, stateOf, toTensor } from './core-fixtures.js';

interface Call { name: string | null; gradInput: (TJ | null)[]; gradOutput: (TJ | null)[] }
const fx = fixture<{ hooks: {
  linear: { state: Record<string, TJ>; x: TJ; calls: Call[]; xGrad: TJ; weightGrad: TJ };
  replace: { xGrad: TJ; weightGrad: TJ };
  noInputGrad: { calls: Call[]; weightGrad: TJ };
  preHook: { gradOutputSeen: TJ[]; xGrad: TJ; weightGrad: TJ };
  two: { state: Record<string, TJ>; x: TJ; y: TJ; calls: Call[]; xGrad: TJ };
  sequential: { state: Record<string, TJ>; x: TJ; calls: Call[] };
} }>('nn_extra.json').hooks;

type Grads = (Tensor | null)[];
const TOL = 1e-6;

function expectGrads(got: Grads, want: (TJ | null)[], what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    if (w === null) expect(got[i], `${what}[${i}]`).toBeNull();
    else expectClose(got[i], w, TOL, `${what}[${i}]`);
  });
}

function linear(): nn.Linear {
  const lin = new nn.Linear(3, 2);
  lin.loadStateDict(stateOf(fx.linear.state));
  return lin;
}

// tools/gen_nn_extra_fixtures.py's Two.
class Two extends nn.Module {
  lin = new nn.Linear(3, 3);
  override forward(x: Tensor, y: Tensor, k: number): [Tensor, Tensor] {
    const h = this.lin(x).mul(y).mul(k);
    return [h.sum(1), h.exp()];
  }
}

describe('registerFullBackwardHook', () => {
  it('receives PyTorch gradInput / gradOutput', () => {
    const lin = linear();
    const x = toTensor(fx.linear.x, true);
    const seen: [Grads, Grads][] = [];
    lin.registerFullBackwardHook((m, gi, go) => {
      expect(m).toBe(lin);
      seen.push([gi, go]);
    });
    lin(x).pow(2).sum().backward();
    expect(seen.length).toBe(fx.linear.calls.length);
    expectGrads(seen[0][0], fx.linear.calls[0].gradInput, 'gradInput');
    expectGrads(seen[0][1], fx.linear.calls[0].gradOutput, 'gradOutput');
    expectClose(x.grad, fx.linear.xGrad, TOL, 'x.grad');
    expectClose(lin.weight.grad, fx.linear.weightGrad, TOL, 'weight.grad');
  });
  it('a returned gradInput replaces the input gradient; remove() detaches the hook', () => {
    const lin = linear();
    const x = toTensor(fx.linear.x, true);
    const h = lin.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(2)]);
    lin(x).pow(2).sum().backward();
    expectClose(x.grad, fx.replace.xGrad, TOL, 'x.grad');
    expectClose(lin.weight.grad, fx.replace.weightGrad, TOL, 'weight.grad');
    h.remove();
    x.grad = null;
    lin(x).pow(2).sum().backward();
    expectClose(x.grad, fx.linear.xGrad, TOL, 'x.grad after remove');
  });
  it('runs with null gradInput when no input requires grad', () => {
    const lin = linear();
    const seen: [Grads, Grads][] = [];
    lin.registerFullBackwardHook((_m, gi, go) => { seen.push([gi, go]); });
    lin(toTensor(fx.linear.x)).pow(2).sum().backward();
    expect(seen.length).toBe(1);
    expectGrads(seen[0][0], fx.noInputGrad.calls[0].gradInput, 'gradInput');
    expectGrads(seen[0][1], fx.noInputGrad.calls[0].gradOutput, 'gradOutput');
    expectClose(lin.weight.grad, fx.noInputGrad.weightGrad, TOL, 'weight.grad');
    lin.registerFullBackwardHook(() => [ones(4, 3)]);
    expect(() => lin(toTensor(fx.linear.x)).sum().backward()).toThrow(/no input requires gradient/);
  });
  it('zeros for inputs without grad, null for non-tensors and unused outputs', () => {
    const two = new Two();
    two.loadStateDict(stateOf(fx.two.state));
    const x = toTensor(fx.two.x, true);
    const seen: [Grads, Grads][] = [];
    two.registerFullBackwardHook((_m, gi, go) => { seen.push([gi, go]); });
    const [a] = two(x, toTensor(fx.two.y), 2);
    a.sum().backward();
    expect(seen.length).toBe(1);
    expectGrads(seen[0][0], fx.two.calls[0].gradInput, 'gradInput');
    expectGrads(seen[0][1], fx.two.calls[0].gradOutput, 'gradOutput');
    expectClose(x.grad, fx.two.xGrad, TOL, 'x.grad');
    expect(a.gradFn!.name).toBe('BackwardHookFunctionBackward');
  });
  it('fires innermost-last layers first through a Sequential', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    seq.loadStateDict(stateOf(fx.sequential.state));
    const seen: { name: string; gi: Grads; go: Grads }[] = [];
    for (const [name, m] of seq.namedChildren()) m.registerFullBackwardHook((_m, gi, go) => { seen.push({ name, gi, go }); });
    seq(toTensor(fx.sequential.x, true)).sum().backward();
    expect(seen.map((c) => c.name)).toEqual(fx.sequential.calls.map((c) => c.name));
    fx.sequential.calls.forEach((c, i) => {
      expectGrads(seen[i].gi, c.gradInput, `${c.name} gradInput`);
      expectGrads(seen[i].go, c.gradOutput, `${c.name} gradOutput`);
    });
  });
  it('rejects a gradInput of the wrong length', () => {
    const lin = linear();
    lin.registerFullBackwardHook(() => [null, null]);
    expect(() => lin(toTensor(fx.linear.x, true)).sum().backward()).toThrow('Backward hook returned an invalid number of grad_input, got 2, but expected 1');
  });
});

describe('registerFullBackwardPreHook', () => {
  it('sees gradOutput first and may replace it (PyTorch 2 semantics)', () => {
    const lin = linear();
    const x = toTensor(fx.linear.x, true);
    const seenPre: Grads[] = [];
    const seenFull: Grads[] = [];
    lin.registerFullBackwardPreHook((_m, go) => {
      seenPre.push(go);
      return [go[0]!.mul(3)];
    });
    lin.registerFullBackwardHook((_m, _gi, go) => { seenFull.push(go); });
    lin(x).pow(2).sum().backward();
    expectGrads(seenPre[0], fx.preHook.gradOutputSeen, 'pre-hook gradOutput');
    expectClose(seenFull[0][0], { ...fx.preHook.gradOutputSeen[0], data: fx.preHook.gradOutputSeen[0].data.map((v) => v * 3) }, TOL, 'full hook gradOutput');
    expectClose(x.grad, fx.preHook.xGrad, TOL, 'x.grad');
    expectClose(lin.weight.grad, fx.preHook.weightGrad, TOL, 'weight.grad');
  });
});
