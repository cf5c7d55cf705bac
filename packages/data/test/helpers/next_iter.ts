// Child process of dataloader_exit.test.ts: PyTorch's `next(iter(loader))` idiom with workers.
// The script takes one batch and drops the iterator; the process must then exit by itself.
import { DataLoader } from '../../src/dataloader.js';
import { StallingDataset } from './slow_dataset.js';

const persistent = process.argv[2] === 'persistent';
const loader = new DataLoader(new StallingDataset(64, 1e9), { batchSize: 4, numWorkers: 2, persistentWorkers: persistent });
const it = loader[Symbol.asyncIterator]();
const first = await it.next();
process.stdout.write(`${JSON.stringify((first.value as { tolistSync(): unknown }[])[0].tolistSync())}\n`);
