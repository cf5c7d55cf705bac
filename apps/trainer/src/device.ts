/** `--device`: the CPU backend is built in; the others are packages that register themselves when imported. */
import { torch } from 'flambeau';
import { pick, UsageError } from './errors.js';

/** A device's backend package and how it is opened once imported (an adapter, a tfjs backend). */
interface DeviceSpec { pkg: string | null; install: string; open?: (mod: Record<string, (...a: unknown[]) => Promise<unknown>>) => Promise<unknown> }

export const DEVICES: Record<string, DeviceSpec> = {
  cpu: { pkg: null, install: '' },
  webgpu: { pkg: '@flambeau/backend-webgpu', install: 'pnpm add @flambeau/backend-webgpu webgpu@0.6.2, and a Vulkan driver (apt-get install libvulkan1 mesa-vulkan-drivers)', open: (m) => m.initWebGPU('webgpu') },
  tfjs: { pkg: '@flambeau/backend-tfjs', install: 'pnpm add @flambeau/backend-tfjs @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0', open: (m) => m.useTfjs('cpu') },
};

/** Loads the backend for `name` and checks that it can hold a tensor; fails with what to install. */
export async function selectDevice(name: string): Promise<string> {
  const spec = pick(DEVICES, name, 'device');
  if (!spec.pkg) return name;
  let mod: Record<string, (...a: unknown[]) => Promise<unknown>>;
  try {
    mod = (await import(spec.pkg)) as typeof mod;
  } catch (e) {
    throw new UsageError(`--device ${name}: its backend package ${spec.pkg} is not installed (${(e as Error).message.split('\n')[0]}). Install it: ${spec.install}`);
  }
  try {
    await spec.open?.(mod);
    await torch.zeros(1).toAsync(name).then((t) => t.dataAsync());
  } catch (e) {
    throw new UsageError(`--device ${name}: ${spec.pkg} is installed but cannot run here (${(e as Error).message.split('\n')[0]}); it needs ${spec.install.replace(/^pnpm add [^,]*,? ?/, '') || 'its device'}`);
  }
  return name;
}
