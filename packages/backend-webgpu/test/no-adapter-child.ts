// Run by runtime.test.ts with Vulkan pointed at no driver: what a machine without a GPU driver sees.
import { initWebGPU, isAvailable } from '../src/index.js';

const available = await isAvailable();
const error = await initWebGPU().then(() => null, (e: Error) => `${e.constructor.name}: ${e.message}`);
console.log(JSON.stringify({ available, error }));
