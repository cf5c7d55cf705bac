/**
 * DataLoader throughput on CIFAR-shaped data: batches of 64 through RandomCrop(32, padding=4) +
 * RandomHorizontalFlip + ToTensor + Normalize, as images/s after a warm-up epoch.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data } from 'flambeau';

/** Writes `n` CIFAR-10 records (label byte + 3072 pixel bytes); torch_bench.py writes the same bytes. */
export function writeBenchCifar(n: number): string {
  const root = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir);
  const buf = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    buf[i * 3073] = i % 10;
    for (let p = 0; p < 3072; p++) buf[i * 3073 + 1 + p] = (p * 31 + i * 17) & 255;
  }
  writeFileSync(join(dir, 'test_batch.bin'), buf);
  return root;
}

export async function loaderThroughput(root: string, numWorkers: number, epochs = 3): Promise<number> {
  const T = data.transforms;
  const transform = new T.Compose([
    new T.RandomCrop(32, { padding: 4 }),
    new T.RandomHorizontalFlip(),
    new T.ToTensor(),
    new T.Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]),
  ]);
  const ds = new data.datasets.CIFAR10(root, { train: false, transform });
  const loader = new data.DataLoader(ds, { batchSize: 64, shuffle: true, numWorkers, persistentWorkers: numWorkers > 0 });
  for await (const _ of loader); // warm-up epoch (starts the workers)
  let images = 0;
  const t0 = performance.now();
  for (let e = 0; e < epochs; e++) for await (const [x] of loader) images += x.shape[0];
  const s = (performance.now() - t0) / 1000;
  await loader.shutdown();
  return images / s;
}
