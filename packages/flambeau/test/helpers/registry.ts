/**
 * A throwaway npm registry for the release tests: Verdaccio on 127.0.0.1 (a free port, storage in
 * a temp folder), serving our packages from what we publish and everything else through npmjs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Registry {
  url: string;
  /** A user npmrc holding the registry and a publish token (pass as NPM_CONFIG_USERCONFIG). */
  npmrc: string;
  /** Where Verdaccio keeps the tarballs: `storage/<name>/<file>.tgz`. */
  storage: string;
  dir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with code ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`verdaccio did not answer on ${url} within 30 s:\n${log()}`);
}

export async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-registry-'));
  const storage = join(dir, 'storage');
  // Our names are never proxied, so npmjs's packages of the same name cannot leak in.
  writeFileSync(join(dir, 'config.yaml'), [
    `storage: ${JSON.stringify(storage)}`,
    'auth:',
    `  htpasswd: { file: ${JSON.stringify(join(dir, 'htpasswd'))}, max_users: 10 }`,
    'uplinks:',
    '  npmjs: { url: "https://registry.npmjs.org/" }',
    'packages:',
    "  'flambeau': { access: $all, publish: $authenticated }",
    "  '@flambeau/*': { access: $all, publish: $authenticated }",
    "  '**': { access: $all, proxy: npmjs }",
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = join(repoRoot, 'node_modules/verdaccio/bin/verdaccio');
  const child = spawn(process.execPath, [bin, '-c', join(dir, 'config.yaml'), '-l', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(hard);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child, () => output);
    const res = await fetch(`${url}-/user/org.couchdb.user:ci`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', password: `ci-${port}-${Date.now()}` }),
    });
    const { token } = (await res.json()) as { token?: string };
    if (!token) throw new Error(`verdaccio refused to create the publish user (${res.status})`);
    const npmrc = join(dir, 'npmrc');
    writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return { url, npmrc, storage, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
