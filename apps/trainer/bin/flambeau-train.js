#!/usr/bin/env node
// Runs the TypeScript sources: tsx compiles them on load, and a resolve hook adds the
// '@flambeau/source' export condition so workspace packages resolve to their src/ too.
import { register } from 'node:module';

register('./source-condition.js', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
await import('../src/cli.ts');
