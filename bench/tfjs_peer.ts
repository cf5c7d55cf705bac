/**
 * TensorFlow.js on the same cases as bench/run.ts (its CPU and WebAssembly backends, one thread:
 * tfjs-backend-wasm starts no worker threads in Node). Returns a case's step function, or the
 * reason it cannot run it.
 */
import * as tf from '@tensorflow/tfjs-core';
// The gradients are registered by the union package (tfjs-core's Node bundle has none).
import * as tfl from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type TfBackend = 'cpu' | 'wasm';

const NO_BACKPROP_FILTER = 'cannot train convolutions: tfjs-backend-wasm has no Conv2DBackpropFilter kernel';
const CPU_CONV_SLOW = 'not run: tfjs-backend-cpu convolutions are plain JS, ~40x slower than the rest (conv2d row)';

export interface BenchCase { name: string; kind: string; [k: string]: unknown }

/** Switches tfjs to `backend` (the WASM one compiles its module on first use). */
export async function useTf(backend: TfBackend): Promise<void> {
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tfjs backend ${backend} did not initialise`);
  await tf.ready();
}

function mlpStep(batch: number): () => void {
  const init = (shape: number[], fanIn: number) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const w1 = init([784, 128], 784), b1 = init([128], 784), w2 = init([128, 10], 128), b2 = init([10], 128);
  const x = tf.randomUniform([batch, 784]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const opt = tf.train.adam(1e-3);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)), true);
    loss?.dispose();
  };
}

/** A `tf.sequential` model of the seed CIFAR CNN or LeNet, NHWC (tfjs's layout), same layers as bench/models.ts. */
function tfModel(model: string): { net: tfl.Sequential; input: number[] } {
  const L = tfl.layers;
  if (model === 'cnn') {
    const net = tfl.sequential({ layers: [
      L.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 5, padding: 'same' }), L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 32, kernelSize: 5, padding: 'same' }), L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 64, kernelSize: 5, padding: 'same' }), L.maxPooling2d({ poolSize: 2 }),
      L.flatten(), L.dense({ units: 64 }), L.dense({ units: 10 }),
    ] });
    return { net, input: [32, 32, 3] };
  }
  const net = tfl.sequential({ layers: [
    L.conv2d({ inputShape: [32, 32, 1], filters: 6, kernelSize: 3, activation: 'relu' }), L.maxPooling2d({ poolSize: 2 }),
    L.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }), L.maxPooling2d({ poolSize: 2 }),
    L.flatten(), L.dense({ units: 120, activation: 'relu' }), L.dense({ units: 84, activation: 'relu' }), L.dense({ units: 10 }),
  ] });
  return { net, input: [32, 32, 1] };
}

function trainStep(model: string, batch: number): () => void {
  const { net, input } = tfModel(model);
  const x = tf.randomUniform([batch, ...input]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const opt = tf.train.sgd(0.01);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.apply(x) as tf.Tensor), true);
    loss?.dispose();
  };
}

/** A case's step on the current tfjs backend, or why it cannot run. */
export function tfCase(c: BenchCase, backend: TfBackend): (() => void) | string {
  switch (c.kind) {
    case 'matmul': {
      const a = tf.randomUniform([c.m as number, c.k as number]);
      const b = tf.randomUniform([c.k as number, c.n as number]);
      return () => tf.tidy(() => void tf.matMul(a, b).dataSync());
    }
    case 'add': {
      const a = tf.randomUniform(c.shape as number[]);
      const b = tf.randomUniform(c.shape as number[]);
      return () => tf.tidy(() => void tf.add(a, b).dataSync());
    }
    case 'sum': {
      const a = tf.randomUniform(c.shape as number[]);
      return () => tf.tidy(() => void tf.sum(a, c.dim as number).dataSync());
    }
    case 'conv2d': {
      // tfjs is NHWC with HWIO filters; same arithmetic.
      const [n, ci, h, w] = c.x as number[];
      const [co, , kh, kw] = c.w as number[];
      const x = tf.randomUniform([n, h, w, ci]) as tf.Tensor4D;
      const f = tf.randomUniform([kh, kw, ci, co]) as tf.Tensor4D;
      return () => tf.tidy(() => void tf.conv2d(x, f, 1, c.padding as number).dataSync());
    }
    case 'conv2d_bwd':
      return backend === 'wasm' ? NO_BACKPROP_FILTER : CPU_CONV_SLOW;
    case 'train':
      if (c.model === 'mlp') return mlpStep(c.batch as number);
      if (backend === 'wasm') return NO_BACKPROP_FILTER;
      return c.model === 'cnn' ? 'not run: over 60 s per step on tfjs-backend-cpu (PERF-NOTES)' : trainStep(c.model as string, c.batch as number);
    case 'infer': {
      if (backend === 'cpu') return CPU_CONV_SLOW;
      const { net, input } = tfModel(c.model as string);
      const x = tf.randomUniform([c.batch as number, ...input]);
      return () => tf.tidy(() => void (net.predict(x) as tf.Tensor).dataSync());
    }
    default:
      return 'no such case';
  }
}
