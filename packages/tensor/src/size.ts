/**
 * `torch.Size`: a tensor's shape, an array of ints that prints as PyTorch's (`torch.Size([2, 3])`).
 * Each tensor makes its Size once, when it is made (`t.shape`); methods that derive arrays from it
 * (`map`, `slice`, `concat`) give plain arrays.
 *
 * @example
 * String(torch.zeros(2, 3).shape); // 'torch.Size([2, 3])'
 * new torch.Size([2, 3]).numel();  // 6
 */
export class Size extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor { return Array; }

  constructor(dims: readonly number[] = []) {
    // Filled element by element: `super(...dims)` would read a lone dim as a length.
    super(dims.length);
    for (let i = 0; i < dims.length; i++) this[i] = dims[i];
  }
  /** `torch.Size.numel()`: the product of the dims (1 for `torch.Size([])`). */
  numel(): number {
    let n = 1;
    for (let i = 0; i < this.length; i++) n *= this[i];
    return n;
  }
  override toString(): string { return `torch.Size([${this.join(', ')}])`; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}
