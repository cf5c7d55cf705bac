import { RuntimeError } from '@flambeau/tensor';

/**
 * Finding a GPU: `navigator.gpu` in browsers (and Deno), Dawn through npm `webgpu` in Node.
 *
 * The GPU object that Dawn's `create()` returns must stay reachable for as long as any of its
 * devices is used. Dawn's Node binding frees the native instance when that JS object is collected,
 * while its event poller keeps calling `ProcessEvents` on it: the process then dies in
 * `CallbackTaskManager::Flush` (SIGSEGV, "terminate called … std::system_error", futex asserts).
 * In a training loop this shows up after a readback followed by ≥ 20 ms of busy JavaScript: that is
 * when V8 optimises the awaiting function and its liveness analysis drops the last local holding
 * the GPU object. `GpuHandle` therefore pins the GPU and the adapter next to the device.
 */
export interface GpuHandle {
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly adapterIndex: number;
}

/** Instances pinned for the life of the process (see above); one per JS realm is enough. */
let pinnedGpu: GPU | null | undefined;

const DRIVER_HINT =
  'Install a GPU driver with Vulkan (Linux; on Debian/Ubuntu `apt-get install libvulkan1 mesa-vulkan-drivers` ' +
  "also gives Mesa's lavapipe, a CPU adapter), Metal (macOS) or D3D12 (Windows); in Chromium pass " +
  '--enable-unsafe-webgpu where WebGPU is behind a flag.';
const PACKAGE_HINT = "In Node install the 'webgpu' package (npm i webgpu@0.6.2); in a browser use one with WebGPU.";

async function loadGpu(): Promise<GPU | null> {
  if (pinnedGpu !== undefined) return pinnedGpu;
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) {
    pinnedGpu = nav.gpu;
    return pinnedGpu;
  }
  try {
    const name = 'webgpu';
    const mod = (await import(/* @vite-ignore */ name)) as { create(opts: string[]): GPU; globals: Record<string, unknown> };
    // Kernels use the GPUBufferUsage/GPUMapMode constants as globals, as in browsers.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    pinnedGpu = mod.create([]);
  } catch {
    pinnedGpu = null;
  }
  return pinnedGpu;
}

/**
 * Adapters in a stable order: the default (high-performance) one first, then the fallback adapter
 * when it is a different one. `webgpu:1` picks the second.
 */
async function adapters(gpu: GPU): Promise<GPUAdapter[]> {
  const out: GPUAdapter[] = [];
  const first = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (first) out.push(first);
  const low = await gpu.requestAdapter({ powerPreference: 'low-power' });
  if (low && first && low.info?.device !== first.info?.device) out.push(low);
  if (out.length === 0) {
    const fb = await gpu.requestAdapter({ forceFallbackAdapter: true });
    if (fb) out.push(fb);
  }
  return out;
}

/**
 * `torch.backends.webgpu.is_available()`-style check: resolves `true` when a WebGPU adapter exists.
 *
 * @example
 * if (await isAvailable()) await initWebGPU();
 */
export async function isAvailable(): Promise<boolean> {
  const gpu = await loadGpu();
  if (!gpu) return false;
  return (await adapters(gpu)).length > 0;
}

/** Why no adapter is available, or `null` when one is: test suites print this as their skip reason. */
export async function unavailableReason(): Promise<string | null> {
  const gpu = await loadGpu();
  if (!gpu) return `no WebGPU implementation found (neither navigator.gpu nor the npm 'webgpu' package). ${PACKAGE_HINT}`;
  if ((await adapters(gpu)).length === 0) return `WebGPU found but it reports no adapter. ${DRIVER_HINT}`;
  return null;
}

/** Opens a device on adapter `index` with the adapter's full limits and optional `shader-f16`. */
export async function openDevice(index = 0): Promise<GpuHandle> {
  const gpu = await loadGpu();
  if (!gpu) throw new RuntimeError(`WebGPU is not available: no navigator.gpu and no npm 'webgpu' package. ${PACKAGE_HINT}`);
  const list = await adapters(gpu);
  if (list.length === 0) throw new RuntimeError(`WebGPU is available but reports no adapter. ${DRIVER_HINT}`);
  const adapter = list[index];
  if (!adapter) {
    throw new RuntimeError(`webgpu:${index} requested but only ${list.length} WebGPU adapter${list.length === 1 ? '' : 's'} found (webgpu:0${list.length > 1 ? `..webgpu:${list.length - 1}` : ''})`);
  }
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('shader-f16')) requiredFeatures.push('shader-f16');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
    },
  });
  return { gpu, adapter, device, adapterIndex: index };
}
