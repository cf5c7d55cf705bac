import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/flambeau-train.js', import.meta.url));

export interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs the real `flambeau-train` binary. `onLine` sees each stdout/stderr line as it comes and may
 * act on the child (send it a signal).
 */
export function cli(args: string[], opts: { env?: Record<string, string>; cwd?: string; onLine?: (line: string, child: ChildProcess, stream: 'stdout' | 'stderr') => void } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      let pending = '';
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        out[stream] += chunk;
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const l of lines) opts.onLine?.(l, child, stream);
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
}

/** The JSON events of a `--json` run. */
export const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });
