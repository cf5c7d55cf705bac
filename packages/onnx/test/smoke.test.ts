import { expect, it } from 'vitest';
import { manualSeed, randn } from '@flambeau/tensor';
import * as nn from '@flambeau/nn';
import { exportAndCompare } from './ort_helpers.js';

it('smoke', async () => {
  manualSeed(0);
  const net = new nn.Sequential(new nn.Conv2d(3, 8, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8 * 14 * 14, 10));
  const { maxDiff } = await exportAndCompare(net, [randn(2, 3, 32, 32)], [randn(5, 3, 32, 32)], { dynamicAxes: { input: [0], output: [0] } });
  console.log(maxDiff);
  expect(maxDiff).toBeLessThan(1e-4);
});
