// The device worker runs the TypeScript sources: tsx's loader is registered for this thread
// before the worker module is imported (the `@flambeau/source` condition comes from execArgv).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
