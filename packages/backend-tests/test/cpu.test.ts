import { describe, expect, it } from 'vitest';
import { cpu } from '@flambeau/tensor';
import { runBackendConformance } from '../src/index.js';

// The CPU backend is the reference: it must pass every case, with no skips.
runBackendConformance(cpu, { describe, it, expect });
