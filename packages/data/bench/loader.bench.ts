/**
 * DataLoader throughput on CIFAR-shaped data: batches of 64 through
 * RandomCrop(32, padding=4) + RandomHorizontalFlip + ToTensor + Normalize, with numWorkers 0 and 2.
 * Not a test. Run: node --conditions=@flambeau/source --import tsx packages/data/bench/loader.bench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader, datasets, transforms as T } from '../src/index.js';

const N = 10_000;
const root = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
const dir = join(root, 'cifar-10-batches-bin');
mkdirSync(dir);
// A test_batch.bin in CIFAR-10's binary layout: label byte + 3072 pixel bytes per record.
const buf = Buffer.alloc(N * 3073);
for (let i = 0; i < N; i++) {
  buf[i * 3073] = i % 10;
  for (let p = 0; p < 3072; p++) buf[i * 3073 + 1 + p] = (p * 31 + i * 17) & 255;
}
writeFileSync(join(dir, 'test_batch.bin'), buf);

const transform = new T.Compose([
  new T.RandomCrop(32, { padding: 4 }),
  new T.RandomHorizontalFlip(),
  new T.ToTensor(),
  new T.Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
]);
const ds = new datasets.CIFAR10(root, { train: false, transform });

async function measure(numWorkers: number, epochs: number): Promise<number> {
  const loader = new DataLoader(ds, { batchSize: 64, shuffle: true, numWorkers, persistentWorkers: numWorkers > 0 });
  let images = 0;
  for await (const [x] of loader) images += x.shape[0]; // warm-up epoch (starts the workers)
  images = 0;
  const t0 = performance.now();
  for (let e = 0; e < epochs; e++) for await (const [x, y] of loader) { images += x.shape[0]; if (y.shape[0] !== x.shape[0]) throw new Error('bad batch'); }
  const s = (performance.now() - t0) / 1000;
  await loader.shutdown();
  return images / s;
}

for (const w of [0, 2]) {
  const rate = await measure(w, 3);
  console.log(`numWorkers=${w}: ${Math.round(rate).toLocaleString('en-US')} images/s (batch 64, 32x32x3, RandomCrop+Flip+ToTensor+Normalize)`);
}
rmSync(root, { recursive: true, force: true });
