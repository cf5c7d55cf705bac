import { describe, expect, it } from 'vitest';
import { testing } from '@flambeau/backend-testing';
import { runBackendConformance } from '../src/index.js';

// The asynchronous test device wraps the CPU kernels: every case must pass there too.
runBackendConformance(testing, { describe, it, expect });
