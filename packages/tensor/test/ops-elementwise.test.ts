import { describe } from 'vitest';
import { runGroup } from './fixture-runner.js';

describe('PyTorch fixtures: elementwise', () =>
  runGroup('elementwise', {
    looseMessages: {
      'masked_fill/nonbool-mask': 'PyTorch 1.13 still accepts 0/1 integer masks; Flambeau requires bool masks, as PyTorch 2 does',
    },
  }));
