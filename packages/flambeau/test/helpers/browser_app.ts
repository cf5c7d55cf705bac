/**
 * The program the browser tests bundle: `import { torch, nn, optim, data } from 'flambeau'`, a few
 * training steps with a main-thread DataLoader, and the things bundlers used to break (class names
 * in printouts and errors). It leaves its result on `window.__flambeau`.
 */
import { regression } from './regression.js';

export const BROWSER_APP = `
import { torch, nn, optim, data } from 'flambeau';

async function main() {
${regression({
    net: 'new nn.Sequential(new nn.Linear(3, 8), new nn.Tanh(), new nn.Linear(8, 1))',
    optimizer: 'new optim.Adam(net.parameters(), { lr: 0.05 })',
    loader: '{ batchSize: 16, shuffle: true }',
    epochs: 8,
  })}
  let error;
  try { new nn.Linear(2, 3)(torch.ones(4, 5)); } catch (e) { error = e.name + ': ' + e.message; }
  let workers;
  try { for await (const _ of new data.DataLoader(new data.TensorDataset(x), { numWorkers: 2 })) break; } catch (e) { workers = e.message; }
  const img = new data.transforms.ToTensor()(data.makeImage(2, 2, 1, new Uint8Array([0, 51, 102, 255])));
  return { losses, repr: String(net), optimizer: String(opt).split('\\n')[0], error, workers, image: JSON.stringify(img), hasMnist: 'MNIST' in data.datasets };
}
window.__flambeau = main().catch((e) => ({ crash: String(e && e.stack || e) }));
`;
