// A module resolve hook (node:module register): resolves workspace packages through their
// '@flambeau/source' export condition, as `node --conditions=@flambeau/source` does.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@flambeau/source') ? context.conditions : [...context.conditions, '@flambeau/source'];
  return nextResolve(specifier, { ...context, conditions });
}
