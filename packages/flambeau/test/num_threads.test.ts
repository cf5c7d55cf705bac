import { expect, it } from 'vitest';
import { torch } from 'flambeau';

it('torch.setNumThreads / torch.getNumThreads, as in PyTorch', () => {
  const before = torch.getNumThreads();
  try {
    torch.setNumThreads(1);
    expect(torch.getNumThreads()).toBe(1);
    expect(() => torch.setNumThreads(0)).toThrow(torch.RuntimeError);
    expect(torch.getNumThreads()).toBe(1);
  } finally {
    torch.setNumThreads(before);
  }
});
