import { type Declaration, parseArgs } from '@flambeau/tensor';
import type { Reduction } from './loss.js';

/** PyTorch's deprecated `size_average, reduce` before `reduction`, in the losses' declarations. */
export const LEGACY = 'bool? sizeAverage=None, bool? reduce=None, str reduction="mean"';

/** The deprecated `size_average`/`reduce` pair, given positionally or by name. */
export interface LegacyReduction {
  /** Deprecated in PyTorch: use `reduction`. */
  sizeAverage?: boolean | null;
  /** Deprecated in PyTorch: use `reduction`. */
  reduce?: boolean | null;
  reduction?: Reduction;
}
/** The positional form of {@link LegacyReduction}: PyTorch's `size_average, reduce, reduction`. */
export type LegacyTail = [sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction];

/**
 * `args` bound to a loss's declaration, `reduction` resolved from the deprecated pair when either
 * is given, as PyTorch's `_Reduction.legacy_get_string` (None counts as True).
 */
export function parseLoss(decl: Declaration, args: readonly unknown[]): Record<string, any> {
  const a = parseArgs(decl, args);
  if (a.sizeAverage != null || a.reduce != null) {
    const sizeAverage = a.sizeAverage ?? true;
    const reduce = a.reduce ?? true;
    a.reduction = sizeAverage && reduce ? 'mean' : reduce ? 'sum' : 'none';
  }
  return a;
}

