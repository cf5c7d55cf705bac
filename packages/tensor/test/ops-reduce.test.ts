import { describe } from 'vitest';
import { runGroup } from './fixture-runner.js';

describe('PyTorch fixtures: reduce', () => runGroup('reduce'));
