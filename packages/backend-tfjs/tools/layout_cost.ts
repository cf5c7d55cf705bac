/**
 * What the NCHW <-> NHWC conversion at the conv/pool boundary costs on the active tfjs backend:
 * the tfjs device's kernels (transposes included) against the bare NHWC tfjs kernel on tensors
 * already in NHWC (what an NHWC storage flag would give). Not a test: timings vary with the load.
 * Run: node --conditions=@flambeau/source --import tsx packages/backend-tfjs/tools/layout_cost.ts
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { type Pool2dAttrs, type Storage, type StridedView, contiguousStrides } from '@flambeau/tensor';
import { tfjs, useTfjs } from '../src/index.js';

await useTfjs('cpu');

function time(fn: () => void, reps: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

function view(shape: number[]): StridedView {
  const n = shape.reduce((a, b) => a * b, 1);
  const s = tfjs.fromArray(Float32Array.from({ length: n }, () => Math.random() - 0.5), 'float32');
  return { storage: s, dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0 };
}

const done = (r: Storage | Storage[]) => { for (const s of [r].flat()) { tfjs.readSync!(s); tfjs.dispose(s); } };
const line = (what: string, ours: number, bare: number) =>
  `${what}: ${ours.toFixed(2)} ms on the tfjs device, ${bare.toFixed(2)} ms bare NHWC kernel (layout conversion and wrapping: ${(((ours - bare) / ours) * 100).toFixed(0)}% of the op)`;

const cases = [
  { name: 'LeNet conv1', x: [4, 1, 32, 32], w: [6, 1, 3, 3], reps: 40 },
  { name: 'LeNet conv2', x: [4, 6, 15, 15], w: [16, 6, 3, 3], reps: 40 },
  { name: 'CIFAR-sized', x: [16, 32, 32, 32], w: [64, 32, 3, 3], reps: 3 },
];
const conv = { stride: [1, 1] as [number, number], padding: [0, 0] as [number, number], dilation: [1, 1] as [number, number], groups: 1 };
const pool: Pool2dAttrs = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false, countIncludePad: true };
for (const c of cases) {
  const x = view(c.x);
  const w = view(c.w);
  const xNHWC = tf.randomNormal([c.x[0], c.x[2], c.x[3], c.x[1]]) as tf.Tensor4D;
  const wHWIO = tf.randomNormal([c.w[2], c.w[3], c.w[1], c.w[0]]) as tf.Tensor4D;
  const shape = `${c.x.join('x')} * ${c.w.join('x')}`;
  console.log(line(`${c.name} conv2d ${shape}`, time(() => done(tfjs.conv2d(x, w, conv)), c.reps),
    time(() => tf.tidy(() => { tf.conv2d(xNHWC, wHWIO, 1, 'valid').dataSync(); }), c.reps)));
  const yShape = [c.x[0], c.w[0], c.x[2] - c.w[2] + 1, c.x[3] - c.w[3] + 1];
  const y = view(yShape);
  const yNHWC = tf.randomNormal([yShape[0], yShape[2], yShape[3], yShape[1]]) as tf.Tensor4D;
  const bare = (kernel: string, inputs: tf.NamedTensorMap, attrs: object) => () => tf.tidy(() => {
    (tf.engine().runKernel(kernel, inputs, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', ...attrs } as tf.NamedAttrMap) as tf.Tensor).dataSync();
  });
  console.log(line(`${c.name} conv2dBackwardInput`, time(() => done(tfjs.conv2dBackwardInput(y, w, c.x, conv)), c.reps),
    time(bare('Conv2DBackpropInput', { dy: yNHWC, filter: wHWIO }, { inputShape: xNHWC.shape }), c.reps)));
  console.log(line(`${c.name} conv2dBackwardWeight`, time(() => done(tfjs.conv2dBackwardWeight(y, x, c.w, conv)), c.reps),
    time(bare('Conv2DBackpropFilter', { x: xNHWC, dy: yNHWC }, { filterShape: wHWIO.shape }), c.reps)));
  const xT = tf.randomNormal(c.x);
  const wT = tf.randomNormal(c.w);
  const yT = tf.randomNormal([yShape[0], yShape[2], yShape[3], yShape[1]]);
  const transposes = time(() => tf.tidy(() => {
    tf.transpose(xT, [0, 2, 3, 1]).dataSync();
    tf.transpose(wT, [2, 3, 1, 0]).dataSync();
    tf.transpose(yT, [0, 3, 1, 2]).dataSync();
  }), c.reps);
  console.log(`  the three transposes of one conv pass alone: ${transposes.toFixed(2)} ms`);
  console.log(line(`${c.name} avgPool2d 2x2 of ${c.x.join('x')}`, time(() => done(tfjs.avgPool2d(x, pool)), c.reps),
    time(() => tf.tidy(() => { tf.avgPool(xNHWC, 2, 2, 'valid').dataSync(); }), c.reps)));
  console.log(line(`${c.name} maxPool2d 2x2 (an unfold, no transposes; bare: MaxPool without indices)`, time(() => done(tfjs.maxPool2d(x, pool)), c.reps),
    time(() => tf.tidy(() => { tf.maxPool(xNHWC, 2, 2, 'valid').dataSync(); }), c.reps)));
}
