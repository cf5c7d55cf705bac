/**
 * tfjs tensors are disposed deterministically: over a training loop the number of live tfjs
 * tensors (`tf.memory().numTensors`) and bytes stay flat once the tensors the loop dropped are
 * collected, and disposing a tensor frees its tfjs tensor at once.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nn, optim, torch, type Tensor } from 'flambeau';
import { collectGarbage as collect } from '@flambeau/backend-testing';
import { useTfjs } from '../src/index.js';

await useTfjs('cpu');
class Small extends nn.Module {
  conv = new nn.Conv2d(1, 4, 3);
  fc = new nn.Linear(4 * 3 * 3, 3);
  override forward(x: Tensor): Tensor {
    const h = nn.functional.maxPool2d(nn.functional.relu(this.conv(x)), 2);
    return this.fc(h.flatten(1));
  }
}

describe('tfjs memory', () => {
  it('dispose frees the tfjs tensor at once', () => {
    const before = tf.memory().numTensors;
    const x = torch.ones(5, { device: 'tfjs' });
    expect(tf.memory().numTensors).toBe(before + 1);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tf.memory().numTensors stays flat over a training loop (conv, pool, linear, Adam)', async () => {
    torch.manualSeed(0);
    const model = new Small().to('tfjs');
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const lossFn = new nn.CrossEntropyLoss();
    let at10 = { numTensors: 0, numBytes: 0 };
    for (let step = 1; step <= 40; step++) {
      const loss = lossFn(model(torch.randn(4, 1, 8, 8).to('tfjs')), torch.randint(3, [4]).to('tfjs'));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      if (step === 10) {
        await collect();
        at10 = tf.memory();
      }
    }
    await collect();
    expect(at10.numTensors).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(at10.numTensors);
    expect(tf.memory().numBytes).toBe(at10.numBytes);
  });
});
