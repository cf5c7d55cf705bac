import type { Pool2dAttrs } from '../backend.js';
import { type Attrs, defineOp } from '../dispatcher.js';
import { type DType, isFloating } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { pooledSize } from '../cpu/pool.js';
import { fmtShape } from '../shape.js';
import { type Tensor, dtypeTitle } from '../tensor.js';
import { pair } from './conv.js';
import { fromStorage } from './util.js';

/**
 * Normalises pooling attrs: ints become pairs, a missing (null or empty) stride is the kernel
 * size, as in `F.max_pool2d(x, 2)`. Checks follow PyTorch 1.13's `pool2d_shape_check`.
 */
function poolAttrs(attrs: Attrs, avg: boolean): Pool2dAttrs {
  const kernelSize = pair(attrs.kernelSize, 'kernel_size');
  const s = attrs.stride;
  const stride = s === undefined || s === null || (Array.isArray(s) && s.length === 0) ? kernelSize : pair(s, 'stride');
  const a: Pool2dAttrs = {
    kernelSize,
    stride,
    padding: pair(attrs.padding ?? 0, 'padding'),
    dilation: avg ? [1, 1] : pair(attrs.dilation ?? 1, 'dilation'),
    ceilMode: (attrs.ceilMode as boolean | undefined) ?? false,
  };
  if (avg) {
    a.countIncludePad = (attrs.countIncludePad as boolean | undefined) ?? true;
    a.divisorOverride = (attrs.divisorOverride as number | null | undefined) ?? null;
    if (a.divisorOverride === 0) throw new RuntimeError('divisor must be not zero');
  }
  if (stride.some((x) => x === 0)) throw new RuntimeError('stride should not be zero');
  if (kernelSize.some((k) => k <= 0)) throw new RuntimeError(`kernel size should be greater than zero, but got kH: ${kernelSize[0]} kW: ${kernelSize[1]}`);
  if (stride.some((x) => x < 0)) throw new RuntimeError(`stride should be greater than zero, but got dH: ${stride[0]} dW: ${stride[1]}`);
  if (a.dilation.some((d) => d <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got dilationH: ${a.dilation[0]} dilationW: ${a.dilation[1]}`);
  for (let i = 0; i < 2; i++) {
    if (a.padding[i] < 0 || a.padding[i] > kernelSize[i] / 2) {
      throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${a.padding[i]} and kernel_size=${kernelSize[i]}`);
    }
  }
  return a;
}

/** Checks rank and dtype, returns the output [N, C, OH, OW] of the batched input. */
function poolShape(name: string, xShape: readonly number[], dtype: DType, a: Pool2dAttrs): number[] {
  if ((xShape.length !== 3 && xShape.length !== 4) || xShape.slice(-3).some((s) => s === 0)) {
    throw new RuntimeError('non-empty 3D or 4D (batch mode) tensor expected for input');
  }
  // PyTorch 1.13's CPU avg_pool2d also takes int64 (truncating the mean); nothing else integral.
  if (!isFloating(dtype) && !(name === 'avg_pool2d' && dtype === 'int64')) throw new RuntimeError(`"${name}" not implemented for '${dtypeTitle(dtype)}'`);
  const [N, C, H, W] = xShape.length === 3 ? [1, ...xShape] : xShape;
  const OH = pooledSize(H, a.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0], a.ceilMode);
  const OW = pooledSize(W, a.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1], a.ceilMode);
  if (OH < 1 || OW < 1) {
    throw new RuntimeError(`Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${OH}x${OW}). Output size is too small`);
  }
  return [N, C, OH, OW];
}

function batched4(x: Tensor): Tensor {
  return x.ndim === 3 ? x.unsqueeze(0) : x;
}

function unbatch(shape: number[], x: Tensor): number[] {
  return x.ndim === 3 ? shape.slice(1) : shape;
}

function checkGrad(gy: Tensor, expected: readonly number[], inputShape: readonly number[]): void {
  const shown = gy.ndim === 3 ? expected.slice(1) : expected;
  if (gy.ndim !== inputShape.length || fmtShape(gy.shape) !== fmtShape(shown)) {
    throw new RuntimeError(`pool backward: grad_output of size ${fmtShape(gy.shape)} does not match the output size ${fmtShape(shown)} for input of size ${fmtShape(inputShape)}`);
  }
}

/**
 * `F.max_pool2d(x, kernelSize, stride, padding, dilation, ceilMode, return_indices=True)`.
 * Returns [values, int64 indices into each input H×W plane], as PyTorch does.
 */
defineOp('primitive', 'maxPool2d(Tensor self, int[2] kernelSize, int[2]? stride=None, int[2] padding=0, int[2] dilation=1, bool ceilMode=False) -> (Tensor, Tensor)', ([x], attrs: Attrs) => {
  const a = poolAttrs(attrs, false);
  const shape = poolShape('max_pool2d', x.shape, x.dtype, a);
  const [v, i] = x.backend.maxPool2d(batched4(x), a);
  return [fromStorage(v, unbatch(shape, x)), fromStorage(i, unbatch(shape, x))];
});

/** Inputs `[gradOut, indices]`, attrs `{inputShape}`. */
defineOp('primitive', 'maxPool2dBackward(Tensor gradOutput, Tensor indices, int[] inputShape) -> Tensor', ([gy, indices], attrs: Attrs) => {
  const inputShape = attrs.inputShape as number[];
  if (fmtShape(gy.shape) !== fmtShape(indices.shape)) {
    throw new RuntimeError(`max_pool2d backward: grad_output of size ${fmtShape(gy.shape)} and indices of size ${fmtShape(indices.shape)} differ`);
  }
  if (gy.ndim !== inputShape.length || (gy.ndim !== 3 && gy.ndim !== 4)) {
    throw new RuntimeError(`max_pool2d backward: grad_output of size ${fmtShape(gy.shape)} does not fit input of size ${fmtShape(inputShape)}`);
  }
  const xs = inputShape.length === 3 ? [1, ...inputShape] : inputShape;
  const s = gy.backend.maxPool2dBackward(batched4(gy), batched4(indices), xs);
  return fromStorage(s, inputShape);
});

/** `F.avg_pool2d(x, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride)`. */
defineOp('primitive', 'avgPool2d(Tensor self, int[2] kernelSize, int[2]? stride=None, int[2] padding=0, bool ceilMode=False, bool countIncludePad=True, int? divisorOverride=None) -> Tensor', ([x], attrs: Attrs) => {
  const a = poolAttrs(attrs, true);
  const shape = poolShape('avg_pool2d', x.shape, x.dtype, a);
  return fromStorage(x.backend.avgPool2d(batched4(x), a), unbatch(shape, x));
});

/** Inputs `[gradOut]`, attrs: the forward attrs plus `inputShape`. */
defineOp('primitive', 'avgPool2dBackward(Tensor gradOutput, int[] inputShape, int[2] kernelSize, int[2]? stride=None, int[2] padding=0, bool ceilMode=False, bool countIncludePad=True, int? divisorOverride=None) -> Tensor', ([gy], attrs: Attrs) => {
  const a = poolAttrs(attrs, true);
  const inputShape = attrs.inputShape as number[];
  const expected = poolShape('avg_pool2d', inputShape, gy.dtype, a);
  checkGrad(gy, expected, inputShape);
  const xs = inputShape.length === 3 ? [1, ...inputShape] : inputShape;
  return fromStorage(gy.backend.avgPool2dBackward(batched4(gy), xs, a), inputShape);
});
