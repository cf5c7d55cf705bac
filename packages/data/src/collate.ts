import { DTypeError, RuntimeError, Tensor, allocArray, declare, fromArray, parseArgs, stack, tensor } from '@flambeau/tensor';

const DEFAULT_COLLATE = declare('data.defaultCollate', 'default_collate(Any batch)');

/**
 * `default_collate(batch)`: tensors are stacked along a new first dim; numbers become a tensor
 * (all integers → int64, otherwise float64, booleans → bool, as Python's int/float/bool);
 * typed arrays become tensors and are stacked; strings stay a list; arrays and plain objects
 * are collated field by field.
 *
 * @example defaultCollate([[x0, 1], [x1, 2]]) // [stack([x0, x1]), tensor([1, 2])]
 */
export function defaultCollate(...args: [batch: readonly unknown[]]): unknown {
  return collate(parseArgs(DEFAULT_COLLATE, args).batch);
}

function collate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return stackTensors(batch as Tensor[]);
  if (ArrayBuffer.isView(elem) && !(elem instanceof DataView)) {
    return stackTensors(batch.map((b) => fromArray(b as Float32Array, [(b as Float32Array).length], { device: 'cpu' })));
  }
  if (typeof elem === 'number' || typeof elem === 'boolean') {
    const vals = batch as (number | boolean)[];
    if (typeof elem === 'boolean') return tensor(vals as boolean[], { device: 'cpu' });
    return tensor(vals as number[], { dtype: vals.every((v) => Number.isInteger(v)) ? 'int64' : 'float64', device: 'cpu' });
  }
  if (typeof elem === 'string') return [...batch];
  if (Array.isArray(elem)) {
    const n = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === n)) throw new RuntimeError('each element in list of batch should be of equal size');
    return elem.map((_, k) => collate(batch.map((b) => (b as unknown[])[k])));
  }
  if (elem !== null && typeof elem === 'object' && Object.getPrototypeOf(elem) === Object.prototype && !isImage(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = collate(batch.map((b) => (b as Record<string, unknown>)[key]));
    return out;
  }
  const found = elem === null || elem === undefined ? String(elem) : typeof elem === 'object' && isImage(elem) ? 'Image' : typeof elem === 'object' ? elem.constructor?.name ?? 'object' : typeof elem;
  throw new DTypeError(`default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ${found}`);
}

function isImage(x: object): boolean {
  return 'width' in x && 'height' in x && 'channels' in x && (x as { data?: unknown }).data instanceof Uint8Array;
}

/** `torch.stack(batch)`, with a single-copy path for same-shape dense CPU tensors (the common case). */
function stackTensors(batch: Tensor[]): Tensor {
  const e = batch[0];
  const n = e.numel();
  const dense = batch.every((t) => t.device.type === 'cpu' && t.dtype === e.dtype && t.ndim === e.ndim && t.shape.every((s, i) => s === e.shape[i]) && !t.requiresGrad);
  if (!dense) return stack(batch, 0);
  const out = allocArray(e.dtype, n * batch.length);
  batch.forEach((t, k) => out.set(t.dataSync(), k * n));
  return fromArray(out, [batch.length, ...e.shape], { dtype: e.dtype, device: 'cpu' });
}
