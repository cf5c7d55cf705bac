import { type GradFn, Tensor, isFloating } from '@flambeau/tensor';
import { noGrad } from './grad_mode.js';
import { type TensorMeta, metaOf, viewBase } from './node.js';
import { recordNode } from './record.js';
import { scatterBack, viewPositionsInBase } from './formulas/util.js';

/**
 * Views whose base is later modified in place (through another view, or directly) must see the
 * base's new history, as PyTorch regenerates a view's grad_fn from its base when it is read.
 * A tracked view's `gradFn` and `requiresGrad` are accessors that first compare the base's
 * current history with the one the view's history was built on, and rebuild it as
 * AsStridedBackward0 over the base when they differ.
 */

interface ViewHistory {
  /** The view's own grad_fn, as last set. */
  fn: GradFn | null;
  /** The base's grad_fn when `fn` was set. */
  baseFn: GradFn | null;
}

const histories = new WeakMap<Tensor, ViewHistory>();
const requiresGradAccessor = Object.getOwnPropertyDescriptor(Tensor.prototype, 'requiresGrad')!;

/** `x` as an AsStridedBackward0 view of `base`'s current history (positions computed on first use). */
export function recordAsStrided(x: Tensor, base: Tensor, positions?: () => Tensor): void {
  const baseMeta: TensorMeta = metaOf(base);
  const viewGeo = { shape: x.shape, strides: x.strides, offset: x.offset };
  let pos: Tensor | null = null;
  const at = positions ?? (() => (pos ??= noGrad(() => viewPositionsInBase(baseMeta, viewGeo))));
  recordNode('AsStridedBackward0', [base], [x], ([g]) => [scatterBack(g, at(), baseMeta)]);
}

function refresh(t: Tensor, h: ViewHistory): void {
  const base = viewBase(t);
  if (base === null || base.gradFn === h.baseFn) return;
  if (base.requiresGrad) recordAsStrided(t, base);
  else h.baseFn = base.gradFn;
}

/**
 * Makes `t` (a view made by a view op in grad mode) follow later in-place changes of its base's
 * history. Skipped: views of leaves that require grad (those cannot be modified in place while
 * recording) and of integer or bool tensors, which never carry history (a loss's reshaped class
 * targets were tracked every step). Each tracked view gets accessors of its own: a hidden class
 * of its own for V8, which slows every later property read on it.
 */
export function trackView(t: Tensor): void {
  const base = viewBase(t);
  if (base === null || !isFloating(base.dtype) || (base.requiresGrad && base.gradFn === null) || histories.has(t)) return;
  const h: ViewHistory = { fn: t.gradFn, baseFn: base.gradFn };
  histories.set(t, h);
  Object.defineProperty(t, 'gradFn', {
    configurable: true,
    get(this: Tensor) {
      refresh(this, h);
      return h.fn;
    },
    set(this: Tensor, fn: GradFn | null) {
      h.fn = fn;
      h.baseFn = viewBase(this)?.gradFn ?? null;
    },
  });
  Object.defineProperty(t, 'requiresGrad', {
    configurable: true,
    get(this: Tensor) {
      refresh(this, h);
      return requiresGradAccessor.get!.call(this) as boolean;
    },
    set: requiresGradAccessor.set,
  });
}
