/** `--device`: the CPU backend is built in; the others are packages that register themselves when imported. */
import { torch } from 'flambeau';
import { pick, UsageError } from './errors.js';

interface DeviceSpec { pkg: string | null; install: string }

export const DEVICES: Record<string, DeviceSpec> = {
  cpu: { pkg: null, install: '' },
  webgpu: { pkg: '@flambeau/backend-webgpu', install: 'pnpm add @flambeau/backend-webgpu webgpu@0.6.2, and a Vulkan driver (apt-get install libvulkan1 mesa-vulkan-drivers)' },
  tfjs: { pkg: '@flambeau/backend-tfjs', install: 'pnpm add @flambeau/backend-tfjs @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0' },
};

/** Loads the backend for `name` and checks that it can hold a tensor; fails with what to install. */
export async function selectDevice(name: string): Promise<string> {
  const spec = pick(DEVICES, name, 'device');
  if (!spec.pkg) return name;
  try {
    await import(spec.pkg);
  } catch (e) {
    throw new UsageError(`--device ${name}: its backend package ${spec.pkg} is not installed (${(e as Error).message.split('\n')[0]}). Install it: ${spec.install}`);
  }
  try {
    await torch.zeros(1).to(name).data();
  } catch (e) {
    throw new UsageError(`--device ${name}: ${spec.pkg} is installed but cannot run here (${(e as Error).message.split('\n')[0]}); it needs ${spec.install.replace(/^pnpm add [^,]*,? ?/, '') || 'its device'}`);
  }
  return name;
}
