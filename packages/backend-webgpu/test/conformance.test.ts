import { describe, expect, it } from 'vitest';
import { runBackendConformance } from '@flambeau/backend-tests';
import { gpu, skipReason } from './helpers.js';

const INT64 = 'int64 is stored as int32 on webgpu: values beyond ±2^31 are refused at upload';
const F64 = 'webgpu has no float64 (refused with a DTypeError naming .float())';

/** Cases this device cannot pass by design, each with the reason. */
const SKIPS: Record<string, string> = {
  'storage/fromArray-read/float64': F64,
  'storage/fromArray-read/int64': INT64,
  'copy/cast/float64-int64': F64,
  'copy/cast/bool-float64': F64,
  'copy/cast/int32-float64': F64,
  'copy/cast/int64-float32': `${INT64} (16777217)`,
  'copyInto/offset-window': F64,
  'fill/int64': INT64,
  'binary/int64-exact': INT64,
  'reduce/int64-exact': INT64,
  'cumulative/int32-to-int64': 'int64 sums wrap at 32 bits on webgpu',
  'matmul/float64': F64,
  'sort/int64': INT64,
  'nonzero/strided': 'nonzero has a data-dependent size, which needs a synchronous read: refused with a NotImplementedError naming toAsync',
};

if (gpu) runBackendConformance(gpu, { describe, it, expect }, SKIPS);
else describe.skip(`webgpu conformance (skipped: ${skipReason})`, () => { it('needs an adapter', () => {}); });
