// Builds prebuilt/flambeau_cpu.node from src/*.c with the system's gcc and Node-API headers
// (the node-api-headers package, so no Node source download is needed).
//   node build.mjs          rebuild the committed binary (written atomically)
//   node build.mjs --check  rebuild in a temporary folder and fail if the committed binary differs
// Files named *_avx512.c / *_avx2.c are compiled for that instruction set; the code calling
// them checks the CPU first (fl_has_avx512 / fl_has_avx2). Everything else is baseline x86-64.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const headers = join(dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json')), 'include');
const OUT = join(here, 'prebuilt', 'flambeau_cpu.node');
/** The compiler the committed binary is built with; another version gives other bytes. */
const GCC = '12.2.0';
const ISA = {
  avx512: ['-mavx512f', '-mavx512vl', '-mavx512dq', '-mavx512bw', '-mavx2', '-mfma'],
  avx2: ['-mavx2', '-mfma'],
};
const CFLAGS = ['-O3', '-std=gnu11', '-fPIC', '-fvisibility=hidden', '-ffp-contract=off', '-fno-math-errno',
  '-Wall', '-Wextra', '-Werror', `-ffile-prefix-map=${here}=.`, '-I', headers];

function build(outFile, work) {
  const sources = readdirSync(join(here, 'src')).filter((f) => f.endsWith('.c')).sort();
  const objects = sources.map((f) => {
    const isa = /_(avx512|avx2)\.c$/.exec(f)?.[1];
    const obj = join(work, f.replace(/\.c$/, '.o'));
    execFileSync('gcc', [...CFLAGS, ...(isa ? ISA[isa] : []), '-c', join('src', f), '-o', obj], { cwd: here, stdio: 'inherit' });
    return obj;
  });
  execFileSync('gcc', ['-shared', '-pthread', '-Wl,--build-id=none', '-o', outFile, ...objects, '-lm'], { cwd: here, stdio: 'inherit' });
}

// Exit status 3: no gcc, or another version than the committed binary's (the check cannot tell).
let gcc = 'none';
try {
  gcc = execFileSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).trim();
} catch { /* no compiler */ }
if (gcc !== GCC) {
  console.error(`gcc ${gcc} here; the committed binary is built with gcc ${GCC} (Debian bookworm)`);
  process.exit(3);
}
const work = mkdtempSync(join(tmpdir(), 'flambeau-native-'));
try {
  const built = join(work, 'flambeau_cpu.node');
  build(built, work);
  if (process.argv.includes('--check')) {
    if (!readFileSync(built).equals(readFileSync(OUT))) {
      console.error('prebuilt/flambeau_cpu.node is not the build of src/: run `node packages/cpu-native/build.mjs`');
      process.exitCode = 1;
    }
  } else {
    const tmp = `${OUT}.tmp-${process.pid}`;
    writeFileSync(tmp, readFileSync(built));
    renameSync(tmp, OUT);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
