import type { DType, TypedArray } from './dtype.js';

export interface FormatOptions {
  device: string;
  requiresGrad: boolean;
  gradFn: string | null;
}

/** PyTorch's `repr(tensor)`. (Placeholder: replaced by the full port of torch/_tensor_str.py.) */
export function formatTensor(shape: readonly number[], dtype: DType, data: TypedArray, opts: FormatOptions): string {
  return `tensor(${JSON.stringify(Array.from(data))}, shape=[${shape.join(', ')}], dtype=${dtype}${opts.requiresGrad ? ', requires_grad=True' : ''})`;
}

/** `torch.set_printoptions(precision, threshold, edgeitems, linewidth, sci_mode)`. */
export function setPrintOptions(_opts: { precision?: number; threshold?: number; edgeitems?: number; linewidth?: number; sciMode?: boolean | null; profile?: 'default' | 'short' | 'full' }): void {}
