/**
 * The name a class prints under, as Python's `type(x).__name__`: the class's own static
 * `__name__` when it declares one, else its JavaScript `name`. Bundlers and minifiers rename
 * classes (`_Sequential`, `t`), so every Flambeau class that prints its name or names an error
 * declares `static readonly __name__`; your own subclasses may too.
 *
 * @example
 * class Net extends nn.Module { static override readonly __name__ = 'Net'; }
 * className(Net); // 'Net', even after minification
 */
export function className(cls: Function): string {
  return Object.hasOwn(cls, '__name__') ? String((cls as { __name__?: unknown }).__name__) : cls.name;
}
