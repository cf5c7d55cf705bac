import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { skipReason } from './helpers.js';

// Dawn (npm webgpu 0.6.2) killed the process when its GPU object was garbage-collected while a
// device was in use (see src/device.ts). The loop runs in a child process with forced GCs.
it.skipIf(skipReason !== null)(`Dawn soak: 2 000 readback steps with busy JS and forced GCs${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const child = fileURLToPath(new URL('./soak-child.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--expose-gc', '--conditions=@flambeau/source', '--import', 'tsx', child], {
    encoding: 'utf8', timeout: 90_000, cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const tail = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => !l.startsWith('Warning: maxDynamic')).slice(-8).join('\n');
  expect({ status: r.status, signal: r.signal, tail }).toMatchObject({ status: 0, signal: null });
  expect(r.stdout).toMatch(/soak ok: 2000 steps, value -?\d/);
}, 120_000);
