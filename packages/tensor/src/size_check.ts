import { DTypeError, IndexError, RuntimeError } from './errors.js';
import { normDim } from './shape.js';

/**
 * Checks on sizes and dims that PyTorch's argument parser and allocator make before any work:
 * a float where an int is expected is a `TypeError`, a dim of a 0-d tensor an `IndexError`, and an
 * allocation the machine cannot hold PyTorch's "can't allocate memory" `RuntimeError` (never
 * V8's raw `RangeError`).
 */

/** `zeros(2.5)`: PyTorch's parser refuses non-integer sizes before the negative-size check. */
export function checkSizeInts(fn: string, shape: readonly unknown[]): number[] {
  shape.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      const type = typeof s === 'number' ? 'float' : s === null ? 'NoneType' : typeof s === 'boolean' ? 'bool' : typeof s === 'string' ? 'str' : typeof s;
      throw new DTypeError(`${fn}(): argument 'size' (position 1) must be tuple of ints, but found element of type ${type} at pos ${i}`);
    }
  });
  return shape as number[];
}

/** `t.size(dim)` / `t.stride(dim)`: unlike most ops these do not treat a 0-d tensor as 1-d. */
export function sizeDim(dim: number, ndim: number): number {
  if (ndim === 0) throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  return normDim(dim, ndim);
}

function physicalMemory(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { totalmem?: () => number } | undefined;
  return os?.totalmem?.() ?? Number.MAX_SAFE_INTEGER;
}

let memoryLimit: number | undefined;

function cannotAllocate(bytes: number): RuntimeError {
  return new RuntimeError(`[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate ${bytes} bytes. Error code 12 (Cannot allocate memory)`);
}

/**
 * `new Ctor(n)`, refusing requests larger than the machine's memory (where that is known) or
 * than a typed array may hold, with PyTorch's allocator message.
 */
export function allocChecked<T>(Ctor: { new (n: number): T; BYTES_PER_ELEMENT: number }, n: number): T {
  const bytes = n * Ctor.BYTES_PER_ELEMENT;
  if (bytes > (memoryLimit ??= physicalMemory())) throw cannotAllocate(bytes);
  try {
    return new Ctor(n);
  } catch (e) {
    if (e instanceof RangeError) throw cannotAllocate(bytes);
    throw e;
  }
}
