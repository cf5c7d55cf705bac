import type { LaneSkip } from '../../backend-testing/lane/hooks.js';

/**
 * Tests of the `webgpu` lane that cannot hold on this device by design, beyond what the `testing`
 * lane lists (an asynchronous device) and what the device refuses where a test asks for it
 * (float64, int64 values beyond int32: skipped at the refusal). Keyed by test file (under
 * packages/) and a pattern of the test's full name; every entry says why.
 */
const STREAM = "compares draws with PyTorch's CPU stream (mt19937); webgpu draws from its own counter-based Philox stream seeded by manualSeed, as CUDA's differs from the CPU's (backend-webgpu's own tests check its distributions)";
const NONZERO = "nonzero and boolean-mask indexing size their output from the data: webgpu refuses nonzero with a NotImplementedError naming toAsync (a synchronous read a GPU cannot do)";
const INT64_WRAP = 'int64 results beyond ±2^31: the webgpu device stores int64 as int32 and its arithmetic wraps at 32 bits (documented in backend-webgpu/src/dtypes.ts)';
const INT_CONV = "convolves integer tensors: webgpu's convolution kernels are floating point and refuse integers (as CUDA's do)";

export const WEBGPU_SKIPS: LaneSkip[] = [
  // Random streams: the seeded fixtures and the default initialisations that replay the CPU stream.
  { file: 'tensor/test/ops-random.test.ts', test: /^PyTorch fixtures: random (rand|randn|randint|normal|bernoulli|uniform_|normal_|bernoulli_|random_|rand_like|randn_like)(\/(?!error)|$)|^PyTorch fixtures: random multinomial\/(?!error)/, reason: STREAM },
  { file: 'nn/test/init.test.ts', test: /default initialisation reproduces PyTorch after manualSeed|nn\.init functions (kaiming|normal|uniform|xavier)/, reason: STREAM },
  { file: 'nn/test/rnn.test.ts', test: /default initialisation draws what PyTorch draws|_dropout_seeded$/, reason: STREAM },
  { file: 'nn/test/transformer.test.ts', test: /default initialisation draws what PyTorch draws|_dropout_seeded$/, reason: STREAM },
  { file: 'nn/test/conv.test.ts', test: /draw the same numbers from seed 0/, reason: STREAM },
  { file: 'nn/test/layers.test.ts', test: /Dropout draws the same mask as PyTorch after manualSeed/, reason: STREAM },
  // Data-dependent output sizes.
  { file: 'tensor/test/ops-join.test.ts', test: /^PyTorch fixtures: join (nonzero|masked_select)/, reason: NONZERO },
  { file: 'tensor/test/ops-views.test.ts', test: /^PyTorch fixtures: views (index\/bool-mask|index\/0dim-tensor-bool|indexPut\/mask)/, reason: NONZERO },
  { file: 'autograd/test/fixtures.test.ts', test: /float32 fixtures\) index_mask$/, reason: NONZERO },
  // int64 as int32.
  { file: 'tensor/test/ops-elementwise.test.ts', test: /^PyTorch fixtures: elementwise (mul\/int64-overflow-free|pow\/int-big)$/, reason: INT64_WRAP },
  // Integer convolution.
  { file: 'tensor/test/conv.test.ts', test: /conv2d seed example stride 1 and 2/, reason: INT_CONV },
  { file: 'nn/test/conv.test.ts', test: /seed examples F\.conv2d with stride 1 and 2/, reason: INT_CONV },
  // The CPU allocator's message.
  { file: 'tensor/test/size_check.test.ts', test: /an allocation the machine cannot hold/, reason: "checks the CPU allocator's message; webgpu refuses a tensor beyond the adapter's largest storage binding with its own RuntimeError naming that limit" },
];

/**
 * Test files the `webgpu` project leaves out: they create float64 tensors while the file is
 * collected (in `describe` bodies), before any test runs, so the refusal cannot skip one test.
 */
export const WEBGPU_FILE_SKIPS: { file: string; reason: string }[] = [
  { file: 'packages/nn/test/fused_ops_gradcheck.test.ts', reason: 'gradcheck and gradgradcheck of the fused ops in float64' },
  { file: 'packages/nn/test/parameter_container.test.ts', reason: 'its shared ParameterList fixture holds a float64 parameter' },
  { file: 'packages/nn/test/pooling_conv_extra.test.ts', reason: 'a float64 ConvTranspose2d built at collection' },
];

/**
 * Left out of the default run to keep the lane within a few minutes on lavapipe (a CPU Vulkan
 * driver: every new shader compiles through LLVM, about 0.2 s for an elementwise kernel and tens
 * of seconds for a convolution GEMM on a cold shader cache, and it computes at about 1 GFLOPS).
 * `FLAMBEAU_WEBGPU_LANE=full` runs them too.
 */
const COMPILE_BOUND = "the dtype-promotion matrix between integer dtypes: promotion is decided above the kernels (the cpu and testing lanes check it) and each pair compiles its own shader on lavapipe; the lane keeps same-dtype pairs and float32 with every dtype";
const COMPUTE_BOUND = 'a 64×3×32×32 convolution with both gradients: about a GFLOP, minutes on lavapipe with a cold shader cache; the convolution kernels are checked on small shapes here and against the CPU in backend-webgpu/test/kernels.test.ts';
export const BUDGET_SKIPS: LaneSkip[] = [
  { file: 'tensor/test/ops-elementwise.test.ts', test: /^PyTorch fixtures: elementwise \w+\/(int32|int64|bool|uint8)-(?!\1$)(int32|int64|bool|uint8)$/, reason: COMPILE_BOUND },
  { file: 'tensor/test/conv.test.ts', test: /64×3×32×32 through Conv2d\(3, 32, 5, padding 2\)/, reason: COMPUTE_BOUND },
  { file: 'nn/test/conv.test.ts', test: /Conv2d\(3, 32, 5, padding 2\) forward and backward on 64×3×32×32/, reason: COMPUTE_BOUND },
  { file: 'nn/test/module.test.ts', test: /the API-EXAMPLE port \(seed 002\) builds from field initialisers/, reason: 'three convolution layers, forward and both gradients: a dozen GEMM shaders, which take minutes to compile on lavapipe with a cold shader cache (about 2 s warm)' },
];
