import { type Attrs, type OpResult, RuntimeError, type Tensor, full, ones, shapeEq, zeros, zerosLike } from '@flambeau/tensor';
import { noGrad } from './grad_mode.js';
import { type Node, metaOf, outputNr, stateOf, viewBase } from './node.js';
import { recordNode } from './record.js';
import { viewPositionsInBase } from './formulas/util.js';
import { recordAsStrided } from './view_history.js';

/** PyTorch refuses in-place writes to leaves that require grad (their `.grad` would be wrong). */
export function checkInplace(x: Tensor): void {
  const base = viewBase(x);
  if (base === null && x.requiresGrad && x.gradFn === null) {
    throw new RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  if (base !== null && base.requiresGrad && base.gradFn === null) {
    throw new RuntimeError('a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

/**
 * `copy_(x, src)` under grad mode, the in-place primitive every `op_` ends in. A plain tensor takes
 * `src`'s history (or a CopyBackwards node); a view rewrites its base's history with CopySlices and
 * becomes an AsStridedBackward0 view of it.
 */
export function inplaceCopy(inputs: readonly Tensor[], attrs: Attrs, next: () => OpResult): OpResult {
  const x = inputs[0];
  // `fill_(v)`: a constant source, made by a fill kernel, with no history.
  const src = inputs[1] ?? noGrad(() => full([], attrs.scalar as number, { dtype: x.dtype, device: x.device }));
  const base = viewBase(x);
  if (!x.requiresGrad && !src.requiresGrad && !base?.requiresGrad) return next();
  checkInplace(x);
  // `x.sin_()` computed sin(x) out of place, saving x, which is about to be overwritten: keep a copy.
  if (src.gradFn) (src.gradFn as Node).resave(x, () => noGrad(() => x.clone()));
  if (base === null) {
    noGrad(next);
    if (src.requiresGrad && src.gradFn !== null && viewBase(src) === null && shapeEq(src.shape, x.shape) && src.dtype === x.dtype) {
      x.gradFn = src.gradFn;
      x._setRequiresGrad(true);
      const nr = outputNr(src);
      if (nr !== 0 || x._autograd !== undefined) stateOf(x).outputNr = nr;
      return x;
    }
    recordNode('CopyBackwards', [x, src], [x], ([g]) => [zerosLike(g), g]);
    return x;
  }
  noGrad(next);
  rebaseView(x, base, src);
  return x;
}

/**
 * After `x` (a view of `base`) was overwritten with the values of `src`: `base`'s history becomes
 * CopySlices (its old history outside the view, `src`'s inside) and `x` an AsStridedBackward0 view of it.
 */
export function rebaseView(x: Tensor, base: Tensor, src: Tensor): void {
  const baseMeta = metaOf(base);
  const viewGeo = { shape: x.shape, strides: x.strides, offset: x.offset };
  let pos: Tensor | null = null;
  const positions = () => (pos ??= noGrad(() => viewPositionsInBase(baseMeta, viewGeo)));
  recordNode('CopySlices', [base, src], [base], ([g]) => {
    const q = positions().reshape([-1]);
    const n = g.numel();
    const mask = ones([n], { dtype: g.dtype, device: g.device }).scatter(0, q, zeros(q.shape as number[], { dtype: g.dtype, device: g.device }));
    return [g.mul(mask.reshape([...baseMeta.shape])), g.reshape([-1]).index(q).reshape([...viewGeo.shape])];
  });
  recordAsStrided(x, base, positions);
}
