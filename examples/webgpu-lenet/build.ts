// Bundles main.ts (and the Flambeau sources it imports) into main.js next to index.html:
//   node --import tsx examples/webgpu-lenet/build.ts, then serve examples/webgpu-lenet/ over http.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Builds the page script; returns the output path. */
export async function buildPage(outfile = `${here}main.js`): Promise<string> {
  await build({
    entryPoints: [`${here}main.ts`], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    conditions: ['@flambeau/source'], outfile, logLevel: 'warning',
  });
  return outfile;
}
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildPage());
