/**
 * `torch.Size`: a tensor's shape, read-only ints that print as PyTorch's (`torch.Size([2, 3])`).
 * A Size is a plain array with PyTorch's `toString` (a subclass or frozen array would leave the
 * array builtins' fast paths, which the ops take on every shape), and tensors of one shape share
 * one Size, made the first time that shape is seen: never write into `t.shape`.
 */
export interface Size extends ReadonlyArray<number> {
  /** `torch.Size.numel()`: the product of the dims (1 for `torch.Size([])`). */
  numel(): number;
}

function sizeString(this: Size): string { return `torch.Size([${this.join(', ')}])`; }
function sizeNumel(this: Size): number {
  let n = 1;
  for (let i = 0; i < this.length; i++) n *= this[i];
  return n;
}
const SIZE_PROPS: PropertyDescriptorMap = {
  toString: { value: sizeString },
  numel: { value: sizeNumel },
  [Symbol.for('nodejs.util.inspect.custom')]: { value: sizeString },
};

/**
 * `torch.Size(dims)`: a new Size.
 *
 * @example
 * String(torch.zeros(2, 3).shape); // 'torch.Size([2, 3])'
 * torch.Size([2, 3]).numel();      // 6
 */
export function Size(dims: readonly number[] = []): Size {
  return Object.defineProperties([...dims], SIZE_PROPS) as unknown as Size;
}

// Shapes seen so far, as a trie over the dims; emptied past LIMIT so odd workloads cannot grow it without bound.
interface Node { size?: Size; next?: Map<number, Node> }
let root: Node = {};
let count = 0;
const LIMIT = 1 << 16;

/** The shared Size holding `dims` (what `t.shape` is). */
export function internSize(dims: readonly number[]): Size {
  let n = root;
  for (let i = 0; i < dims.length; i++) {
    const next = n.next ?? (n.next = new Map());
    let child = next.get(dims[i]);
    if (!child) next.set(dims[i], (child = {}));
    n = child;
  }
  if (n.size) return n.size;
  if (++count > LIMIT) { root = {}; count = 0; }
  return (n.size = Size(dims));
}
