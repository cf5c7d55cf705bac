/**
 * `import { torch, nn, optim, data } from 'flambeau'` bundles for the browser (esbuild and Vite,
 * minified) and trains in headless Chromium, with no request leaving the page; importing single
 * classes from the packages leaves the rest out of the bundle.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_APP } from './helpers/browser_app.js';
import { repoRoot } from './helpers/registry.js';

const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'http://flambeau.test';
// The workspace resolves its packages to their TypeScript sources under this condition.
const SOURCE = '@flambeau/source';
const pkgDir = join(repoRoot, 'packages/flambeau');

let browser: Browser;
let work: string;
/** An app folder that depends on flambeau (linked to the workspace package, as pnpm links it). */
let app: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  work = mkdtempSync(join(tmpdir(), 'flambeau-browser-'));
  app = join(work, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(pkgDir, join(app, 'node_modules/flambeau'), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(app, 'main.js'), BROWSER_APP);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
}, 30_000);

/** Opens the page on a fake origin served from memory; every other request is refused and recorded. */
async function runPage(files: Record<string, string>): Promise<{ result: Record<string, unknown>; outside: string[] }> {
  const context = await browser.newContext();
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const body = url.origin === ORIGIN ? files[url.pathname] : undefined;
    if (body === undefined) {
      outside.push(url.href);
      return route.abort();
    }
    const type = url.pathname.endsWith('.html') ? 'text/html' : 'text/javascript';
    return route.fulfill({ status: 200, contentType: type, body });
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => (window as { __flambeau?: unknown }).__flambeau !== undefined, null, { timeout: 60_000 });
    const result = (await page.evaluate(() => (window as unknown as { __flambeau: Promise<unknown> }).__flambeau)) as Record<string, unknown>;
    expect(errors).toEqual([]);
    return { result, outside };
  } finally {
    await context.close();
  }
}

function checkTrained(result: Record<string, unknown>): void {
  expect(result.crash).toBeUndefined();
  const losses = result.losses as number[];
  expect(losses).toHaveLength(8);
  expect(losses.at(-1)!).toBeLessThan(losses[0] / 5);
  // PyTorch's printouts and error, although the minifier renamed every class.
  expect(result.repr).toBe('Sequential(\n  (0): Linear(in_features=3, out_features=8, bias=True)\n  (1): Tanh()\n  (2): Linear(in_features=8, out_features=1, bias=True)\n)');
  expect(result.optimizer).toBe('Adam (');
  expect(result.error).toBe('RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x5 and 2x3)');
  expect(result.workers).toMatch(/numWorkers > 0 needs Node.js worker threads/);
  expect(JSON.parse(result.image as string)).toEqual([[[0, Math.fround(0.2)], [Math.fround(0.4), 1]]]); // float32, as tolist() gives
  expect(result.hasMnist).toBe(false);
}

describe('the browser bundle', () => {
  it('esbuild: bundles, minified, and trains in Chromium', async () => {
    const out = await esbuild({
      entryPoints: [join(app, 'main.js')],
      bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
      conditions: [SOURCE], write: false, logLevel: 'silent',
    });
    const js = out.outputFiles[0].text;
    console.log(`esbuild bundle: ${(js.length / 1024).toFixed(0)} KB, ${(gzipSync(js).length / 1024).toFixed(0)} KB gzip`);
    const { result, outside } = await runPage({
      '/index.html': '<!doctype html><script type="module" src="/main.js"></script>',
      '/main.js': js,
    });
    checkTrained(result);
    expect(outside).toEqual([]);
  }, 120_000);

  it('Vite: builds, minified, and trains in Chromium', async () => {
    const dist = join(work, 'vite-dist');
    await viteBuild({
      root: app, configFile: false, logLevel: 'silent', base: '/',
      resolve: { conditions: [SOURCE, 'module', 'browser', 'production'] },
      build: { outDir: dist, minify: true, target: 'es2022', emptyOutDir: true },
    });
    const served: Record<string, string> = { '/index.html': readFileSync(join(dist, 'index.html'), 'utf8') };
    for (const f of readdirSync(join(dist, 'assets'))) served[`/assets/${f}`] = readFileSync(join(dist, 'assets', f), 'utf8');
    const { result, outside } = await runPage(served);
    checkTrained(result);
    expect(outside).toEqual([]);
  }, 120_000);

  it('tree-shakes the layers and optimizers a program does not import', async () => {
    const bundle = async (contents: string) => (await esbuild({
      stdin: { contents, resolveDir: pkgDir, sourcefile: 'shake.js' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', conditions: [SOURCE], write: false, logLevel: 'silent',
    })).outputFiles[0].text;
    const nn = await bundle("import { Linear } from '@flambeau/nn'; import { ones } from '@flambeau/tensor'; console.log(String(new Linear(2, 1, { bias: false })(ones(1, 2)).shape));");
    expect(nn).not.toMatch(/MultiheadAttention|TransformerEncoderLayer|BatchNorm2d|GRUCell/);
    const optim = await bundle("import { SGD } from '@flambeau/optim'; import { zeros } from '@flambeau/tensor'; console.log(new SGD([zeros(1, { requiresGrad: true })], { lr: 1 }).paramGroups.length);");
    expect(optim).not.toMatch(/RAdam|LBFGS|CosineAnnealingLR|Adagrad/);
    // What stays still runs: the CPU backend and the autograd interceptor register themselves.
    expect(execFileSync(process.execPath, ['--input-type=module'], { input: nn, encoding: 'utf8' }).trim()).toBe('torch.Size([1, 1])');
    expect(execFileSync(process.execPath, ['--input-type=module'], { input: optim, encoding: 'utf8' }).trim()).toBe('1');
  }, 60_000);
});
