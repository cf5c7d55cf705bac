import { describe } from 'vitest';
import { runGroup } from './fixture-runner.js';

describe('PyTorch fixtures: random', () => runGroup('random'));
