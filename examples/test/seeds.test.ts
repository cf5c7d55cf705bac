import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('..', import.meta.url));
const expectedDir = `${dir}expected/`;

/** Splits text into number tokens and the text between them. */
function tokens(s: string): { text: string[]; nums: number[] } {
  const nums: number[] = [];
  const text = s.split(/(-?\d+\.?\d*(?:e[+-]?\d+)?)/).filter((t, i) => {
    if (i % 2 === 1) nums.push(Number(t));
    return i % 2 === 0;
  });
  return { text, nums };
}

/**
 * Each seed program prints what its PyTorch original prints (tools/seeds/*.py wrote expected/).
 * Text must be identical; printed numbers may differ in the last printed digit, since float32
 * sums are not associative and PyTorch's kernels order them differently.
 */
describe('seed programs print what PyTorch prints', () => {
  for (const file of readdirSync(expectedDir).filter((f) => f.endsWith('.txt'))) {
    const name = file.replace(/\.txt$/, '');
    it(name, () => {
      const out = execFileSync(process.execPath, ['--conditions=@flambeau/source', '--import', 'tsx', `${dir}${name}.ts`], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 240_000,
      });
      const want = readFileSync(`${expectedDir}${file}`, 'utf8');
      if (out === want) return;
      const a = tokens(out);
      const b = tokens(want);
      expect(a.text).toEqual(b.text);
      expect(a.nums.length).toBe(b.nums.length);
      a.nums.forEach((v, i) => expect(Math.abs(v - b.nums[i])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(b.nums[i]))));
    }, 300_000);
  }
});
