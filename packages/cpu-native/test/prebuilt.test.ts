import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { getCpuKernels, getNumThreads, setNumThreads } from '@flambeau/tensor';

const build = fileURLToPath(new URL('../build.mjs', import.meta.url));
const native = createRequire(import.meta.url)('../index.cjs') as { isa(): string; getNumThreads(): number };

it('the committed binary is a fresh build of src/ (gcc 12.2, Node-API headers)', (ctx) => {
  // build.mjs exits 3 without gcc 12.2 (CI installs Debian's), 1 naming the fix when the bytes differ.
  try {
    execFileSync(process.execPath, [build, '--check'], { stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    const { status, stderr } = e as { status: number; stderr: string };
    if (status === 3) ctx.skip(stderr.trim());
    throw new Error(stderr);
  }
});

it('loads in Node 20 and reports the widest instruction set this CPU runs', () => {
  const flags = execFileSync('grep', ['-m1', '^flags', '/proc/cpuinfo'], { encoding: 'utf8' });
  const want = /\bavx512f\b/.test(flags) ? 'avx512' : /\bavx2\b/.test(flags) && /\bfma\b/.test(flags) ? 'avx2' : 'sse2';
  expect(native.isa()).toBe(want);
});

it('is the CPU backend\'s default kernels, and follows torch.setNumThreads', () => {
  expect(getCpuKernels()).toBe('native');
  const before = getNumThreads();
  try {
    setNumThreads(3);
    expect(native.getNumThreads()).toBe(3);
  } finally {
    setNumThreads(before);
  }
  expect(native.getNumThreads()).toBe(before);
});
