/**
 * Writes a small CIFAR-10 in the exact binary layout (no registry ships the real one), byte for
 * byte what tools/seeds/synthetic_cifar.py writes, so the seed programs and their PyTorch
 * originals read the same data.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function lcgBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    out[i] = (s >>> 16) & 0xff;
  }
  return out;
}

export function writeCifar10(root: string, perFile: number): void {
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat('test_batch.bin');
  names.forEach((name, k) => {
    const raw = lcgBytes(k + 1, perFile * 3073);
    for (let r = 0; r < perFile; r++) raw[r * 3073] %= 10;
    writeFileSync(join(dir, name), raw);
  });
}
