// What the host offers, read without importing Node modules, so the package loads in browsers.

/** A Node built-in module, or undefined in browsers (no `process.getBuiltinModule` there). */
export function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

/** An environment variable in Node; undefined elsewhere. */
export function envVar(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}
