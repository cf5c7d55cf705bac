/** The shared backend conformance suite on the tfjs device over tfjs-backend-cpu. */
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import '@flambeau/nn';
import { runBackendConformance } from '@flambeau/backend-tests';
import { tfjs, useTfjs } from '../src/index.js';

await useTfjs('cpu');

const NO_FLOAT64 = 'TensorFlow.js has no float64 tensors: the tfjs device refuses float64 with a DTypeError (tested in dtypes.test.ts)';
const INT64_AS_INT32 = 'TensorFlow.js has no 64-bit integers: int64 lives in int32, values beyond ±2^31 are refused at upload (tested in dtypes.test.ts)';

runBackendConformance(tfjs, { describe, it, expect }, {
  'storage/fromArray-read/float64': NO_FLOAT64,
  'copy/cast/float64-int64': NO_FLOAT64,
  'copy/cast/bool-float64': NO_FLOAT64,
  'copy/cast/int32-float64': NO_FLOAT64,
  'copyInto/offset-window': NO_FLOAT64,
  'matmul/float64': NO_FLOAT64,
  'storage/fromArray-read/int64': INT64_AS_INT32,
  'fill/int64': INT64_AS_INT32,
  'binary/int64-exact': INT64_AS_INT32,
  'reduce/int64-exact': INT64_AS_INT32,
  'sort/int64': INT64_AS_INT32,
  'cumulative/int32-to-int64': `${INT64_AS_INT32}; a sum past 2^31 wraps`,
});
