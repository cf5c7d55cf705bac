/**
 * jax-js (`@jax-js/jax`, its WebAssembly backend, functions under `jit` as its docs recommend) on
 * the cases of bench/run.ts, timed by run.ts between the other engines. jax-js arrays are consumed
 * by the ops they enter, so every use but the last passes `.ref`. The training steps are the
 * models of bench/models.ts written functionally: one jitted function computes the loss, its
 * gradient (`valueAndGrad`) and the optimizer's update, and returns the new parameters.
 */
import * as jax from '@jax-js/jax';
import type { BenchCase } from './tfjs_peer.js';

const np = jax.numpy;
const lax = jax.lax;
type Arr = ReturnType<typeof np.ones>;

/** A parameter tensor drawn as PyTorch's default init does (uniform ±1/√fan_in). */
function param(key: Arr, shape: number[], fanIn: number): Arr {
  const b = 1 / Math.sqrt(fanIn);
  return jax.random.uniform(key, shape, { minval: -b, maxval: b });
}

type Layer = { kind: 'conv'; cin: number; cout: number; k: number; pad: number; relu: boolean }
  | { kind: 'pool' } | { kind: 'flatten' } | { kind: 'linear'; fin: number; fout: number; relu: boolean };

/** The layers of bench/models.ts's models, NCHW (jax-js's `lax.conv` layout, as PyTorch's). */
const MODELS: Record<string, { input: number[]; layers: Layer[]; adam: boolean }> = {
  cnn: {
    input: [3, 32, 32], adam: false, layers: [
      { kind: 'conv', cin: 3, cout: 32, k: 5, pad: 2, relu: false }, { kind: 'pool' },
      { kind: 'conv', cin: 32, cout: 32, k: 5, pad: 2, relu: false }, { kind: 'pool' },
      { kind: 'conv', cin: 32, cout: 64, k: 5, pad: 2, relu: false }, { kind: 'pool' }, { kind: 'flatten' },
      { kind: 'linear', fin: 1024, fout: 64, relu: false }, { kind: 'linear', fin: 64, fout: 10, relu: false },
    ],
  },
  lenet: {
    input: [1, 32, 32], adam: false, layers: [
      { kind: 'conv', cin: 1, cout: 6, k: 3, pad: 0, relu: true }, { kind: 'pool' },
      { kind: 'conv', cin: 6, cout: 16, k: 3, pad: 0, relu: true }, { kind: 'pool' }, { kind: 'flatten' },
      { kind: 'linear', fin: 576, fout: 120, relu: true }, { kind: 'linear', fin: 120, fout: 84, relu: true },
      { kind: 'linear', fin: 84, fout: 10, relu: false },
    ],
  },
  mlp: { input: [784], adam: true, layers: [{ kind: 'linear', fin: 784, fout: 128, relu: true }, { kind: 'linear', fin: 128, fout: 10, relu: false }] },
};

function initParams(layers: Layer[]): Arr[] {
  let key = jax.random.key(0);
  const next = () => {
    const [a, b] = jax.random.split(key);
    key = a;
    return b;
  };
  const ps: Arr[] = [];
  for (const l of layers) {
    if (l.kind === 'conv') {
      const fan = l.cin * l.k * l.k;
      ps.push(param(next(), [l.cout, l.cin, l.k, l.k], fan), param(next(), [l.cout], fan));
    } else if (l.kind === 'linear') {
      ps.push(param(next(), [l.fin, l.fout], l.fin), param(next(), [l.fout], l.fin));
    }
  }
  return ps;
}

function forward(layers: Layer[], ps: Arr[], x: Arr): Arr {
  let i = 0;
  for (const l of layers) {
    if (l.kind === 'conv') {
      const y = lax.conv(x, ps[i++], [1, 1], [[l.pad, l.pad], [l.pad, l.pad]]);
      x = np.add(y, np.reshape(ps[i++], [l.cout, 1, 1]));
      if (l.relu) x = jax.nn.relu(x);
    } else if (l.kind === 'pool') {
      x = lax.reduceWindow(x, (w) => np.max(w), [2, 2], [2, 2]);
    } else if (l.kind === 'flatten') {
      x = np.reshape(x, [x.shape[0], -1]);
    } else {
      x = np.add(np.matmul(x, ps[i++]), ps[i++]);
      if (l.relu) x = jax.nn.relu(x);
    }
  }
  return x;
}

/** Cross-entropy of logits against one-hot targets, averaged over the batch (nn.CrossEntropyLoss). */
const crossEntropy = (logits: Arr, y: Arr) => np.negative(np.mean(np.sum(np.multiply(y, jax.nn.logSoftmax(logits, -1)), -1)));

/** A training step of bench/models.ts's `model` at `batch`: SGD (lr 0.01) for the CNNs, Adam (lr 1e-3) for the MLP. */
function trainStep(model: string, batch: number): () => Promise<void> {
  const m = MODELS[model];
  let ps = initParams(m.layers);
  const x = jax.random.uniform(jax.random.key(1), [batch, ...m.input]);
  const y = jax.nn.oneHot(jax.random.randint(jax.random.key(2), { minval: 0, maxval: 10, shape: [batch] }), 10);
  const loss = (p: Arr[], xb: Arr, yb: Arr) => crossEntropy(forward(m.layers, p, xb), yb);
  if (!m.adam) {
    const step = jax.jit((p: Arr[], xb: Arr, yb: Arr) => {
      const [l, g] = jax.valueAndGrad(loss)(p.map((w) => w.ref), xb, yb);
      return [l, p.map((w, i) => np.subtract(w, np.multiply(g[i], 0.01)))] as [Arr, Arr[]];
    });
    return async () => {
      const [l, next] = step(ps, x.ref, y.ref);
      ps = next;
      await jax.blockUntilReady(l);
      l.dispose();
    };
  }
  // Adam (PyTorch's defaults): the bias corrections enter as scalars, so one trace serves every step.
  let ms = ps.map((w) => np.zerosLike(w.ref)), vs = ps.map((w) => np.zerosLike(w.ref)), t = 0;
  const b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 1e-3;
  const step = jax.jit((p: Arr[], m1: Arr[], v1: Arr[], xb: Arr, yb: Arr, c1: Arr, c2: Arr) => {
    const [l, g] = jax.valueAndGrad(loss)(p.map((w) => w.ref), xb, yb);
    const m2 = m1.map((mi, i) => np.add(np.multiply(mi, b1), np.multiply(g[i].ref, 1 - b1)));
    const v2 = v1.map((vi, i) => np.add(np.multiply(vi, b2), np.multiply(np.square(g[i]), 1 - b2)));
    const p2 = p.map((w, i) => np.subtract(w, np.divide(np.multiply(m2[i].ref, c1.ref), np.add(np.sqrt(np.multiply(v2[i].ref, c2.ref)), eps))));
    c1.dispose();
    c2.dispose();
    return [l, p2, m2, v2] as [Arr, Arr[], Arr[], Arr[]];
  });
  return async () => {
    t += 1;
    const c1 = np.array(lr / (1 - b1 ** t)), c2 = np.array(1 / (1 - b2 ** t));
    const [l, p2, m2, v2] = step(ps, ms, vs, x.ref, y.ref, c1, c2);
    ps = p2;
    ms = m2;
    vs = v2;
    await jax.blockUntilReady(l);
    l.dispose();
  };
}

const JAX_CONV_SLOW = "not run: jax-js's WebAssembly convolution takes seconds per layer at these shapes (conv2d rows)";

/** A case's awaited step on jax-js, or why it cannot run. */
export function jaxCase(c: BenchCase): (() => Promise<void>) | string {
  const run = (f: (...xs: Arr[]) => Arr, ...xs: Arr[]) => {
    const g = jax.jit(f);
    return async () => {
      const out = g(...xs.map((x) => x.ref));
      await jax.blockUntilReady(out);
      out.dispose();
    };
  };
  switch (c.kind) {
    case 'matmul':
      return run((a, b) => np.matmul(a, b), np.ones([c.m as number, c.k as number]), np.ones([c.k as number, c.n as number]));
    case 'add':
      return run((a, b) => np.add(a, b), np.ones(c.shape as number[]), np.ones(c.shape as number[]));
    case 'sum':
      return run((a) => np.sum(a, c.dim as number), np.ones(c.shape as number[]));
    case 'conv2d': {
      const pad = c.padding as number;
      return run((x, w) => lax.conv(x, w, [1, 1], [[pad, pad], [pad, pad]]), np.ones(c.x as number[]), np.ones(c.w as number[]));
    }
    case 'train':
      return c.model === 'cnn' ? JAX_CONV_SLOW : trainStep(c.model as string, c.batch as number);
    case 'infer':
      return JAX_CONV_SLOW;
    default:
      return 'not written for jax-js yet';
  }
}

/** Starts jax-js's WebAssembly backend; the reason when it cannot. */
export async function jaxInit(): Promise<string | null> {
  try {
    await jax.init('wasm');
    jax.defaultDevice('wasm');
    return null;
  } catch (e) {
    return `unavailable: ${(e as Error).message}`;
  }
}
