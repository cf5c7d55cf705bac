import { describe, expect, it } from 'vitest';
import { runBackendConformance } from '@flambeau/backend-tests';
import { cpu } from '@flambeau/tensor';
import { describeEachCpuConfig } from './cpu_configs.js';

// The whole kernel conformance suite on each kernel variant and thread count: the CPU is the
// reference backend, so it passes every case, with no skips, however it runs.
describeEachCpuConfig('CPU backend', () => runBackendConformance(cpu, { describe, it, expect }));
