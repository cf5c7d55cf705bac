import { describe } from 'vitest';
import { runGroup } from './fixture-runner.js';

describe('PyTorch fixtures: join', () => runGroup('join'));
