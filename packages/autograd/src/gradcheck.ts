import { RuntimeError, type Tensor, fromArray, randn } from '@flambeau/tensor';
import { grad } from './engine.js';
import { noGrad } from './grad_mode.js';

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function asList(r: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(r) ? r : [r];
}

function flatValues(t: Tensor): number[] {
  return Array.from(t.detach().contiguous().dataSync() as ArrayLike<number>);
}

function fmt(rows: number[][]): string {
  return rows.map((r) => r.map((v) => v.toFixed(4)).join(', ')).join('\n');
}

/**
 * `torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)`: compares the Jacobian
 * from backward with central finite differences, for every input that requires grad. Use float64.
 *
 * @example
 * gradcheck((x) => x.sin().mul(x), [torch.randn([3], { dtype: 'float64', requiresGrad: true })]);
 */
export function gradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const diff = inputs.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  if (diff.length === 0) throw new RuntimeError('gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');

  const outputs = asList(fn(...inputs));
  // analytical[o][k] is d(sum of gradOut . output o) / d(input k) for one-hot gradOut: rows of J.
  for (let o = 0; o < outputs.length; o++) {
    const out = outputs[o];
    if (!out.requiresGrad) continue;
    const n = out.numel();
    // analytical[d][k][j]: d(output o, element j) / d(input d, element k), one backward per j.
    const analytical = diff.map(({ t }) => Array.from({ length: t.numel() }, () => new Array<number>(n).fill(0)));
    for (let j = 0; j < n; j++) {
      const onehot = new Float64Array(n);
      onehot[j] = 1;
      const go = fromArray(onehot, out.shape, { dtype: out.dtype, device: out.device });
      const gs = grad([out], diff.map(({ t }) => t), { gradOutputs: [go], retainGraph: true, allowUnused: true });
      gs.forEach((g, d) => {
        if (g) flatValues(g).forEach((v, k) => { analytical[d][k][j] = v; });
      });
    }
    for (let d = 0; d < diff.length; d++) {
      const { t, i } = diff[d];
      const numerical = numericalJacobian(fn, inputs, i, o, eps, n);
      for (let k = 0; k < t.numel(); k++) {
        for (let j = 0; j < n; j++) {
          const a = analytical[d][k][j];
          const b = numerical[k][j];
          if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
            if (opts.raiseException === false) return false;
            throw new RuntimeError(`Jacobian mismatch for output ${o} with respect to input ${i},\nnumerical:${fmt(numerical)}\nanalytical:${fmt(analytical[d])}\n`);
          }
        }
      }
    }
  }
  return true;
}

function numericalJacobian(fn: Fn, inputs: Tensor[], which: number, out: number, eps: number, n: number): number[][] {
  const t = inputs[which];
  const values = flatValues(t);
  const jac: number[][] = [];
  const evalAt = (k: number, delta: number): number[] => {
    const v = Float64Array.from(values);
    v[k] += delta;
    const moved = fromArray(v, t.shape, { dtype: t.dtype, device: t.device }).requiresGrad_(true);
    // Fresh leaves that still require grad: `fn` may itself differentiate (gradgradcheck).
    const args = inputs.map((x, i) => (i === which ? moved : x.detach().requiresGrad_(x.requiresGrad)));
    return flatValues(asList(fn(...args))[out]);
  };
  for (let k = 0; k < values.length; k++) {
    const plus = evalAt(k, eps);
    const minus = evalAt(k, -eps);
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = (plus[j] - minus[j]) / (2 * eps);
    jac.push(row);
  }
  return jac;
}

/**
 * `torch.autograd.gradgradcheck(fn, inputs, grad_outputs=None)`: gradcheck of the backward pass
 * itself (second derivatives), with random `gradOutputs` unless given.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], gradOutputs?: Tensor[], opts: GradcheckOptions = {}): boolean {
  const outs = noGrad(() => asList(fn(...inputs.map((x) => x.detach()))));
  const gos = gradOutputs ?? outs.map((o) => randn(o.shape as number[], { dtype: o.dtype, device: o.device }).requiresGrad_());
  const n = inputs.length;
  const diffIdx = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const backwardFn = (...args: Tensor[]): Tensor[] => {
    const xs = args.slice(0, n);
    const out = asList(fn(...xs));
    const gs = grad(out, diffIdx.map((i) => xs[i]), { gradOutputs: args.slice(n), createGraph: true, allowUnused: true });
    return gs.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(backwardFn, [...inputs, ...gos], opts);
}
