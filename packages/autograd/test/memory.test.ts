import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./memory/train_loop.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('memory', () => {
  // A child process gets `--expose-gc`, so the heap is measured after full collections.
  it('a 10 000-step forward+backward loop does not grow the heap', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--conditions=@flambeau/source', '--import', 'tsx', script, '10000'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000,
    });
    const { early, late } = JSON.parse(out.trim().split('\n').pop()!) as { early: number; late: number };
    // Graphs of finished steps must be collectable: at most 1 MB of drift over 9 000 steps.
    expect(late - early).toBeLessThan(1 << 20);
  });
});
