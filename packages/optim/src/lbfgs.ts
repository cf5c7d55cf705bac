import type { Tensor } from '@flambeau/tensor';
import { type Args, RuntimeError, ValueError, cat, declare, parseArgs, zeros } from '@flambeau/tensor';
import { enableGrad, noGrad } from '@flambeau/autograd';
import { declareStep, type Loss, type Params, type ParamState, Optimizer, optimizerArgs, optionsFor } from './optimizer.js';
import { strongWolfe } from './line_search.js';

export interface LBFGSOptions {
  lr: number;
  maxIter: number;
  /** Defaults to `maxIter * 5 / 4` (rounded down). */
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

const LBFGS_DECL = declare('optim.LBFGS', 'LBFGS(Any params, float lr=1, int maxIter=20, int? maxEval=None, float toleranceGrad=1e-07, float toleranceChange=1e-09, int historySize=100, str? lineSearchFn=None)');
// PyTorch's LBFGS.step(closure): the closure is required (the line search re-evaluates the model).
const LBFGS_STEP = declareStep('LBFGS', 'step(Callable closure)');

function lossValue(loss: Loss): number {
  return typeof loss === 'number' ? loss : loss.itemSync();
}

/**
 * L-BFGS, PyTorch's `torch.optim.LBFGS` (one parameter group; `step` needs a closure that zeroes
 * the gradients, recomputes the loss, calls `backward()` and returns the loss). The branching on
 * curvature and tolerances reads scalars back from the device, as PyTorch does.
 *
 * @example
 * const opt = new LBFGS(model.parameters(), { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { opt.zeroGrad(); const loss = lossFn(model.forward(x), y); loss.backward(); return loss; });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  static override readonly __name__: string = 'LBFGS';
  protected static override declaration = LBFGS_DECL;
  private readonly params: Tensor[];

  constructor(
    params: Params<LBFGSOptions>,
    ...rest: Args<[lr: number, maxIter: number, maxEval: number | null, toleranceGrad: number, toleranceChange: number, historySize: number, lineSearchFn: 'strong_wolfe' | null], Partial<Omit<LBFGSOptions, 'maxEval'>> & { maxEval?: number | null }>
  ) {
    const opts = optimizerArgs(LBFGS_DECL, params, rest) as Partial<LBFGSOptions>;
    const maxIter = opts.maxIter ?? 20;
    const d = optionsFor<LBFGSOptions>('LBFGS', {
      lr: 1, maxIter, maxEval: Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null,
    }, opts, { lineSearchFn: 'string|null' });
    super(params, d);
    if (this.paramGroups.length !== 1) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    this.params = this.paramGroups[0].params;
  }

  private gatherFlatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad === null ? zeros([p.numel()], { dtype: p.dtype, device: p.device }) : p.grad.reshape(-1))), 0);
  }

  private addGrad(stepSize: number, update: Tensor): void {
    noGrad(() => {
      let offset = 0;
      for (const p of this.params) {
        const n = p.numel();
        p.add_(update.narrow(0, offset, n).view(p.shape as number[]), { alpha: stepSize });
        offset += n;
      }
    });
  }

  private setParams(data: Tensor[]): void {
    noGrad(() => this.params.forEach((p, i) => p.copy_(data[i])));
  }

  private directionalEvaluate(closure: () => Loss, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = lossValue(closure());
    const flatGrad = this.gatherFlatGrad();
    this.setParams(x);
    return [loss, flatGrad];
  }

  override step(...args: [closure: () => Loss] | [{ closure: () => Loss }]): Loss {
    const fn = parseArgs(LBFGS_STEP, args).closure as () => Loss;
    const evaluate = (): Loss => enableGrad(fn);
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = this.paramGroups[0];
    const state = this.stateOf(this.params[0]);
    state.func_evals ??= 0;
    state.n_iter ??= 0;

    const origLoss = evaluate();
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    state.func_evals = (state.func_evals as number) + 1;
    let flatGrad = this.gatherFlatGrad();
    if (flatGrad.abs().max().itemSync() <= toleranceGrad) return origLoss;

    let d = (state.d as Tensor | undefined) ?? null;
    let t = (state.t as number | undefined) ?? 0;
    let oldDirs = (state.old_dirs as Tensor[] | undefined) ?? [];
    let oldStps = (state.old_stps as Tensor[] | undefined) ?? [];
    let ro = (state.ro as number[] | undefined) ?? [];
    let hDiag = (state.H_diag as number | undefined) ?? 1;
    let prevFlatGrad = (state.prev_flat_grad as Tensor | undefined) ?? null;
    let prevLoss = (state.prev_loss as number | undefined) ?? 0;

    // PyTorch keeps these scalars in 0-dim tensors of the parameter dtype; round alike.
    const r = this.params[0].dtype === 'float32' ? Math.fround : (x: number) => x;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.n_iter = (state.n_iter as number) + 1;
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t);
        const ys = y.dot(s).itemSync();
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(r(1 / ys));
          hDiag = r(ys / y.dot(y).itemSync());
        }
        const numOld = oldDirs.length;
        state.al ??= new Array<number | null>(historySize).fill(null);
        const al = state.al as number[];
        const q = flatGrad.neg();
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = r(oldStps[i].dot(q).itemSync() * ro[i]);
          q.add_(oldDirs[i], { alpha: -al[i] });
        }
        const dir = q.mul(hDiag);
        for (let i = 0; i < numOld; i++) {
          const be = r(oldDirs[i].dot(dir).itemSync() * ro[i]);
          dir.add_(oldStps[i], { alpha: r(al[i] - be) });
        }
        d = dir;
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;

      if (state.n_iter === 1) {
        const inv = r(1 / flatGrad.abs().sum().itemSync());
        t = inv < 1 ? r(inv * lr) : lr;
      } else {
        t = lr;
      }
      const gtd = flatGrad.dot(d).itemSync();
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      let optCond = false;
      if (lineSearchFn !== null) {
        if (lineSearchFn !== 'strong_wolfe') throw new RuntimeError("only 'strong_wolfe' is supported");
        const xInit = this.params.map((p) => p.clone());
        [loss, flatGrad, t, lsFuncEvals] = strongWolfe((x, step, dd) => this.directionalEvaluate(evaluate, x, step, dd), xInit, t, d, loss, flatGrad, gtd);
        this.addGrad(t, d);
        optCond = flatGrad.abs().max().itemSync() <= toleranceGrad;
      } else {
        this.addGrad(t, d);
        if (nIter !== maxIter) {
          loss = lossValue(evaluate());
          flatGrad = this.gatherFlatGrad();
          optCond = flatGrad.abs().max().itemSync() <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.func_evals = (state.func_evals as number) + lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (d.mul(t).abs().max().itemSync() <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    Object.assign(state, {
      d, t, old_dirs: oldDirs, old_stps: oldStps, ro, H_diag: hDiag, prev_flat_grad: prevFlatGrad, prev_loss: prevLoss,
    } satisfies ParamState);
    return origLoss;
  }
}
