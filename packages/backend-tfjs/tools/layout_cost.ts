/**
 * What the NCHW <-> NHWC conversion at the conv/pool boundary costs on the active tfjs backend:
 * each op timed as the tfjs device runs it (transpose in, kernel, transpose out) and as the bare
 * NHWC kernel on pre-transposed tensors. Run: node --conditions=@flambeau/source --import tsx
 * packages/backend-tfjs/tools/layout_cost.ts [cpu]
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { useTfjs } from '../src/index.js';

await useTfjs((process.argv[2] as 'cpu') ?? 'cpu');

function time(fn: () => void, reps: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

const cases = [
  { name: 'LeNet conv1 4x1x32x32 * 6x1x3x3', x: [4, 1, 32, 32], w: [6, 1, 3, 3] },
  { name: 'LeNet conv2 4x6x15x15 * 16x6x3x3', x: [4, 6, 15, 15], w: [16, 6, 3, 3] },
  { name: 'CIFAR-ish 16x32x32x32 * 64x32x3x3', x: [16, 32, 32, 32], w: [64, 32, 3, 3] },
];
const conv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, 1, 'valid');
for (const c of cases) {
  const xNCHW = tf.randomNormal(c.x) as tf.Tensor4D;
  const wOIHW = tf.randomNormal(c.w) as tf.Tensor4D;
  const xNHWC = tf.transpose(xNCHW, [0, 2, 3, 1]);
  const wHWIO = tf.transpose(wOIHW, [2, 3, 1, 0]);
  const reps = c.x[0] * c.x[1] > 100 ? 5 : 40;
  const bare = time(() => tf.tidy(() => { conv(xNHWC, wHWIO).dataSync(); }), reps);
  const converted = time(() => tf.tidy(() => {
    tf.transpose(conv(tf.transpose(xNCHW, [0, 2, 3, 1]), tf.transpose(wOIHW, [2, 3, 1, 0])), [0, 3, 1, 2]).dataSync();
  }), reps);
  const pool = time(() => tf.tidy(() => { tf.maxPool(xNHWC, 2, 2, 'valid').dataSync(); }), reps);
  const poolConv = time(() => tf.tidy(() => {
    tf.transpose(tf.maxPool(tf.transpose(xNCHW, [0, 2, 3, 1]), 2, 2, 'valid'), [0, 3, 1, 2]).dataSync();
  }), reps);
  const pct = (a: number, b: number) => `${(((a - b) / a) * 100).toFixed(0)}%`;
  console.log(`${c.name}: conv ${bare.toFixed(2)} ms bare, ${converted.toFixed(2)} ms with layout conversion (${pct(converted, bare)} of the op); ` +
    `maxPool 2x2 ${pool.toFixed(2)} ms bare, ${poolConv.toFixed(2)} ms converted (${pct(poolConv, pool)})`);
}
