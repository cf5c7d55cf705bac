/**
 * Device-side checks on the tfjs device: where tfjs reads synchronously they raise at once; in
 * 'async' validation (what a webgpu-backed tfjs gets) they raise at the next read, with PyTorch's
 * error, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { nn, torch } from 'flambeau';
import { useTfjs } from '../src/index.js';

await useTfjs('cpu');
afterEach(() => torch.setValidation(null));

describe('device-side checks on tfjs', () => {
  const logits = () => torch.randn(3, 4).to('tfjs');
  const bad = () => torch.tensor([0, 7, 1]).to('tfjs');

  it('raise at once where tfjs reads synchronously', () => {
    expect(() => nn.functional.crossEntropy(logits(), bad())).toThrow(/out of bounds/);
  });

  it("raise at the next read in 'async' mode, with PyTorch's message", async () => {
    torch.setValidation('async');
    const x = logits();
    const loss = nn.functional.crossEntropy(x, bad());
    await expect(loss.item()).rejects.toThrow(/out of bounds/);
    loss.dispose();
    // Reported once: the next read of valid work succeeds.
    const ok = nn.functional.crossEntropy(x, torch.tensor([0, 1, 2]).to('tfjs'));
    expect(Number.isFinite(await ok.item())).toBe(true);
  });

  it("raise at a dataSync too in 'async' mode (a synchronous read is a read)", () => {
    torch.setValidation('async');
    const loss = nn.functional.crossEntropy(logits(), bad());
    expect(() => loss.dataSync()).toThrow(/out of bounds/);
    expect(Number.isFinite(nn.functional.crossEntropy(logits(), torch.tensor([0, 1, 2]).to('tfjs')).itemSync())).toBe(true);
  });
});
