/**
 * LeNet (the seed 003 model) trains on the tfjs device over tfjs-backend-cpu and follows the CPU
 * backend's losses: same initial weights, same batches, SGD with momentum.
 */
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { useTfjs } from '../src/index.js';
import { lenetLosses, sameLosses } from './lenet_losses.js';

await useTfjs('cpu');

describe('LeNet on the tfjs device', () => {
  it('six SGD steps give the CPU backend\'s losses, and the loss falls', async () => {
    const cpu = await lenetLosses('cpu', 6);
    const tfjs = await lenetLosses('tfjs', 6);
    expect(sameLosses(tfjs, cpu)).toEqual([]);
    expect(tfjs[5]).toBeLessThan(tfjs[0]);
  });
});
